import CharterCore
import CharterStore
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

    /// Listings longer than a page are written page by page: every row once, in one envelope.
    @Test func listingsLongerThanAPageAreStreamedWhole() async throws {
        let (service, home) = try await makeService()
        let app = Application(router: try APIRouter.build(services: [service]))
        let key = SigningKey.generate()
        let enrollment = try JSONEncoder().encode(EnrollmentRequest(certificateRequest: try csr("admin", key: key)))
        let pageSize = CAService.listingPageSize
        let extra = pageSize * 2 + 7
        let publicKey = SigningKey.generate().publicKey
        let records = try (0..<extra).map { index in
            CertificateRecord(
                try home.authority.issue(
                    IssuanceRequest(
                        publicKey: publicKey,
                        subject: try SubjectPolicy.subject(
                            from: .init(),
                            enrollmentID: "u\(index)",
                            type: "",
                            affiliation: ""
                        ),
                        profile: .enrollment
                    )
                ),
                enrollmentID: "u\(index)",
                caName: ""
            )
        }
        try await home.registry.record(records)
        for index in 0..<(pageSize + 3) {
            try await home.registry.insert(
                Identity(
                    id: "id\(index)",
                    type: "client",
                    affiliation: "",
                    attributes: [],
                    maxEnrollments: -1,
                    secretHash: "h"
                )
            )
        }
        try await app.test(.router) { client in
            let certificatePEM = try await client.execute(
                uri: "/api/v1/enroll",
                method: .post,
                headers: basic("admin", "adminpw"),
                body: ByteBuffer(bytes: enrollment)
            ) { response in
                let envelope = try JSONDecoder().decode(Wrapped.self, from: Data(buffer: response.body))
                return String(decoding: try #require(Data(base64Encoded: envelope.result.Cert)), as: UTF8.self)
            }
            func token(_ uri: String) throws -> HTTPFields {
                let header = try AuthorizationToken.header(
                    key: key,
                    certificatePEM: certificatePEM,
                    method: "GET",
                    requestURI: uri,
                    body: Data()
                )
                return [.authorization: header]
            }
            try await client.execute(
                uri: "/api/v1/certificates",
                method: .get,
                headers: try token("/api/v1/certificates")
            ) {
                response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.hasSuffix(#"], "caname":""},"errors":[],"messages":[],"success":true}"#))
                let listing = try JSONDecoder().decode(
                    Listed<CertificateListing>.self,
                    from: Data(buffer: response.body)
                )
                let serials = try listing.result.certs.map { try Certificate(pemEncoded: $0.pem).serialNumber }
                // The CA's TLS-less home holds only the admin's and these records.
                #expect(serials.count == extra + 1)
                #expect(Set(serials).count == serials.count)
            }
            try await client.execute(uri: "/api/v1/identities", method: .get, headers: try token("/api/v1/identities"))
            {
                response in
                #expect(response.status == .ok)
                #expect(
                    String(buffer: response.body).hasSuffix(
                        "],\"caname\":\"\"}\n,\"errors\":[],\"messages\":[],\"success\":true}"
                    )
                )
                let listing = try JSONDecoder().decode(
                    Listed<IdentityListResponse>.self,
                    from: Data(buffer: response.body)
                )
                let ids = listing.result.identities.map(\.id)
                #expect(ids.count == pageSize + 4)
                #expect(ids == ids.sorted())
                #expect(ids.contains("admin"))
            }
        }
    }

    struct Listed<Result: Decodable>: Decodable {
        var result: Result
        var success: Bool
    }
}
