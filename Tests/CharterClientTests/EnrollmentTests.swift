import CharterClient
import CharterCore
import Testing

@Suite struct EnrollmentTests {
    @Test func keysFollowTheRequestedSizeAndReuse() throws {
        var enrollment = Enrollment(commonName: "peer0", names: [], hosts: [])
        enrollment.keySize = 384
        let key = try enrollment.key(existing: nil)
        #expect(key.publicKey.ecPoint.count == 97)
        enrollment.reuseKey = true
        #expect(try enrollment.key(existing: key).publicKey == key.publicKey)
    }

    @Test func unsupportedKeysAreClearErrors() throws {
        var enrollment = Enrollment(commonName: "peer0", names: [], hosts: [])
        enrollment.keySize = 521
        #expect(throws: CharterError.self) { try enrollment.key(existing: nil) }
        enrollment.keySize = 256
        enrollment.keyAlgorithm = "rsa"
        #expect(throws: CharterError.self) { try enrollment.key(existing: nil) }
        enrollment.keyAlgorithm = "Ed25519"
        #expect(try enrollment.key(existing: nil).algorithm == .ed25519)
    }

    @Test func mspOutputFilesStayInsideTheMSP() {
        #expect(throws: CharterError.self) { try MSPStore(directory: "/tmp/msp", certificateFile: "../cert.pem") }
        #expect(throws: CharterError.self) { try MSPStore(directory: "/tmp/msp", keyFile: "") }
        #expect((try? MSPStore(directory: "/tmp/msp", keyFile: "tls/server.key")) != nil)
    }
}
