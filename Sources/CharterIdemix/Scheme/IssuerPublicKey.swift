// The issuer's public key (`idemix.IssuerPublicKey`): what `/cainfo` serves, what a Fabric idemix MSP
// holds, and what every credential request and credential is checked against.

/// An Idemix issuer public key with its proof of knowledge of the secret key and its hash.
public struct IssuerPublicKey: Sendable {
    /// The attribute names, in credential order (fabric-ca: OU, Role, EnrollmentID, RevocationHandle).
    public let attributeNames: [String]
    public let hSk: G1
    public let hRand: G1
    public let hAttrs: [G1]
    public let w: G2
    public let barG1: G1
    public let barG2: G1
    let proofC: Scalar
    let proofS: Scalar
    /// HashToZr of the key serialised without its hash: bound into every credential request.
    public let hash: [UInt8]
    /// The serialised key as stored and served.
    public let serialized: [UInt8]

    init(
        attributeNames: [String],
        hSk: G1,
        hRand: G1,
        hAttrs: [G1],
        w: G2,
        barG1: G1,
        barG2: G1,
        proofC: Scalar,
        proofS: Scalar
    ) {
        self.attributeNames = attributeNames
        self.hSk = hSk
        self.hRand = hRand
        self.hAttrs = hAttrs
        self.w = w
        self.barG1 = barG1
        self.barG2 = barG2
        self.proofC = proofC
        self.proofS = proofS
        let unhashed = Self.encode(
            attributeNames,
            hSk,
            hRand,
            hAttrs,
            w,
            barG1,
            barG2,
            proofC,
            proofS,
            hash: []
        )
        hash = Scalar(hashing: unhashed).bytes
        serialized = Self.encode(attributeNames, hSk, hRand, hAttrs, w, barG1, barG2, proofC, proofS, hash: hash)
    }

    /// Reads a serialised key and checks all of it: every point valid, the proof of knowledge of
    /// the secret key (as `IssuerPublicKey.Check` does) and the stored hash.
    public init(serialized bytes: [UInt8]) throws(IdemixError) {
        var reader = ProtobufReader(bytes)
        var names: [String] = []
        var hAttrs: [G1] = []
        var fields: [Int: [UInt8]] = [:]
        while let (field, value) = try reader.next() {
            switch field {
            case 1: names.append(try value.string())
            case 4: hAttrs.append(try G1(message: try value.bytes(), name: "h_attrs"))
            case 2, 3, 5, 6, 7, 8, 9, 10: fields[field] = try value.bytes()
            default: continue
            }
            guard names.count <= 64, hAttrs.count <= 64 else { throw .malformed("too many attributes") }
        }
        guard Set(names).count == names.count, hAttrs.count == names.count else {
            throw .invalidValue("the attribute names and bases do not match")
        }
        self.init(
            attributeNames: names,
            hSk: try G1(message: fields[2] ?? [], name: "h_sk"),
            hRand: try G1(message: fields[3] ?? [], name: "h_rand"),
            hAttrs: hAttrs,
            w: try G2(message: fields[5] ?? [], name: "w"),
            barG1: try G1(message: fields[6] ?? [], name: "bar_g1"),
            barG2: try G1(message: fields[7] ?? [], name: "bar_g2"),
            proofC: try Scalar(field: fields[8] ?? [], name: "proof_c"),
            proofS: try Scalar(field: fields[9] ?? [], name: "proof_s")
        )
        guard fields[10] == hash else { throw .invalidProof("the issuer public key's hash does not match the key") }
        guard
            proofC
                == Self.challenge(
                    t1: proofS * .generator - proofC * w,
                    t2: proofS * barG1 - proofC * barG2,
                    w,
                    barG1,
                    barG2
                )
        else { throw .invalidProof("the issuer public key's proof of knowledge does not verify") }
    }

    /// The Fiat–Shamir challenge of the proof of knowledge of isk: t1, t2, g2, bar g1, W, bar g2.
    static func challenge(t1: G2, t2: G1, _ w: G2, _ barG1: G1, _ barG2: G1) -> Scalar {
        Scalar(hashing: t1.bytes + t2.bytes + G2.generator.bytes + barG1.bytes + w.bytes + barG2.bytes)
    }

    private static func encode(
        _ names: [String],
        _ hSk: G1,
        _ hRand: G1,
        _ hAttrs: [G1],
        _ w: G2,
        _ barG1: G1,
        _ barG2: G1,
        _ proofC: Scalar,
        _ proofS: Scalar,
        hash: [UInt8]
    ) -> [UInt8] {
        var writer = ProtobufWriter()
        for name in names { writer.string(1, name, always: true) }
        writer.message(2, hSk.message)
        writer.message(3, hRand.message)
        for base in hAttrs { writer.message(4, base.message) }
        writer.message(5, w.message)
        writer.message(6, barG1.message)
        writer.message(7, barG2.message)
        writer.bytes(8, proofC.bytes)
        writer.bytes(9, proofS.bytes)
        writer.bytes(10, hash)
        return writer.bytes
    }
}
