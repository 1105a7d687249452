// Points in projective coordinates with the complete addition formulas of Renes, Costello and
// Batina (2016, a = 0): one formula for every pair of inputs, the identity included, so a scalar
// multiplication runs the same steps whatever the secret scalar is.

/// A point (X : Y : Z) of y² = x³ + b over `Field`; Z = 0 is the identity.
struct CurvePoint<Field: CurveField>: Sendable {
    var x: Field
    var y: Field
    var z: Field

    static var identity: CurvePoint { CurvePoint(x: .zero, y: .one, z: .zero) }

    init(x: Field, y: Field, z: Field) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// The affine point (x, y); nil when it is not on the curve.
    init?(affineX: Field, affineY: Field) {
        guard affineY * affineY == affineX * affineX * affineX + Field.curveB else { return nil }
        self.init(x: affineX, y: affineY, z: .one)
    }

    var isIdentity: Bool { z.isZero }

    /// (x, y) with Z = 1; nil for the identity.
    var affine: (x: Field, y: Field)? {
        guard !isIdentity else { return nil }
        let inverse = z.inverse
        return (x * inverse, y * inverse)
    }

    static func + (p: CurvePoint, q: CurvePoint) -> CurvePoint {
        let b3 = Field.curveB3
        var t0 = p.x * q.x
        var t1 = p.y * q.y
        var t2 = p.z * q.z
        var t3 = (p.x + p.y) * (q.x + q.y)
        var t4 = t0 + t1
        t3 = t3 - t4
        t4 = (p.y + p.z) * (q.y + q.z)
        var x3 = t1 + t2
        t4 = t4 - x3
        x3 = (p.x + p.z) * (q.x + q.z)
        var y3 = t0 + t2
        y3 = x3 - y3
        x3 = t0 + t0
        t0 = x3 + t0
        t2 = b3 * t2
        var z3 = t1 + t2
        t1 = t1 - t2
        y3 = b3 * y3
        x3 = t4 * y3
        t2 = t3 * t1
        x3 = t2 - x3
        y3 = y3 * t0
        t1 = t1 * z3
        y3 = t1 + y3
        t0 = t0 * t3
        z3 = z3 * t4
        z3 = z3 + t0
        return CurvePoint(x: x3, y: y3, z: z3)
    }

    static prefix func - (p: CurvePoint) -> CurvePoint { CurvePoint(x: p.x, y: Field.zero - p.y, z: p.z) }

    static func - (p: CurvePoint, q: CurvePoint) -> CurvePoint { p + (-q) }

    /// k·P by double-and-add-always over all 256 bits, choosing with masks: the sequence of field
    /// operations does not depend on k.
    static func * (k: Scalar, p: CurvePoint) -> CurvePoint {
        let bits = k.canonical
        var result = CurvePoint.identity
        for index in stride(from: 255, through: 0, by: -1) {
            result = result + result
            let sum = result + p
            result = select(0 &- bits.bit(index), sum, result)
        }
        return result
    }

    static func select(_ mask: UInt64, _ a: CurvePoint, _ b: CurvePoint) -> CurvePoint {
        CurvePoint(
            x: Field.select(mask, a.x, b.x),
            y: Field.select(mask, a.y, b.y),
            z: Field.select(mask, a.z, b.z)
        )
    }
}

extension CurvePoint: Equatable {
    static func == (p: CurvePoint, q: CurvePoint) -> Bool {
        p.x * q.z == q.x * p.z && p.y * q.z == q.y * p.z
    }
}
