// The route fuzz target's server: a real Charter home in a temporary folder and its API router
// driven in process, with an admin enrolled through that router whose key signs tokens, so fuzzed
// requests reach the handlers behind token authentication as well as those in front of it.
//
// An input is a request as it would cross the wire: `METHOD TARGET` on the first line, header
// lines, a blank line, the body. Two headers are the harness's own: `X-Fuzz-Auth: token` has it
// sign the request as the admin (fabric-ca's token over method, target and body), and
// `X-Fuzz-Auth: basic` authenticates as admin:adminpw.

import CharterClient
import CharterCore
import CharterServer
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization

/// One server and its admin, shared by every input of a fuzzing run.
final class RouteHarness: Sendable {
    let responder: RouterResponder<CharterRequestContext>
    let adminKey: SigningKey
    let adminCertificatePEM: String
    let logger: Logger

    init(responder: RouterResponder<CharterRequestContext>, adminKey: SigningKey, adminCertificatePEM: String) {
        self.responder = responder
        self.adminKey = adminKey
        self.adminCertificatePEM = adminCertificatePEM
        var logger = Logger(label: "charter.fuzz")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// A new home with every removal allowed (more handlers reachable) and an enrolled admin.
    static func make() async throws -> RouteHarness {
        let home = FileManager.default.temporaryDirectory
            .appendingPathComponent("charter-route-fuzz-\(UUID().uuidString)").path
        var configuration = ServerConfiguration()
        configuration.tls.enabled = false
        configuration.cfg.identities.allowremove = true
        configuration.cfg.affiliations.allowremove = true
        let loaded = try await ServerHome.open(
            path: home,
            configuration: configuration,
            bootstrap: ServerConfiguration.BootstrapIdentity(name: "admin", pass: "adminpw"),
            hostName: "fuzz-host"
        )
        let server = CharterServer(home: loaded, logger: Logger(label: "charter.fuzz"))
        let key = SigningKey.generate()
        let unsigned = RouteHarness(
            responder: try server.makeAPIRouter().buildResponder(),
            adminKey: key,
            adminCertificatePEM: ""
        )
        let csr = try CertificateRequestBuilder.pem(key: key, commonName: "admin", names: [], hosts: [])
        let body = Array(try JSONEncoder().encode(EnrollmentRequest(certificateRequest: csr)))
        let answer = try await unsigned.respond(
            HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/enroll", headerFields: [:]),
            body: body,
            auth: "basic"
        )
        guard let envelope = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
            let result = envelope["result"] as? [String: Any], let cert = result["Cert"] as? String,
            let pem = Data(base64Encoded: cert).map({ String(decoding: $0, as: UTF8.self) })
        else {
            throw CharterError(.invalidResponse, "The fuzz harness could not enroll its admin")
        }
        return RouteHarness(responder: unsigned.responder, adminKey: key, adminCertificatePEM: pem)
    }

    /// Parses `input` as a request and sends it through the router; returns the response's
    /// status, nil when the input is no request.
    @discardableResult
    func run(_ input: [UInt8]) async -> Int? {
        guard let (head, body, auth) = Self.parse(input) else { return nil }
        return try? await respond(head, body: body, auth: auth).status
    }

    /// The status and body bytes of one request's response.
    func respond(_ head: HTTPRequest, body: [UInt8], auth: String?) async throws -> (status: Int, body: [UInt8]) {
        var head = head
        switch auth {
        case "basic":
            head.headerFields[.authorization] = "Basic " + Data("admin:adminpw".utf8).base64EncodedString()
        case "token":
            head.headerFields[.authorization] = try AuthorizationToken.header(
                key: adminKey,
                certificatePEM: adminCertificatePEM,
                method: head.method.rawValue,
                requestURI: head.path ?? "/",
                body: body
            )
        default:
            break
        }
        head.headerFields[.contentLength] = String(body.count)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body)))
        let context = CharterRequestContext(
            source: ApplicationRequestContextSource(channel: NIOAsyncTestingChannel(), logger: logger)
        )
        let response = try await responder.respond(to: request, context: context)
        let writer = CollectingWriter()
        try await response.body.write(writer)
        return (response.status.code, writer.bytes.value)
    }

    /// `METHOD TARGET …`, headers, a blank line, the body; nil when there is no request line.
    static func parse(_ input: [UInt8]) -> (HTTPRequest, [UInt8], String?)? {
        let text = String(decoding: input, as: UTF8.self)
        let (headText, bodyText): (Substring, Substring) =
            if let blank = text.range(of: "\n\n") ?? text.range(of: "\r\n\r\n") {
                (text[..<blank.lowerBound], text[blank.upperBound...])
            } else {
                (text[...], "")
            }
        let lines = headText.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" }
        guard let first = lines.first else { return nil }
        let words = first.split(separator: " ")
        guard words.count >= 2, let method = HTTPRequest.Method(String(words[0])) else { return nil }
        var fields = HTTPFields()
        var auth: String?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else {
                continue
            }
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name.canonicalName == "x-fuzz-auth" {
                auth = value
            } else {
                fields.append(HTTPField(name: name, lenientValue: Array(value.utf8)))
            }
        }
        let request = HTTPRequest(
            method: method,
            scheme: "http",
            authority: "localhost",
            path: String(words[1]),
            headerFields: fields
        )
        return (request, Array(bodyText.utf8), auth)
    }
}

/// Keeps a response body (the admin's enrollment answer; fuzzed answers are read and dropped).
struct CollectingWriter: ResponseBodyWriter {
    let bytes = SharedBytes()

    mutating func write(_ buffer: ByteBuffer) async throws {
        bytes.append(buffer.readableBytesView)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// Bytes several writes add to.
final class SharedBytes: Sendable {
    let storage = Mutex<[UInt8]>([])

    func append(_ bytes: some Sequence<UInt8>) {
        storage.withLock { $0 += bytes }
    }

    var value: [UInt8] { storage.withLock { $0 } }
}
