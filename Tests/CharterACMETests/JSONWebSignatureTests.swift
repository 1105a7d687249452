import CharterACME
import Crypto
import Foundation
import Testing

/// JWS verification against RFC 7515 and RFC 8037 examples, and the shapes ACME refuses.
@Suite struct JSONWebSignatureTests {
    static func body(_ protected: String, _ payload: String, _ signature: String) -> [UInt8] {
        Array(#"{"protected":"\#(protected)","payload":"\#(payload)","signature":"\#(signature)"}"#.utf8)
    }

    /// RFC 7515 A.3 (ES256); its header has no `jwk` or `kid`, so the key is given.
    @Test func rfc7515sES256ExampleVerifies() throws {
        let key = try JSONWebKey([
            "kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        ])
        let input = Array(
            "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                .utf8
        )
        let signature = try #require(
            Base64URL.decode("DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q")
        )
        #expect(key.isValidSignature(signature, for: input))
        #expect(!key.isValidSignature(signature, for: input + [0x20]))
    }

    /// RFC 8037 A.4 (EdDSA).
    @Test func rfc8037sEd25519ExampleVerifies() throws {
        let key = try JSONWebKey(["kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"])
        let signature = try #require(
            Base64URL.decode("hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
        )
        #expect(
            key.isValidSignature(signature, for: Array("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc".utf8))
        )
    }

    /// An ACME request signed here, then broken one way at a time.
    @Test func anACMERequestVerifiesAndEachTamperingIsRefused() throws {
        let signer = P256.Signing.PrivateKey()
        let raw = signer.publicKey.rawRepresentation
        let jwk =
            #"{"kty":"EC","crv":"P-256","x":"\#(Base64URL.encode(raw.prefix(32)))","y":"\#(Base64URL.encode(raw.suffix(32)))"}"#
        func request(alg: String = "ES256", extra: String = "", payload: String = #"{"a":1}"#) throws -> [UInt8] {
            let protected = Base64URL.encode(
                Array(#"{"alg":"\#(alg)","nonce":"n","url":"https://ca/acme/x","jwk":\#(jwk)\#(extra)}"#.utf8)
            )
            let payloadText = Base64URL.encode(Array(payload.utf8))
            let signature = try signer.signature(for: Array("\(protected).\(payloadText)".utf8)).rawRepresentation
            return Self.body(protected, payloadText, Base64URL.encode(signature))
        }
        let jws = try JSONWebSignature(body: try request())
        #expect(jws.header.url == "https://ca/acme/x" && jws.header.nonce == "n")
        let key = try #require(jws.header.key)
        try jws.verify(with: key)
        #expect(try jws.payloadObject()["a"] as? Int == 1)

        func problem(_ body: [UInt8]) -> ACMEProblem.Kind? {
            do {
                let parsed = try JSONWebSignature(body: body)
                try parsed.verify(with: key)
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(problem(try request(alg: "none")) == .badSignatureAlgorithm)
        #expect(problem(try request(alg: "HS256")) == .badSignatureAlgorithm)
        #expect(problem(try request(alg: "ES384")) == .badSignatureAlgorithm)
        #expect(problem(try request(extra: #","kid":"https://ca/acme/account/1""#)) == .malformed)
        #expect(problem(try request(extra: #","crit":["b64"]"#)) == .malformed)
        var tampered = try request()
        tampered[tampered.count - 5] ^= 1
        #expect(problem(tampered) == .malformed)
        #expect(problem(Array(#"{"protected":"e30","payload":"","signature":"AA","header":{}}"#.utf8)) == .malformed)
        #expect(problem(Array(repeating: 0x20, count: JSONWebSignature.maxSize + 1)) == .malformed)
    }
}
