// `amcl.ECP` and `amcl.ECP2`: how points travel inside Idemix's messages.

extension G1 {
    /// The `amcl.ECP` message.
    var message: [UInt8] {
        var writer = ProtobufWriter()
        let (x, y) = coordinates ?? ([], [])
        writer.bytes(1, x)
        writer.bytes(2, y)
        return writer.bytes
    }

    /// Reads an `amcl.ECP`: both coordinates, on the curve, not the identity.
    init(message: [UInt8], name: String) throws(IdemixError) {
        var reader = ProtobufReader(message)
        var x: [UInt8] = []
        var y: [UInt8] = []
        while let (field, value) = try reader.next() {
            switch field {
            case 1: x = try value.bytes()
            case 2: y = try value.bytes()
            default: continue
            }
        }
        guard let point = G1(x: x, y: y), !point.isIdentity else { throw .invalidValue("\(name) is not a point of G1") }
        self = point
    }
}

extension G2 {
    /// The `amcl.ECP2` message.
    var message: [UInt8] {
        let bytes = self.bytes
        var writer = ProtobufWriter()
        for index in 0..<4 { writer.bytes(index + 1, Array(bytes[(index * 32)..<(index * 32 + 32)])) }
        return writer.bytes
    }

    /// Reads an `amcl.ECP2`: on the twist, in G2, not the identity.
    init(message: [UInt8], name: String) throws(IdemixError) {
        var reader = ProtobufReader(message)
        var parts: [[UInt8]] = [[], [], [], []]
        while let (field, value) = try reader.next() {
            if (1...4).contains(field) { parts[field - 1] = try value.bytes() }
        }
        guard let point = G2(xa: parts[0], xb: parts[1], ya: parts[2], yb: parts[3]), !point.isIdentity else {
            throw .invalidValue("\(name) is not a point of G2")
        }
        self = point
    }
}

extension Scalar {
    /// A scalar field of a message: 32 bytes below r.
    init(field bytes: [UInt8], name: String) throws(IdemixError) {
        guard let scalar = Scalar(bytes: bytes) else { throw .invalidValue("\(name) is not a 32-byte scalar below r") }
        self = scalar
    }
}
