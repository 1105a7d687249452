// One CA's ACME server (RFC 8555): the request pipeline every resource shares — the JWS, its
// nonce, URL and key — and the replies with their nonces and problem documents. State lives in
// the registry, so replicas behind a balancer serve one ACME CA.

import CharterACME
import CharterCore
import CharterStore
import Foundation
import HTTPTypes
import Hummingbird

/// ACME for one CA: issues TLS certificates under the CA's `tls` profile and records.
struct ACMEService: Sendable {
    let ca: CAService
    let settings: ServerConfiguration.ACME
    let allow: ACMEAllowList
    let validator: ChallengeValidator

    /// How long a nonce, an order and an authorization last.
    static let nonceLifetime: TimeInterval = 3600
    static let orderLifetime: TimeInterval = 7 * 86400
    /// The most identifiers an order may name.
    static let maxIdentifiers = 100

    init(ca: CAService) throws {
        self.ca = ca
        self.settings = ca.configuration.acme
        try settings.check()
        self.allow = ACMEAllowList(settings.allow)
        self.validator = try ChallengeValidator(
            resolver: settings.resolver,
            http01Port: settings.http01port,
            tlsALPN01Port: settings.tlsalpn01port
        )
    }

    var registry: any Registry { ca.registry }

    /// What a handler answers: a status, a JSON (or PEM) body and headers; the pipeline adds the nonce.
    struct Reply: Sendable {
        var status: HTTPResponse.Status = .ok
        var body: [UInt8] = []
        var contentType = "application/json"
        var headers: HTTPFields = [:]

        static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok, location: String? = nil) -> Reply {
            var reply = Reply(status: status, body: ACMEService.encode(object))
            if let location { reply.headers[.location] = location }
            return reply
        }
    }

    /// A request checked up to its signature: who sent it and what it says.
    struct SignedRequest: Sendable {
        let jws: JSONWebSignature
        /// The account, for requests signed with `kid`.
        let account: ACMEAccount?
        let accountVersion: Int
        /// The key that signed.
        let key: JSONWebKey
        let url: String
    }

    // MARK: pipeline

    /// Serves one ACME request under `base` (the directory's URL without `/directory`).
    func handle(_ request: Request, resource: [Substring], base: String, context: CharterRequestContext) async
        -> Response
    {
        var reply: Reply
        do {
            reply = try await route(request, resource: resource, base: base)
        } catch let problem as ACMEProblem {
            reply = Self.problemReply(problem)
        } catch let error as CharterError where error.code.wire.httpStatus < 500 {
            // A request the CA's rules refuse (a conflicting change, a name the policy rejects).
            var problem = ACMEProblem(.malformed, error.message)
            problem.status = error.code.wire.httpStatus
            reply = Self.problemReply(problem)
        } catch let error as CharterError where error.code == .unavailable {
            var problem = ACMEProblem(.serverInternal, error.message)
            problem.status = 503
            reply = Self.problemReply(problem)
            reply.headers[.retryAfter] = "30"
        } catch {
            context.logger.error("ACME request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            reply = Self.problemReply(ACMEProblem(.serverInternal, "Internal server error"))
        }
        var headers = reply.headers
        headers[.contentType] = reply.contentType
        headers[values: .link].append("<\(base)/directory>;rel=\"index\"")
        if request.method != .get || resource.first == "new-nonce" {
            // Every POST answer, errors included, carries the next nonce (RFC 8555 §6.5).
            if let nonce = try? await newNonce() {
                headers[.replayNonce] = nonce
                headers[.cacheControl] = "no-store"
            }
        }
        if request.method == .head { return Response(status: reply.status, headers: headers) }
        return Response(
            status: reply.status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
        )
    }

    static func problemReply(_ problem: ACMEProblem) -> Reply {
        var reply = Reply(
            status: HTTPResponse.Status(code: problem.status),
            body: problem.json,
            contentType: "application/problem+json"
        )
        if problem.kind == .rateLimited { reply.headers[.retryAfter] = "3600" }
        return reply
    }

    func route(_ request: Request, resource: [Substring], base: String) async throws -> Reply {
        guard let name = resource.first else { throw ACMEProblem(.malformed, "No ACME resource named") }
        let rest = Array(resource.dropFirst())
        switch (request.method, name, rest.count) {
        case (.get, "directory", 0):
            return .json(directory(base: base))
        case (.get, "new-nonce", 0):
            return Reply(status: .noContent)
        case (.head, "new-nonce", 0):
            return Reply()
        case (.get, "renewal-info", 1):
            return try await renewalInfo(String(rest[0]))
        case (.post, _, _):
            break
        case (.get, _, _), (.head, _, _):
            var problem = ACMEProblem.malformed(
                "ACME resources other than the directory, nonces and renewal information are read with POST-as-GET"
            )
            problem.status = 405
            throw problem
        default:
            throw ACMEProblem(.malformed, "Method \(request.method) is not allowed here")
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/jose+json") == true else {
            var problem = ACMEProblem.malformed("ACME requests are sent as application/jose+json")
            problem.status = 415
            throw problem
        }
        let body: [UInt8]
        do {
            body = Array(try await request.body.collect(upTo: JSONWebSignature.maxSize).readableBytesView)
        } catch {
            var problem = ACMEProblem.malformed("The request body is larger than \(JSONWebSignature.maxSize) bytes")
            problem.status = 413
            throw problem
        }
        let url = base + "/" + resource.joined(separator: "/")
        switch (name, rest.count) {
        case ("new-account", 0):
            return try await newAccount(try await verify(body, url: url, base: base, allowsKey: true), base: base)
        case ("revoke-cert", 0):
            return try await revokeCertificate(try await verify(body, url: url, base: base, allowsKey: true))
        case ("key-change", 0):
            return try await changeKey(try await verify(body, url: url, base: base), base: base)
        default:
            break
        }
        let signed = try await verify(body, url: url, base: base)
        switch (name, rest.count) {
        case ("new-order", 0): return try await newOrder(signed, base: base)
        case ("account", 1): return try await updateAccount(signed, id: String(rest[0]), base: base)
        case ("account", 2) where rest[1] == "orders":
            return try await listOrders(signed, id: String(rest[0]), base: base)
        case ("order", 1): return try await order(signed, id: String(rest[0]), base: base)
        case ("order", 2) where rest[1] == "finalize":
            return try await finalize(signed, id: String(rest[0]), base: base)
        case ("authz", 1): return try await authorization(signed, id: String(rest[0]), base: base)
        case ("challenge", 2):
            return try await challenge(signed, authorization: String(rest[0]), type: String(rest[1]), base: base)
        case ("certificate", 1): return try await certificate(signed, serial: String(rest[0]))
        default: throw ACMEProblem(.malformed, "No ACME resource at \(url)")
        }
    }

    /// Parses and verifies a JWS sent to `url`: the URL it was signed for, its key (an account's
    /// by `kid`, or its own `jwk` where `allowsKey`), its signature, then its nonce, taken once.
    func verify(_ body: [UInt8], url: String, base: String, allowsKey: Bool = false) async throws -> SignedRequest {
        let jws = try JSONWebSignature(body: body)
        guard jws.header.url == url else {
            throw ACMEProblem(.unauthorized, "The JWS was signed for '\(jws.header.url ?? "")', not \(url)")
        }
        var account: ACMEAccount?
        var version = 0
        let key: JSONWebKey
        if let keyID = jws.header.keyID {
            let prefix = base + "/account/"
            guard keyID.hasPrefix(prefix),
                let stored = try await registry.acmeObject(.account, id: String(keyID.dropFirst(prefix.count)))
            else { throw ACMEProblem(.accountDoesNotExist, "No account at '\(keyID)'") }
            let found = try Self.decode(ACMEAccount.self, stored)
            key = try JSONWebKey(found.key)
            account = found
            version = stored.version
        } else if let embedded = jws.header.key, allowsKey {
            key = embedded
        } else {
            throw ACMEProblem.malformed("This request must be signed by an account ('kid'), not an embedded 'jwk'")
        }
        try jws.verify(with: key)
        guard let nonce = jws.header.nonce, !nonce.isEmpty, nonce.utf8.count <= 64,
            try await registry.removeACMEObject(.nonce, id: nonce, at: Date())
        else {
            throw ACMEProblem(.badNonce, "The nonce is unknown, used or expired: take the Replay-Nonce of this answer")
        }
        if let account, account.status != .valid {
            throw ACMEProblem.unauthorized("Account \(account.id) is \(account.status.rawValue)")
        }
        return SignedRequest(jws: jws, account: account, accountVersion: version, key: key, url: url)
    }

    /// A fresh nonce, stored until used or expired.
    func newNonce() async throws -> String {
        let nonce = Base64URL.encode(SecureRandom.bytes(count: 16))
        let now = Date()
        try await registry.saveACMEObject(
            ACMEObject(
                kind: .nonce,
                id: nonce,
                created: now,
                expires: now.addingTimeInterval(Self.nonceLifetime),
                body: []
            )
        )
        return nonce
    }

    func directory(base: String) -> [String: Any] {
        [
            "newNonce": "\(base)/new-nonce",
            "newAccount": "\(base)/new-account",
            "newOrder": "\(base)/new-order",
            "revokeCert": "\(base)/revoke-cert",
            "keyChange": "\(base)/key-change",
            "renewalInfo": "\(base)/renewal-info",
            "meta": ["externalAccountRequired": settings.eab, "caaIdentities": [String]()],
        ]
    }

    // MARK: helpers

    static func encode(_ object: [String: Any]) -> [UInt8] {
        (try? [UInt8](JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])))
            ?? Array("{}".utf8)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ object: ACMEObject) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(object.body))
        } catch {
            throw CharterError(.storage, "Stored ACME \(object.kind.rawValue) '\(object.id)' does not parse: \(error)")
        }
    }

    static func body(_ value: some Encodable) throws -> [UInt8] {
        try [UInt8](JSONEncoder().encode(value))
    }

    static func time(_ date: Date) -> String { date.formatted(.iso8601) }

    /// A random identifier for a new object.
    static func newID() -> String { Base64URL.encode(SecureRandom.bytes(count: 16)) }

    /// The account a kid-signed request comes from.
    func account(of signed: SignedRequest) throws -> ACMEAccount {
        guard let account = signed.account else {
            throw ACMEProblem.malformed("This request must be signed with 'kid'")
        }
        return account
    }
}

extension HTTPField.Name {
    static let replayNonce = HTTPField.Name("Replay-Nonce")!
    static let link = HTTPField.Name("Link")!
}
