// ECDSA signature malleability: (r, s) and (r, n - s) both verify; Fabric accepts only the smaller s.

import SwiftASN1

/// Normalises and checks the S half of DER ECDSA signatures.
public enum LowS {
    /// The order n of the P-256 group, big-endian.
    static let p256Order: [UInt8] = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
    /// The order n of the P-384 group, big-endian.
    static let p384Order: [UInt8] = hex(
        "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973"
    )

    /// Returns the DER signature with s replaced by n - s when s > n / 2.
    public static func normalise(der: [UInt8], order: [UInt8]) throws -> [UInt8] {
        let (r, s) = try components(der)
        guard isHigh(s, order: order) else { return der }
        return try encode(r: r, s: subtract(order, s))
    }

    /// True when the signature's s is at most n / 2 for the given curve size in bytes (32 or 48).
    public static func isLow(der: [UInt8], curveBytes: Int) -> Bool {
        guard let (_, s) = try? components(der) else { return false }
        return !isHigh(s, order: curveBytes == 48 ? p384Order : p256Order)
    }

    static func components(_ der: [UInt8]) throws -> (r: [UInt8], s: [UInt8]) {
        let node = try DER.parse(der)
        return try DER.sequence(node, identifier: .sequence) { nodes in
            let r = try ArraySlice<UInt8>(derEncoded: &nodes)
            let s = try ArraySlice<UInt8>(derEncoded: &nodes)
            return (strip(Array(r)), strip(Array(s)))
        }
    }

    static func encode(r: [UInt8], s: [UInt8]) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(integerBytes: r)
            try coder.serialize(integerBytes: s)
        }
        return serializer.serializedBytes
    }

    // s > n/2  ⇔  2s > n
    static func isHigh(_ s: [UInt8], order: [UInt8]) -> Bool {
        var doubled = [UInt8](repeating: 0, count: order.count + 1)
        let padded = [UInt8](repeating: 0, count: max(0, order.count - s.count)) + s
        var carry = 0
        for index in stride(from: padded.count - 1, through: 0, by: -1) {
            let value = Int(padded[index]) * 2 + carry
            doubled[index + 1] = UInt8(value & 0xff)
            carry = value >> 8
        }
        doubled[0] = UInt8(carry)
        let extendedOrder = [0] + order
        return doubled.lexicographicallyPrecedes(extendedOrder) == false && doubled != extendedOrder
    }

    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        let paddedB = [UInt8](repeating: 0, count: max(0, a.count - b.count)) + b
        var result = [UInt8](repeating: 0, count: a.count)
        var borrow = 0
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            var value = Int(a[index]) - Int(paddedB[index]) - borrow
            borrow = value < 0 ? 1 : 0
            if value < 0 { value += 256 }
            result[index] = UInt8(value)
        }
        return strip(result)
    }

    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        let trimmed = bytes.drop { $0 == 0 }
        return trimmed.isEmpty ? [0] : Array(trimmed)
    }

    static func hex(_ string: String) -> [UInt8] {
        Hex.decode(string) ?? []
    }
}

extension DER.Serializer {
    /// Writes a non-negative big-endian magnitude as a DER INTEGER, adding the sign byte it needs.
    mutating func serialize(integerBytes magnitude: [UInt8]) throws {
        let body = (magnitude.first ?? 0) & 0x80 != 0 ? [0] + magnitude : magnitude
        self.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: body) }
    }
}
