import CharterCore
import CharterPKCS11
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@Suite(.enabled(if: TestSoftHSM.isAvailable)) struct PKCS11TokenTests {
    @Test(arguments: SigningKey.Algorithm.allCases)
    func aKeyMadeInTheTokenSignsWhatItsPublicKeyVerifies(_ algorithm: SigningKey.Algorithm) throws {
        let token = try TestSoftHSM.token()
        let made = try token.generateKey(algorithm)
        #expect(made.identifier == Array(SHA256.hash(data: made.publicPoint)))
        let key = try SigningKey(external: made)
        #expect(!key.isExportable && key.pkcs8DER.isEmpty)
        let message = Array("proposal".utf8)
        let signature = try key.signatureDER(over: message)
        switch algorithm {
        case .p256:
            let publicKey = try P256.Signing.PublicKey(x963Representation: made.publicPoint)
            #expect(
                publicKey.isValidSignature(try .init(derRepresentation: signature), for: SHA256.hash(data: message))
            )
            #expect(LowS.isLow(der: signature, curveBytes: 32))
        case .p384:
            let publicKey = try P384.Signing.PublicKey(x963Representation: made.publicPoint)
            #expect(
                publicKey.isValidSignature(try .init(derRepresentation: signature), for: SHA256.hash(data: message))
            )
            #expect(LowS.isLow(der: signature, curveBytes: 48))
        case .ed25519:
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: made.publicPoint)
            #expect(publicKey.isValidSignature(signature, for: message))
        }
        // found again where Fabric's BCCSP looks: by the SHA-256 of the point
        let found = try #require(try token.key(identifier: made.identifier))
        #expect(found.publicPoint == made.publicPoint && found.algorithm == algorithm)
    }

    @Test func aCertificateAuthorityInTheTokenIssuesVerifiableCertificates() throws {
        let key = try SigningKey(external: try TestSoftHSM.token().generateKey(.p256))
        let authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.subject(from: .init(), enrollmentID: "hsm-ca", type: "", affiliation: ""),
            key: key
        )
        #expect(authority.certificate.publicKey == key.publicKey)
        let issued = try authority.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try SubjectPolicy.subject(from: .init(), enrollmentID: "peer0", type: "peer", affiliation: ""),
                profile: .enrollment
            )
        )
        #expect(authority.certificate.publicKey.isValidSignature(issued.certificate.signature, for: issued.certificate))
        #expect(
            authority.certificate.publicKey.isValidSignature(
                authority.certificate.signature,
                for: authority.certificate
            )
        )
    }

    /// 512 signatures: a token's raw `r || s` with leading zero bytes (about one in 128) must still
    /// become minimal DER.
    @Test func concurrentSignersEachGetASession() async throws {
        let key = try SigningKey(external: try TestSoftHSM.token().generateKey(.p256))
        let publicKey = try P256.Signing.PublicKey(x963Representation: key.publicPoint)
        let valid = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<512 {
                group.addTask {
                    let message = Array("message \(index)".utf8)
                    let signature = try P256.Signing.ECDSASignature(
                        derRepresentation: try key.signatureDER(over: message)
                    )
                    return publicKey.isValidSignature(signature, for: SHA256.hash(data: message))
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(valid == 512)
    }

    @Test func anUnknownIdentifierFindsNothing() throws {
        #expect(try TestSoftHSM.token().key(identifier: Array(repeating: 7, count: 32)) == nil)
    }

    @Test func aWrongPINIsAConfigurationErrorNamingThePIN() throws {
        let error = #expect(throws: CharterError.self) {
            _ = try TestSoftHSM.module.get().token(label: "Spare", pin: "00000000")
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("bccsp.pkcs11.pin") == true)
        #expect(error?.message.contains("00000000") == false)
    }

    @Test func labelsMatchExactly() throws {
        let error = #expect(throws: CharterError.self) {
            _ = try TestSoftHSM.module.get().token(label: "ForFab", pin: TestSoftHSM.pin)
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("'ForFabric'") == true)
    }

    @Test func aMissingLibraryIsAConfigurationError() {
        let error = #expect(throws: CharterError.self) { _ = try PKCS11Module(path: "/nonexistent/libhsm.so") }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("/nonexistent/libhsm.so") == true)
    }
}
