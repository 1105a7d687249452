import CharterClient
import CharterCore
import Foundation
import Testing
import X509

@Suite struct CertificateStoreTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-store-\(UUID().uuidString)")
        .path

    func certificate(_ commonName: String) throws -> (pem: String, certificate: Certificate) {
        let authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: "ca"))
        )
        let issued = try authority.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: commonName)),
                profile: .enrollment
            )
        )
        return (issued.pem, try Certificate(pemEncoded: issued.pem))
    }

    @Test func filesAreNamedByCommonNameAndNumberedWhenSeveral() throws {
        try CertificateStore(folder: folder).store([
            try certificate("peer0"), try certificate("admin"), try certificate("peer0"),
        ])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["admin.pem", "peer0-1.pem", "peer0-2.pem"])
    }

    @Test(arguments: ["../escape", "a/b", ".."])
    func hostileCommonNamesWriteNothing(name: String) throws {
        let error = #expect(throws: CharterError.self) {
            try CertificateStore(folder: folder).store([try certificate("fine"), try certificate(name)])
        }
        #expect(error?.code == .invalidRequest)
        #expect(!FileManager.default.fileExists(atPath: folder))
    }
}
