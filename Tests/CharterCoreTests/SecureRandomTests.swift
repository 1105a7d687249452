import CharterCore
import Testing

@Suite struct SecureRandomTests {
    @Test func drawsHaveTheAskedLengthAndDiffer() {
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        #expect(SecureRandom.bytes(count: -1).isEmpty)
        for count in [1, 20, 32, 256, 1000] {
            let first = SecureRandom.bytes(count: count)
            #expect(first.count == count)
            if count >= 20 { #expect(first != SecureRandom.bytes(count: count)) }
        }
    }

    @Test func generatedSecretsUseTheWholeAlphabetAndNothingElse() {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var seen = Set<Character>()
        var secrets = Set<String>()
        for _ in 0..<200 {
            let secret = SecretHasher.generateSecret()
            #expect(secret.count == 24)
            #expect(Set(secret).isSubset(of: alphabet))
            seen.formUnion(secret)
            secrets.insert(secret)
        }
        #expect(secrets.count == 200)
        #expect(seen == alphabet)  // 4,800 draws: a letter never drawn would mean a skewed mapping
    }
}
