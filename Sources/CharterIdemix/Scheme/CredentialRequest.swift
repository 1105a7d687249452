// The holder's request for a credential: its nym h_sk^sk with a Schnorr proof of knowledge of sk,
// bound to the issuer's nonce and to the issuer key's hash.

/// An `idemix.CredRequest`; its JSON form is the one fabric-ca-client sends (Go's encoding of the
/// protobuf struct: `nym{x,y}`, `issuer_nonce`, `proof_c`, `proof_s`, bytes in base64).
public struct CredentialRequest: Sendable {
    public let nym: G1
    public let issuerNonce: [UInt8]
    let proofC: Scalar
    let proofS: Scalar

    static let label = Array("credRequest".utf8)

    /// A request for the holder of `secret`, answering `nonce`.
    public init(secret: Scalar, nonce: [UInt8], issuer: IssuerPublicKey) {
        let nym = secret * issuer.hSk
        let blinding = Scalar.random()
        let proofC = Self.challenge(t: blinding * issuer.hSk, nym: nym, nonce: nonce, issuer: issuer)
        self.init(nym: nym, issuerNonce: nonce, proofC: proofC, proofS: proofC * secret + blinding)
    }

    init(nym: G1, issuerNonce: [UInt8], proofC: Scalar, proofS: Scalar) {
        self.nym = nym
        self.issuerNonce = issuerNonce
        self.proofC = proofC
        self.proofS = proofS
    }

    /// Checks the proof of knowledge of the nym's secret (`CredRequest.Check`); what it returns is
    /// what ``IssuerKey/issue(_:attributes:)`` signs, so a request is checked once, never skipped.
    @discardableResult
    public func verify(_ issuer: IssuerPublicKey) throws(IdemixError) -> VerifiedCredentialRequest {
        let t = proofS * issuer.hSk - proofC * nym
        guard Self.challenge(t: t, nym: nym, nonce: issuerNonce, issuer: issuer) == proofC else {
            throw .invalidProof("the credential request's zero-knowledge proof is invalid")
        }
        return VerifiedCredentialRequest(nym: nym, issuerHash: issuer.hash)
    }

    /// The challenge over label ‖ t ‖ h_sk ‖ nym ‖ nonce ‖ ipk hash, in the Go code's fixed-size
    /// buffer (a longer nonce or hash is cut to it, a shorter one leaves zeros).
    static func challenge(t: G1, nym: G1, nonce: [UInt8], issuer: IssuerPublicKey) -> Scalar {
        let size = label.count + 3 * 65 + 2 * 32
        var data = label + t.bytes + issuer.hSk.bytes + nym.bytes + nonce + issuer.hash
        if data.count > size { data.removeLast(data.count - size) }
        data += [UInt8](repeating: 0, count: size - data.count)
        return Scalar(hashing: data)
    }
}

/// A credential request whose proof checked out against one issuer key.
public struct VerifiedCredentialRequest: Sendable {
    let nym: G1
    /// The hash of the issuer key it was checked against.
    let issuerHash: [UInt8]
}

extension CredentialRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case nym
        case issuerNonce = "issuer_nonce"
        case proofC = "proof_c"
        case proofS = "proof_s"
    }

    private struct Point: Codable {
        private enum Keys: String, CodingKey { case x, y }

        var x: [UInt8]
        var y: [UInt8]

        init(x: [UInt8], y: [UInt8]) {
            self.x = x
            self.y = y
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            x = try container.decodeBase64(.x)
            y = try container.decodeBase64(.y)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(Base64.encode(x), forKey: .x)
            try container.encode(Base64.encode(y), forKey: .y)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let point = try container.decode(Point.self, forKey: .nym)
        guard let nym = G1(x: point.x, y: point.y), !nym.isIdentity else {
            throw IdemixError.invalidValue("the nym is not a point of G1")
        }
        let nonce = try container.decodeBase64(.issuerNonce)
        guard nonce.count == 32 else { throw IdemixError.invalidValue("the issuer nonce is not 32 bytes") }
        self.init(
            nym: nym,
            issuerNonce: nonce,
            proofC: try Scalar(field: try container.decodeBase64(.proofC), name: "proof_c"),
            proofS: try Scalar(field: try container.decodeBase64(.proofS), name: "proof_s")
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let (x, y) = nym.coordinates ?? ([], [])
        try container.encode(Point(x: x, y: y), forKey: .nym)
        try container.encode(Base64.encode(issuerNonce), forKey: .issuerNonce)
        try container.encode(Base64.encode(proofC.bytes), forKey: .proofC)
        try container.encode(Base64.encode(proofS.bytes), forKey: .proofS)
    }
}

extension KeyedDecodingContainer {
    /// A base64 string field (how Go's encoding/json writes `[]byte`).
    func decodeBase64(_ key: Key) throws -> [UInt8] {
        let text = try decode(String.self, forKey: key)
        guard text.utf8.count <= 1024, let bytes = Base64.decode(text) else {
            throw IdemixError.malformed("\(key.stringValue) is not base64")
        }
        return bytes
    }
}
