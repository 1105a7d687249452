// A signature of knowledge of a credential (`idemix.Signature`, the "standard" kind without
// enrollment-ID or revocation-handle nyms): what fabric-ca-client sends as an Idemix token, proving
// it holds a credential of this issuer and disclosing some attributes, bound to a message.

/// An Idemix signature as fabric-ca verifies it in a token.
public struct Signature: Sendable {
    let aPrime: G1
    let aBar: G1
    let bPrime: G1
    let nym: G1
    let proofC: Scalar
    let proofSSk: Scalar
    let proofSE: Scalar
    let proofSR2: Scalar
    let proofSR3: Scalar
    let proofSSPrime: Scalar
    let proofSRNym: Scalar
    let proofSAttributes: [Scalar]
    let nonce: Scalar
    let revocationAlgorithm: Int64

    static let label = Array("sign".utf8)

    init(
        aPrime: G1,
        aBar: G1,
        bPrime: G1,
        nym: G1,
        proofC: Scalar,
        proofSSk: Scalar,
        proofSE: Scalar,
        proofSR2: Scalar,
        proofSR3: Scalar,
        proofSSPrime: Scalar,
        proofSRNym: Scalar,
        proofSAttributes: [Scalar],
        nonce: Scalar,
        revocationAlgorithm: Int64 = 0
    ) {
        self.aPrime = aPrime
        self.aBar = aBar
        self.bPrime = bPrime
        self.nym = nym
        self.proofC = proofC
        self.proofSSk = proofSSk
        self.proofSE = proofSE
        self.proofSR2 = proofSR2
        self.proofSR3 = proofSR3
        self.proofSSPrime = proofSSPrime
        self.proofSRNym = proofSRNym
        self.proofSAttributes = proofSAttributes
        self.nonce = nonce
        self.revocationAlgorithm = revocationAlgorithm
    }

    /// Reads a serialised signature; every point and scalar is validated. Signatures with
    /// enrollment-ID or revocation-handle nyms (fields 18, 19) are refused: fabric-ca-client never
    /// makes them for a token.
    public init(serialized bytes: [UInt8]) throws(IdemixError) {
        var reader = ProtobufReader(bytes)
        var fields: [Int: [UInt8]] = [:]
        var attributes: [Scalar] = []
        var algorithm: Int64 = 0
        while let (field, value) = try reader.next() {
            switch field {
            case 1...9, 11...15: fields[field] = try value.bytes()
            case 10:
                attributes.append(try Scalar(field: try value.bytes(), name: "proof_s_attrs"))
                guard attributes.count <= 64 else { throw .malformed("too many attribute proofs") }
            case 17:
                var inner = ProtobufReader(try value.bytes())
                while let (innerField, innerValue) = try inner.next() {
                    if innerField == 1 { algorithm = try innerValue.integer() }
                }
            case 18, 19: throw .invalidValue("signatures with enrollment-ID or revocation-handle nyms are not accepted")
            default: continue
            }
        }
        func scalar(_ field: Int, _ name: String) throws(IdemixError) -> Scalar {
            try Scalar(field: fields[field] ?? [], name: name)
        }
        guard algorithm == 0 else { throw .invalidValue("only ALG_NO_REVOCATION is supported") }
        // The epoch key must be a point of G2 (the verifier parses it as fabric-ca's does).
        _ = try G2(message: fields[14] ?? [], name: "the revocation epoch key")
        self.init(
            aPrime: try G1(message: fields[1] ?? [], name: "A'"),
            aBar: try G1(message: fields[2] ?? [], name: "Ā"),
            bPrime: try G1(message: fields[3] ?? [], name: "B'"),
            nym: try G1(message: fields[12] ?? [], name: "the nym"),
            proofC: try scalar(4, "proof_c"),
            proofSSk: try scalar(5, "proof_s_sk"),
            proofSE: try scalar(6, "proof_s_e"),
            proofSR2: try scalar(7, "proof_s_r2"),
            proofSR3: try scalar(8, "proof_s_r3"),
            proofSSPrime: try scalar(9, "proof_s_s_prime"),
            proofSRNym: try scalar(13, "proof_s_r_nym"),
            proofSAttributes: attributes,
            nonce: try scalar(11, "nonce")
        )
    }

    /// Checks the signature on `message` (fabric-ca: the SHA-256 digest of the token's request):
    /// the credential's structure (e(W, A') = e(g2, Ā)), then the proof of knowledge, with
    /// `disclosed` attributes (index → value) shown and the others hidden (`Signature.Ver`).
    public func verify(issuer: IssuerPublicKey, message: [UInt8], disclosed: [Int: Scalar]) throws(IdemixError) {
        let count = issuer.attributeNames.count
        guard disclosed.keys.allSatisfy({ (0..<count).contains($0) }) else {
            throw .invalidValue("a disclosed attribute is not in the issuer key")
        }
        let hidden = (0..<count).filter { disclosed[$0] == nil }
        guard proofSAttributes.count == hidden.count else {
            throw .invalidProof("the signature proves \(proofSAttributes.count) hidden attributes, not \(hidden.count)")
        }
        guard !aPrime.isIdentity, Pairing.equal(aPrime, issuer.w, aBar, G2.generator) else {
            throw .invalidProof("the signature's A' and Ā do not have the expected structure")
        }
        let t1 = proofSE * aPrime + proofSR2 * issuer.hRand - proofC * (aBar - bPrime)
        var t2 = proofSSPrime * issuer.hRand + proofSR3 * bPrime + proofSSk * issuer.hSk
        for (index, response) in zip(hidden, proofSAttributes) { t2 = t2 + response * issuer.hAttrs[index] }
        var shown = G1.generator
        for (index, value) in disclosed.sorted(by: { $0.key < $1.key }) { shown = shown + value * issuer.hAttrs[index] }
        t2 = t2 + proofC * shown
        let t3 = proofSSk * issuer.hSk + proofSRNym * issuer.hRand - proofC * nym
        let disclosure = (0..<count).map { disclosed[$0] == nil ? UInt8(0) : 1 }
        let challenge = Scalar(
            hashing: Self.label + t1.bytes + t2.bytes + t3.bytes + aPrime.bytes + aBar.bytes + bPrime.bytes + nym.bytes
                + Self.padded(issuer.hash, to: 32) + disclosure + message
        )
        guard Scalar(hashing: challenge.bytes + nonce.bytes) == proofC else {
            throw .invalidProof("the Idemix signature does not verify")
        }
    }

    /// `copy` into a fixed-size slot, as the Go code fills its buffer.
    static func padded(_ bytes: [UInt8], to size: Int) -> [UInt8] {
        Array((bytes + [UInt8](repeating: 0, count: size)).prefix(size))
    }
}
