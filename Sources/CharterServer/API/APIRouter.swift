// Routing of the fabric-ca API: every endpoint at `/X` and `/api/v1/X`, as fabric-ca registers them.

import Hummingbird

/// Builds the API router around a ``CAService``.
enum APIRouter {
    typealias Handler = @Sendable (Request, CharterRequestContext) async throws -> Response

    static func build(service: CAService) -> Router<CharterRequestContext> {
        let routes: [(String, [HTTPRequest.Method], Handler)] = [
            ("cainfo", [.get, .post, .head], service.caInfo),
            ("enroll", [.post], service.enroll),
            ("reenroll", [.post], service.reenroll),
            ("register", [.post], service.register),
            ("revoke", [.post], service.revoke),
            ("gencrl", [.post], service.generateCRL),
            ("identities", [.get], service.listIdentities),
            ("identities", [.post], service.addIdentity),
            ("identities/:id", [.get], service.getIdentity),
            ("identities/:id", [.put], service.modifyIdentity),
            ("identities/:id", [.delete], service.removeIdentity),
            ("affiliations", [.get], service.listAffiliations),
            ("affiliations", [.post], service.addAffiliation),
            ("affiliations/:name", [.get], service.getAffiliation),
            ("affiliations/:name", [.put], service.modifyAffiliation),
            ("affiliations/:name", [.delete], service.removeAffiliation),
            ("certificates", [.get], service.listCertificates),
        ]
        let knownPaths = routes.flatMap { ["/\($0.0)", "/api/v1/\($0.0)"] }
        let router = Router(context: CharterRequestContext.self)
        router.middlewares.add(EnvelopeMiddleware(knownPaths: knownPaths, metrics: service.metrics))
        for (path, methods, handler) in routes {
            for prefix in ["", "api/v1/"] {
                for method in methods {
                    router.on(RouterPath("\(prefix)\(path)"), method: method, use: handler)
                }
            }
        }
        return router
    }
}
