import CharterCore
import Crypto
import Testing

@Suite struct SecretHasherTests {
    @Test func aKeyDerivedFromAnEd25519SignatureIsStableAndKeyed() throws {
        let key = SigningKey.generate(.ed25519)
        let first = SecretHasher.derivedKey(signature: try key.signatureDER(over: SecretHasher.derivationLabel))
        let again = SecretHasher.derivedKey(signature: try key.signatureDER(over: SecretHasher.derivationLabel))
        let other = SecretHasher.derivedKey(
            signature: try SigningKey.generate(.ed25519).signatureDER(over: SecretHasher.derivationLabel)
        )
        #expect(first == again && first.count == 32 && first != other)
        // a secret hashed under it verifies under the same derivation only
        let hashed = try SecretHasher(hmacKey: first).hash("generated-secret", generated: true)
        #expect(try SecretHasher(hmacKey: again).verify("generated-secret", against: hashed))
        #expect(try !SecretHasher(hmacKey: other).verify("generated-secret", against: hashed))
    }
}
