import Crypto
import Foundation
import Testing

@testable import CharterIdemix

@Suite struct IssuerKeyTests {
    @Test func fabricCAIssuerKeyVerifiesAndReencodesExactly() throws {
        let bytes = try FabricCAVectors.issuerPublicKey()
        let key = try IssuerPublicKey(serialized: bytes)
        #expect(key.attributeNames == IssuerKey.fabricAttributeNames)
        #expect(key.serialized == bytes)
    }

    @Test func fabricCAHomeKeyPairMatches() throws {
        let secret = try FabricCAVectors.fixture("home-1.5.5/home/msp/keystore/IssuerSecretKey")
        let publicKey = try FabricCAVectors.fixture("home-1.5.5/home/IssuerPublicKey")
        let pair = try IssuerKey(secret: Array(secret), publicKey: Array(publicKey))
        #expect(pair.secret * pair.publicKey.barG1 == pair.publicKey.barG2)
        let other = try FabricCAVectors.issuerPublicKey()
        #expect(throws: IdemixError.self) { try IssuerKey(secret: Array(secret), publicKey: other) }
    }

    @Test func generatedKeyVerifies() throws {
        let key = IssuerKey.generate()
        let read = try IssuerPublicKey(serialized: key.publicKey.serialized)
        #expect(read.hash == key.publicKey.hash)
        #expect(read.serialized == key.publicKey.serialized)
    }

    @Test func tamperedKeysAreRefused() throws {
        let bytes = try FabricCAVectors.issuerPublicKey()
        // Every single-byte change is refused: the proof, the hash or a point breaks.
        var refused = 0
        for index in stride(from: 0, to: bytes.count, by: 7) {
            var changed = bytes
            changed[index] ^= 0x01
            if (try? IssuerPublicKey(serialized: changed)) == nil { refused += 1 }
        }
        #expect(refused == (bytes.count + 6) / 7)
        #expect(throws: IdemixError.self) { try IssuerPublicKey(serialized: Array(bytes.prefix(100))) }
    }
}
