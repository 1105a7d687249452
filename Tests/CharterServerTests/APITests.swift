import CharterCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import X509

@testable import CharterServer

/// In-process tests of the API router: envelope bytes, routing, errors, one enrollment.
@Suite struct APITests {
    func makeService() async throws -> (CAService, ServerHome) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("charter-api-\(UUID().uuidString)")
            .path
        var configuration = ServerConfiguration()
        configuration.tls.enabled = false
        let loaded = try await ServerHome.open(
            path: home,
            configuration: configuration,
            bootstrap: ServerConfiguration.BootstrapIdentity(name: "admin", pass: "adminpw"),
            hostName: "test-host"
        )
        return (try CAService(home: loaded, metrics: ServerMetrics()), loaded)
    }

    func basic(_ user: String, _ secret: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()]
    }

    func csr(_ cn: String, key: SigningKey) throws -> String {
        try CertificateSigningRequest(
            version: .v1,
            subject: try DistinguishedName { CommonName(cn) },
            privateKey: key.certificateKey,
            attributes: .init(),
            signatureAlgorithm: key.signatureAlgorithm
        ).serializeAsPEM().pemString
    }

    @Test func cainfoIsTheExactEnvelope() async throws {
        let (service, home) = try await makeService()
        let app = Application(router: try APIRouter.build(services: [service]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/cainfo", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.hasPrefix(#"{"result":{"#))
                #expect(body.hasSuffix("}\n,\"errors\":[],\"messages\":[],\"success\":true}"))
                #expect(body.contains(Data(home.authority.chainPEM.utf8).base64EncodedString()))
            }
        }
    }

    @Test func errorsAreEnvelopesWithFabricCodes() async throws {
        let (service, _) = try await makeService()
        let app = Application(router: try APIRouter.build(services: [service]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/enroll", method: .post) { response in
                #expect(response.status == .unauthorized)
                #expect(
                    String(buffer: response.body)
                        == "{\"result\":\"\",\"errors\":[{\"code\":2,\"message\":\"No authorization header\"}\n],\"messages\":[],\"success\":false}"
                )
            }
            try await client.execute(uri: "/enroll", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(String(buffer: response.body).contains(#"{"code":1,"#))
            }
            try await client.execute(uri: "/enroll", method: .post, headers: basic("admin", "adminpw")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(#"{"code":4,"message":"Empty request body"}"#))
            }
            try await client.execute(uri: "/nosuch", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body) == "404 page not found\n")
            }
        }
    }

    @Test func enrollIssuesARecordedCertificateInsideTheCA() async throws {
        let (service, home) = try await makeService()
        let app = Application(router: try APIRouter.build(services: [service]))
        let key = SigningKey.generate()
        let body = try JSONEncoder().encode(EnrollmentRequest(certificateRequest: try csr("admin", key: key)))
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/enroll",
                method: .post,
                headers: basic("admin", "adminpw"),
                body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .created)
                let envelope = try JSONDecoder().decode(Wrapped.self, from: Data(buffer: response.body))
                let pem = String(decoding: try #require(Data(base64Encoded: envelope.result.Cert)), as: UTF8.self)
                let certificate = try Certificate(pemEncoded: pem)
                #expect(home.authority.didIssue(certificate))
                #expect(certificate.notValidBefore >= home.authority.certificate.notValidBefore)
                let serial = Hex.canonicalSerial(Hex.encode(certificate.serialNumber.bytes)) ?? ""
                let record = try await home.registry.certificate(
                    serial: serial,
                    authorityKeyIdentifier: Hex.encode(home.authority.subjectKeyIdentifier)
                )
                #expect(record?.enrollmentID == "admin")
            }
        }
    }

    struct Wrapped: Decodable {
        struct Result: Decodable { var Cert: String }
        var result: Result
    }
}
