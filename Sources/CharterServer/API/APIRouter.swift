// Routing of the fabric-ca API: every endpoint at `/X` and `/api/v1/X`, as fabric-ca registers them.

import Hummingbird

/// Builds the API router around the server's CAs (``CAService``s, the default one first).
enum APIRouter {
    typealias Handler = @Sendable (Request, CharterRequestContext) async throws -> Response
    /// A handler of the CA a request is routed to.
    typealias Endpoint = @Sendable (CAService) -> Handler

    static let routes: [(String, [HTTPRequest.Method], Endpoint)] = [
        ("cainfo", [.get, .post, .head], { $0.caInfo }),
        ("enroll", [.post], { $0.enroll }),
        ("reenroll", [.post], { $0.reenroll }),
        ("register", [.post], { $0.register }),
        ("revoke", [.post], { $0.revoke }),
        ("gencrl", [.post], { $0.generateCRL }),
        ("identities", [.get], { $0.listIdentities }),
        ("identities", [.post], { $0.addIdentity }),
        ("identities/:id", [.get], { $0.getIdentity }),
        ("identities/:id", [.put], { $0.modifyIdentity }),
        ("identities/:id", [.delete], { $0.removeIdentity }),
        ("affiliations", [.get], { $0.listAffiliations }),
        ("affiliations", [.post], { $0.addAffiliation }),
        ("affiliations/:name", [.get], { $0.getAffiliation }),
        ("affiliations/:name", [.put], { $0.modifyAffiliation }),
        ("affiliations/:name", [.delete], { $0.removeAffiliation }),
        ("certificates", [.get], { $0.listCertificates }),
        ("idemix/credential", [.post], { $0.idemixCredential }),
        ("idemix/cri", [.post], { $0.idemixCRI }),
        ("loginfo", [.get], { $0.logInfo }),
        ("log/**", [.get, .head], { $0.logResource }),
        ("eab", [.post], { $0.addExternalKey }),
        ("eab", [.get], { $0.listExternalKeys }),
        ("eab/:kid", [.delete], { $0.removeExternalKey }),
    ]

    static func build(services: [CAService]) throws -> Router<CharterRequestContext> {
        let routing = try CARouting(services)
        let knownPaths = routes.flatMap { ["/\($0.0)", "/api/v1/\($0.0)"] } + ["/acme/**"]
        let router = Router(context: CharterRequestContext.self)
        router.middlewares.add(EnvelopeMiddleware(knownPaths: knownPaths, metrics: routing.primary.metrics))
        for (path, methods, endpoint) in routes {
            // One CA: its handler directly. Several: find the CA first.
            let handler: Handler
            if routing.isSingle {
                handler = endpoint(routing.primary)
            } else {
                handler = { request, context in
                    var request = request
                    let service = try await routing.service(for: &request)
                    return try await endpoint(service)(request, context)
                }
            }
            for prefix in ["", "api/v1/"] {
                for method in methods {
                    router.on(RouterPath("\(prefix)\(path)"), method: method, use: handler)
                }
            }
        }
        // ACME answers with its own problem documents, at `/acme` only.
        let acme = try ACMERouter(services: services)
        for method in [HTTPRequest.Method.get, .head, .post] {
            router.on("acme/**", method: method, use: acme.handle)
        }
        return router
    }
}
