// A credential: the issuer's BBS+ signature on the holder's secret and its attribute values.

/// An `idemix.Credential`.
public struct Credential: Sendable {
    public let a: G1
    public let b: G1
    let e: Scalar
    let s: Scalar
    /// The attribute values, in the issuer key's order.
    public let attributes: [Scalar]

    init(a: G1, b: G1, e: Scalar, s: Scalar, attributes: [Scalar]) {
        self.a = a
        self.b = b
        self.e = e
        self.s = s
        self.attributes = attributes
    }

    /// The protobuf bytes fabric-ca sends (base64) and a SignerConfig holds.
    public var serialized: [UInt8] {
        var writer = ProtobufWriter()
        writer.message(1, a.message)
        writer.message(2, b.message)
        writer.bytes(3, e.bytes)
        writer.bytes(4, s.bytes)
        for value in attributes { writer.bytes(5, value.bytes, always: true) }
        return writer.bytes
    }

    /// Reads a credential; every point and scalar is validated.
    public init(serialized bytes: [UInt8]) throws(IdemixError) {
        var reader = ProtobufReader(bytes)
        var fields: [Int: [UInt8]] = [:]
        var attributes: [Scalar] = []
        while let (field, value) = try reader.next() {
            switch field {
            case 1, 2, 3, 4: fields[field] = try value.bytes()
            case 5:
                attributes.append(try Scalar(field: try value.bytes(), name: "an attribute value"))
                guard attributes.count <= 64 else { throw .malformed("too many attributes") }
            default: continue
            }
        }
        self.init(
            a: try G1(message: fields[1] ?? [], name: "A"),
            b: try G1(message: fields[2] ?? [], name: "B"),
            e: try Scalar(field: fields[3] ?? [], name: "E"),
            s: try Scalar(field: fields[4] ?? [], name: "S"),
            attributes: attributes
        )
    }

    /// Checks the credential for the holder of `secret` (`Credential.Ver`): B is the commitment to
    /// the secret and the attributes, and e(W·g2^e, A) = e(g2, B).
    public func verify(secret: Scalar, issuer: IssuerPublicKey) throws(IdemixError) {
        guard attributes.count == issuer.attributeNames.count else {
            throw .invalidProof(
                "the credential has \(attributes.count) attributes, the issuer key \(issuer.attributeNames.count)"
            )
        }
        var expected = G1.generator + secret * issuer.hSk + s * issuer.hRand
        for (base, value) in zip(issuer.hAttrs, attributes) { expected = expected + value * base }
        guard expected == b else { throw .invalidProof("the credential's B does not match its attribute values") }
        guard Pairing.equal(a, issuer.w + e * G2.generator, b, G2.generator) else {
            throw .invalidProof("the credential is not cryptographically valid")
        }
    }
}
