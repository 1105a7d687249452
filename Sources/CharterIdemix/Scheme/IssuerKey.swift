// The issuer's key pair: the secret isk and the public key, as fabric-ca generates them at init.

/// An Idemix issuer key pair.
public struct IssuerKey: Sendable {
    /// The secret key (fabric-ca's `IssuerSecretKey` file holds its 32 bytes).
    public let secret: Scalar
    public let publicKey: IssuerPublicKey

    /// The attribute names fabric-ca certifies, in its order.
    public static let fabricAttributeNames = ["OU", "Role", "EnrollmentID", "RevocationHandle"]

    /// A new key: W = g2^isk, random bases, bar g2 = bar g1^isk and a proof of knowledge of isk.
    public static func generate(attributeNames: [String] = fabricAttributeNames) -> IssuerKey {
        let secret = Scalar.random()
        let w = secret * G2.generator
        func randomBase() -> G1 { Scalar.random() * G1.generator }
        let hAttrs = attributeNames.map { _ in randomBase() }
        let hSk = randomBase()
        let hRand = randomBase()
        let barG1 = randomBase()
        let barG2 = secret * barG1
        let nonce = Scalar.random()
        let proofC = IssuerPublicKey.challenge(t1: nonce * G2.generator, t2: nonce * barG1, w, barG1, barG2)
        let proofS = proofC * secret + nonce
        let publicKey = IssuerPublicKey(
            attributeNames: attributeNames,
            hSk: hSk,
            hRand: hRand,
            hAttrs: hAttrs,
            w: w,
            barG1: barG1,
            barG2: barG2,
            proofC: proofC,
            proofS: proofS
        )
        return IssuerKey(secret: secret, publicKey: publicKey)
    }

    /// A stored pair; throws unless the secret key is the public key's (W = g2^isk).
    public init(secret: [UInt8], publicKey: [UInt8]) throws(IdemixError) {
        let publicKey = try IssuerPublicKey(serialized: publicKey)
        let secret = try Scalar(field: secret, name: "the issuer secret key")
        guard secret * G2.generator == publicKey.w else {
            throw .invalidValue("the issuer secret key does not belong to the issuer public key")
        }
        self.init(secret: secret, publicKey: publicKey)
    }

    init(secret: Scalar, publicKey: IssuerPublicKey) {
        self.secret = secret
        self.publicKey = publicKey
    }

    /// Signs a request checked against this key: the BBS+ signature (A, B, e, s) on the nym and the
    /// attribute values.
    public func issue(_ request: VerifiedCredentialRequest, attributes: [Scalar]) throws(IdemixError) -> Credential {
        guard request.issuerHash == publicKey.hash else {
            throw .invalidValue("the credential request was checked against another issuer key")
        }
        guard attributes.count == publicKey.attributeNames.count else {
            throw .invalidValue("\(attributes.count) attribute values for \(publicKey.attributeNames.count) names")
        }
        let e = Scalar.random()
        let s = Scalar.random()
        var b = G1.generator + request.nym + s * publicKey.hRand
        for (base, value) in zip(publicKey.hAttrs, attributes) { b = b + value * base }
        let a = (secret + e).inverse * b
        return Credential(a: a, b: b, e: e, s: s, attributes: attributes)
    }
}
