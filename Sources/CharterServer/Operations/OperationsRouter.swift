// The operations listener: health, version and metrics on their own port, away from the API,
// so probes and scrapers need no CA credentials and never touch the CA's logs.

import CharterCore
import CharterLDAP
import CharterStore
import Foundation
import Hummingbird

/// Builds the operations router.
enum OperationsRouter {
    /// `/healthz` asks every CA's registry and LDAP directory; `/metrics` renders the server's
    /// registry.
    static func build(
        registries: [any Registry],
        directories: [LDAPDirectory] = [],
        metrics: ServerMetrics
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ -> Response in
            let time = ISO8601DateFormatter().string(from: Date())
            var failed: [String] = []
            do {
                for registry in registries { try await registry.ping() }
            } catch {
                failed.append("database")
            }
            do {
                for directory in directories { try await directory.ping() }
            } catch {
                failed.append("ldap")
            }
            guard failed.isEmpty else {
                let checks = failed.map { #"{"component":"\#($0)","reason":"unreachable"}"# }.joined(separator: ",")
                return json(
                    #"{"status":"Service Unavailable","time":"\#(time)","failed_checks":[\#(checks)]}"#,
                    status: .serviceUnavailable
                )
            }
            return json(#"{"status":"OK","time":"\#(time)"}"#, status: .ok)
        }
        router.get("version") { _, _ -> Response in
            json(
                #"{"Version":"\#(CharterVersion.version)","FabricCAProtocol":"\#(CharterVersion.protocolVersion)"}"#,
                status: .ok
            )
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.prometheusText()))
            )
        }
        return router
    }

    static func json(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}
