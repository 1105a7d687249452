import CharterCore
import Crypto
import Foundation
import Testing

@Suite struct SecretHasherTests {
    let hasher = try! SecretHasher(hmacKey: SecretHasher.generateKey(), bcryptCost: 4)

    @Test func generatedSecretsUseTheKeyedHash() {
        let secret = SecretHasher.generateSecret()
        #expect(secret.count == 24)
        let stored = hasher.hash(secret, generated: true)
        #expect(!SecretHasher.isExpensive(stored))
        #expect(hasher.verify(secret, against: stored))
        #expect(!hasher.verify(secret + "x", against: stored))
    }

    @Test func chosenSecretsUseBcrypt() {
        let stored = hasher.hash("adminpw", generated: false)
        #expect(stored.hasPrefix("$2"))
        #expect(SecretHasher.isExpensive(stored))
        #expect(hasher.verify("adminpw", against: stored))
        #expect(!hasher.verify("adminpx", against: stored))
    }

    @Test func fabricCABcryptHashesVerify() {
        // Rows of a fabric-ca-server v1.5.5 database: Go's bcrypt writes `$2a$`, cost 10.
        let admin = "$2a$10$Y0lOzwqAR7ZU294OhKE9zuNSh418c673dkHxQP/PlaLDGHyFkCjcC"
        let peer0 = "$2a$10$jcHA6QgUorbctz9d17fnY.2DOBQwamjH9hSOxVWrvic1bZAXPobyS"
        #expect(hasher.verify("adminpw", against: admin))
        #expect(hasher.verify("peer0pw", against: peer0))
        #expect(!hasher.verify("adminpx", against: admin))
        // the same hash written by OpenBSD's bcrypt as `$2b$` verifies too
        #expect(hasher.verify("adminpw", against: "$2b$" + admin.dropFirst(4)))
    }

    @Test func anotherKeyDoesNotVerify() throws {
        let stored = hasher.hash("s3cret", generated: true)
        let other = try SecretHasher(hmacKey: SecretHasher.generateKey())
        #expect(!other.verify("s3cret", against: stored))
    }

    @Test func rejectsShortKeysAndBadCosts() {
        #expect(throws: CharterError.self) { try SecretHasher(hmacKey: [1, 2, 3]) }
        #expect(throws: CharterError.self) { try SecretHasher(hmacKey: SecretHasher.generateKey(), bcryptCost: 3) }
    }

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
