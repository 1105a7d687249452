// Which CA a request is for, when a server runs several: the `caname` of a JSON body (any
// letter case, as Go's decoder reads `CAName` and `caname` alike) or the `ca` query parameter,
// as fabric-ca takes them. No name reaches the default CA; an unknown one is 404 code 19.

import CharterCore
import Foundation
import Hummingbird

/// Routes requests to the CA they name.
struct CARouting: Sendable {
    let primary: CAService
    let byName: [String: CAService]

    init(_ services: [CAService]) throws {
        guard let primary = services.first else {
            throw CharterError(.configuration, "A server needs at least one CA")
        }
        self.primary = primary
        var byName: [String: CAService] = [:]
        for service in services { byName[service.configuration.ca.name] = service }
        self.byName = byName
    }

    /// True when there is only the default CA: requests need no routing and their bodies are
    /// read by the handler alone.
    var isSingle: Bool { byName.count == 1 }

    /// The CA `request` names. Reads (and keeps, for the handler) a body that may name it.
    func service(for request: inout Request) async throws -> CAService {
        var name = request.uri.queryParameters["ca"].map(String.init)
        if name == nil, request.method == .post || request.method == .put {
            let body = try await request.collectBody(upTo: CAService.maxBodySize)
            name = Self.caName(in: Array(body.readableBytesView))
        }
        guard let name, !name.isEmpty else { return primary }
        guard let service = byName[name] else {
            throw CharterError(.unknownCA, "CA '\(name)' does not exist")
        }
        return service
    }

    /// The body's `caname`, if it is a JSON object that has one; anything else is left for the
    /// handler to refuse.
    static func caName(in body: [UInt8]) -> String? {
        guard !body.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return nil }
        return object.first { $0.key.lowercased() == "caname" }?.value as? String
    }
}
