// Where ACME is served: `/acme/<resource>` for the default CA, `/acme/<caname>/<resource>` for a
// named one, on the CA's own listener. URLs in answers are absolute, built from the request's
// Host, so clients behind a balancer get the balancer's.

import CharterACME
import CharterCore
import Hummingbird

/// Finds the ACME service a path is for.
struct ACMERouter: Sendable {
    let primary: ACMEService?
    let byName: [String: ACMEService]
    let scheme: String

    /// The resources of the directory; a first segment that is none of these names a CA.
    static let resources: Set<Substring> = [
        "directory", "new-nonce", "new-account", "new-order", "revoke-cert", "key-change", "renewal-info", "account",
        "order", "authz", "challenge", "certificate",
    ]

    init(services: [CAService]) throws {
        var byName: [String: ACMEService] = [:]
        var primary: ACMEService?
        for (index, service) in services.enumerated() where service.configuration.acme.enabled {
            let acme = try ACMEService(ca: service)
            if index == 0 { primary = acme }
            byName[service.configuration.ca.name] = acme
        }
        self.primary = primary
        self.byName = byName
        self.scheme = services.first?.configuration.tls.enabled == false ? "http" : "https"
    }

    func handle(_ request: Request, context: CharterRequestContext) async throws -> Response {
        var segments = request.uri.path.split(separator: "/").dropFirst()
        guard let host = request.head.authority, Self.isHost(host) else {
            throw CharterError(.invalidRequest, "ACME requests need a Host header")
        }
        var prefix = "/acme"
        var service = primary
        if let first = segments.first, !Self.resources.contains(first) {
            service = byName[String(first)]
            prefix += "/\(first)"
            segments = segments.dropFirst()
        }
        guard let service else {
            var problem = ACMEProblem.malformed("ACME is not enabled on this CA (acme.enabled)")
            problem.status = 404
            return Response(
                status: .notFound,
                headers: [.contentType: "application/problem+json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: problem.json))
            )
        }
        return await service.handle(
            request,
            resource: Array(segments),
            base: "\(scheme)://\(host)\(prefix)",
            context: context
        )
    }

    /// A Host header that may go into URLs: a name or address and a port, nothing else.
    static func isHost(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255
            && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-_.:[]".contains($0) }
    }
}
