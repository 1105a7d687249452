// Orders, authorizations and challenges (RFC 8555 §7.4, §7.5, §8): names checked against
// `acme.allow`, control proven by a challenge, then a CSR finalized into a certificate issued,
// recorded and logged like every other.

import CharterACME
import CharterCore
import CharterStore
import Foundation
import X509

extension ACMEService {
    func newOrder(_ signed: SignedRequest, base: String) async throws -> Reply {
        let account = try self.account(of: signed)
        if let identity = account.identity { _ = try await boundIdentity(identity) }
        let payload = try signed.jws.payloadObject()
        guard payload["notBefore"] == nil, payload["notAfter"] == nil else {
            throw ACMEProblem.malformed("notBefore and notAfter are set by the CA's tls profile: leave them out")
        }
        guard let list = payload["identifiers"] as? [[String: Any]], !list.isEmpty, list.count <= Self.maxIdentifiers
        else {
            throw ACMEProblem.malformed("identifiers must list 1 to \(Self.maxIdentifiers) identifiers")
        }
        var identifiers: [ACMEIdentifier] = []
        for entry in list {
            guard let type = entry["type"] as? String, let value = entry["value"] as? String else {
                throw ACMEProblem.malformed("An identifier needs a 'type' and a 'value'")
            }
            let identifier = ACMEIdentifier(type: type, value: value.lowercased())
            guard type == "dns" else {
                throw ACMEProblem(
                    .unsupportedIdentifier,
                    "Charter issues for dns identifiers only, not '\(type)'",
                    identifier: identifier
                )
            }
            guard HostPolicy.isDNSName(identifier.value), HostPolicy.ipAddressBytes(identifier.value) == nil,
                identifier.value.dropFirst(2).contains(".") || !identifier.value.hasPrefix("*.")
            else { throw ACMEProblem(.rejectedIdentifier, "'\(value)' is not a DNS name", identifier: identifier) }
            guard allow.allows(identifier.value) else {
                throw ACMEProblem(
                    .rejectedIdentifier,
                    "This CA's ACME does not issue for '\(value)' (acme.allow)",
                    identifier: identifier
                )
            }
            if !identifiers.contains(identifier) { identifiers.append(identifier) }
        }
        let now = Date()
        let recent = try await registry.countACMEObjects(
            .order,
            account: account.id,
            since: now.addingTimeInterval(-3600)
        )
        guard recent < settings.ordersperhour else {
            throw ACMEProblem(
                .rateLimited,
                "Account \(account.id) placed \(recent) orders in the last hour (limit \(settings.ordersperhour))"
            )
        }
        var replaces: String?
        if let value = payload["replaces"] {
            guard let certID = value as? String, let record = try await renewalRecord(certID),
                try await registry.acmeObject(.certificate, id: record.serial)?.account == account.id
            else { throw ACMEProblem.malformed("replaces names no certificate of this account") }
            replaces = certID
        }
        let expires = now.addingTimeInterval(Self.orderLifetime)
        var authorizationIDs: [String] = []
        for identifier in identifiers {
            let wildcard = identifier.value.hasPrefix("*.")
            let name = wildcard ? String(identifier.value.dropFirst(2)) : identifier.value
            let types = wildcard ? ["dns-01"] : ["http-01", "dns-01", "tls-alpn-01"]
            let authorization = ACMEAuthorization(
                id: Self.newID(),
                account: account.id,
                identifier: ACMEIdentifier(value: name),
                wildcard: wildcard,
                expires: expires,
                challenges: types.map {
                    ACMEChallenge(type: $0, token: Base64URL.encode(SecureRandom.bytes(count: 32)))
                }
            )
            try await save(authorization, version: 0, created: now)
            authorizationIDs.append(authorization.id)
        }
        let order = ACMEOrder(
            id: Self.newID(),
            account: account.id,
            identifiers: identifiers,
            authorizations: authorizationIDs,
            expires: expires,
            replaces: replaces
        )
        try await save(order, version: 0, created: now)
        return .json(orderJSON(order, base: base), status: .created, location: "\(base)/order/\(order.id)")
    }

    func order(_ signed: SignedRequest, id: String, base: String) async throws -> Reply {
        let (order, _) = try await currentOrder(id, account: try account(of: signed))
        var reply = Reply.json(orderJSON(order, base: base), location: "\(base)/order/\(order.id)")
        if order.status == .processing { reply.headers[.retryAfter] = "2" }
        return reply
    }

    func authorization(_ signed: SignedRequest, id: String, base: String) async throws -> Reply {
        let account = try account(of: signed)
        var (authorization, version) = try await loadAuthorization(id, account: account)
        if !signed.jws.isPostAsGet {
            guard try signed.jws.payloadObject()["status"] as? String == ACMEStatus.deactivated.rawValue else {
                throw ACMEProblem.malformed("An authorization's status can only be set to 'deactivated'")
            }
            authorization.status = .deactivated
            try await save(authorization, version: version)
        }
        return .json(authorizationJSON(authorization, base: base))
    }

    /// Responding to a challenge validates it at once; the answer says how it went.
    func challenge(_ signed: SignedRequest, authorization id: String, type: String, base: String) async throws -> Reply
    {
        let account = try account(of: signed)
        var (authorization, version) = try await loadAuthorization(id, account: account)
        guard let index = authorization.challenges.firstIndex(where: { $0.type == type }) else {
            throw ACMEProblem.malformed("Authorization \(id) offers no \(type) challenge")
        }
        if !signed.jws.isPostAsGet, authorization.status == .pending, authorization.challenges[index].status == .pending
        {
            authorization.challenges[index].status = .processing
            // Claimed first: a second response to the same challenge sees it processing.
            version = try await save(authorization, version: version)
            // Validated and saved in a task of its own: a client that hangs up meanwhile cannot
            // leave the challenge processing for good.
            authorization = try await Task { [authorization, version] in
                var authorization = authorization
                var challenge = authorization.challenges[index]
                let keyAuthorization = KeyAuthorization(token: challenge.token, thumbprint: signed.key.thumbprint)
                let name = authorization.identifier.value
                if var problem = await validator.problem(type: type, name: name, keyAuthorization: keyAuthorization) {
                    problem.identifier = authorization.identifier
                    challenge.status = .invalid
                    challenge.error = problem
                    authorization.status = .invalid
                } else {
                    challenge.status = .valid
                    challenge.validated = Date()
                    authorization.status = .valid
                }
                authorization.challenges[index] = challenge
                try await save(authorization, version: version)
                return authorization
            }.value
        }
        var reply = Reply.json(challengeJSON(authorization.challenges[index], authorization: authorization, base: base))
        reply.headers[values: .link].append("<\(base)/authz/\(authorization.id)>;rel=\"up\"")
        if authorization.challenges[index].status == .processing { reply.headers[.retryAfter] = "2" }
        return reply
    }

    func finalize(_ signed: SignedRequest, id: String, base: String) async throws -> Reply {
        let account = try account(of: signed)
        var (order, version) = try await currentOrder(id, account: account)
        guard order.status == .ready else {
            throw ACMEProblem(
                .orderNotReady,
                "Order \(id) is \(order.status.rawValue), not ready: complete its authorizations first"
            )
        }
        let identity = try await account.identity.asyncMap(boundIdentity)
        guard let csrText = try signed.jws.payloadObject()["csr"] as? String, let der = Base64URL.decode(csrText) else {
            throw ACMEProblem.malformed("finalize needs 'csr', a base64url DER CSR")
        }
        let issuance = try issuanceRequest(der: der, order: order, identity: identity)
        // Issued, recorded and the order completed in a task of its own, which a client that
        // hangs up cannot cancel half-way.
        order = try await Task { [order, version, identity] in
            try await complete(order, version: version, issuance: issuance, identity: identity)
        }.value
        return .json(orderJSON(order, base: base), location: "\(base)/order/\(order.id)")
    }

    /// Marks the order processing, issues and records the certificate, and marks it valid; when
    /// issuing or recording fails, nothing is on record and the order is ready again.
    func complete(_ order: ACMEOrder, version: Int, issuance: IssuanceRequest, identity: Identity?) async throws
        -> ACMEOrder
    {
        var order = order
        order.status = .processing
        var version = try await save(order, version: version)
        let record: CertificateRecord
        do {
            let issued = try ca.authority.issue(issuance)
            record = CertificateRecord(
                issued,
                enrollmentID: identity?.id ?? "acme:\(order.account)",
                caName: ca.configuration.ca.name
            )
            try await ca.metrics.timeDatabase("record_acme") { try await registry.record(record) }
            ca.metrics.countIssued(
                ca: ca.configuration.ca.name,
                profile: issued.profile,
                type: identity?.type ?? "acme",
                operation: "acme"
            )
        } catch {
            order.status = .ready
            _ = try? await save(order, version: version)
            throw error
        }
        try await registry.saveACMEObject(
            ACMEObject(
                kind: .certificate,
                id: record.serial,
                account: order.account,
                created: record.issuedAt,
                body: []
            )
        )
        order.status = .valid
        order.certificate = record.serial
        version = try await save(order, version: version)
        return order
    }

    /// The CSR must ask for exactly the order's names; the certificate gets them, the gateway
    /// names the policy adds, the `tls` profile's validity (clamped to the CA's) and a subject
    /// naming the first identifier, with the bound identity's type and affiliation as OUs.
    func issuanceRequest(der: [UInt8], order: ACMEOrder, identity: Identity?) throws -> IssuanceRequest {
        let csr: CertificateSigningRequest
        do {
            csr = try EnrollmentRequest.checkedCSR(der: der)
        } catch let error as CharterError {
            throw ACMEProblem(.badCSR, error.message)
        }
        guard let algorithm = csr.publicKey.algorithm, ca.policy.keyAlgorithms.contains(algorithm) else {
            throw ACMEProblem(.badCSR, "This CA does not issue for this kind of key")
        }
        var requested = Set<String>()
        do {
            for name in try csr.attributes.extensionRequest?.extensions.subjectAlternativeNames.map(Array.init) ?? [] {
                guard case .dnsName(let dns) = name else {
                    throw ACMEProblem(.badCSR, "The CSR may name DNS names only")
                }
                requested.insert(dns.lowercased())
            }
        } catch let problem as ACMEProblem {
            throw problem
        } catch {
            throw ACMEProblem(.badCSR, "The CSR's extension request does not parse")
        }
        let commonName = SubjectPolicy.commonName(of: csr.subject)?.lowercased()
        if let commonName { requested.insert(commonName) }
        let names = order.identifiers.map(\.value)
        guard requested == Set(names) else {
            throw ACMEProblem(
                .badCSR,
                "The CSR must name exactly the order's identifiers: \(names.joined(separator: ", "))"
            )
        }
        let profile = try ca.policy.profile(named: SigningProfile.tls.name)
        var fields = SubjectPolicy.Fields(commonName: commonName ?? names[0])
        if let identity {
            fields.organizationalUnit = [identity.type] + identity.affiliation.split(separator: ".").map(String.init)
        }
        let sans = try ca.policy.gateway.subjectAlternativeNames(
            hosts: names,
            profile: profile.name,
            type: identity?.type ?? "",
            affiliation: identity?.affiliation ?? ""
        )
        return IssuanceRequest(
            publicKey: csr.publicKey,
            subject: try SubjectPolicy.name(fields),
            subjectAlternativeNames: sans,
            profile: profile
        )
    }

    func certificate(_ signed: SignedRequest, serial: String) async throws -> Reply {
        let account = try account(of: signed)
        guard try await registry.acmeObject(.certificate, id: serial)?.account == account.id,
            let record = try await registry.certificate(
                serial: serial,
                authorityKeyIdentifier: Hex.encode(ca.authority.subjectKeyIdentifier)
            )
        else { throw ACMEProblem.unauthorized("Certificate \(serial) is not this account's") }
        var pem = record.pem
        if !pem.hasSuffix("\n") { pem += "\n" }
        return Reply(body: Array((pem + ca.authority.chainPEM).utf8), contentType: "application/pem-certificate-chain")
    }

    // MARK: state

    /// The order with its status brought up to date from its authorizations.
    func currentOrder(_ id: String, account: ACMEAccount) async throws -> (ACMEOrder, Int) {
        guard let object = try await registry.acmeObject(.order, id: id), object.account == account.id else {
            throw ACMEProblem.unauthorized("Order \(id) is not this account's")
        }
        var order = try Self.decode(ACMEOrder.self, object)
        var version = object.version
        let before = order.status
        if order.status == .pending || order.status == .ready {
            if order.expires < Date() {
                order.status = .invalid
                order.error = ACMEProblem.unauthorized("The order expired")
            } else {
                var statuses: [ACMEStatus] = []
                for authorizationID in order.authorizations {
                    statuses.append(try await loadAuthorization(authorizationID, account: account).0.status)
                }
                if statuses.allSatisfy({ $0 == .valid }) {
                    order.status = .ready
                } else if statuses.contains(where: { $0 != .pending && $0 != .valid }) {
                    order.status = .invalid
                    order.error = ACMEProblem.unauthorized("An authorization of the order failed or was deactivated")
                }
            }
        }
        if order.status != before { version = try await save(order, version: version) }
        return (order, version)
    }

    func loadAuthorization(_ id: String, account: ACMEAccount) async throws -> (ACMEAuthorization, Int) {
        guard let object = try await registry.acmeObject(.authorization, id: id), object.account == account.id else {
            throw ACMEProblem.unauthorized("Authorization \(id) is not this account's")
        }
        var authorization = try Self.decode(ACMEAuthorization.self, object)
        if authorization.status == .pending || authorization.status == .valid, authorization.expires < Date() {
            authorization.status = .expired
        }
        return (authorization, object.version)
    }

    /// Saves an order or authorization at `version` (0: new).
    @discardableResult
    func save(_ resource: some AccountResource, version: Int, created: Date = Date()) async throws -> Int {
        var object = ACMEObject(
            kind: type(of: resource).kind,
            id: resource.id,
            account: resource.account,
            created: created,
            expires: resource.expires,
            body: try Self.body(resource)
        )
        object.version = version
        return try await registry.saveACMEObject(object)
    }

    // MARK: wire forms

    func orderJSON(_ order: ACMEOrder, base: String) -> [String: Any] {
        var json: [String: Any] = [
            "status": order.status.rawValue,
            "expires": Self.time(order.expires),
            "identifiers": order.identifiers.map { ["type": $0.type, "value": $0.value] },
            "authorizations": order.authorizations.map { "\(base)/authz/\($0)" },
            "finalize": "\(base)/order/\(order.id)/finalize",
        ]
        if let serial = order.certificate { json["certificate"] = "\(base)/certificate/\(serial)" }
        if let error = order.error { json["error"] = Self.problemJSON(error) }
        if let replaces = order.replaces { json["replaces"] = replaces }
        return json
    }

    func authorizationJSON(_ authorization: ACMEAuthorization, base: String) -> [String: Any] {
        var json: [String: Any] = [
            "status": authorization.status.rawValue,
            "expires": Self.time(authorization.expires),
            "identifier": ["type": authorization.identifier.type, "value": authorization.identifier.value],
            "challenges": authorization.challenges.map { challengeJSON($0, authorization: authorization, base: base) },
        ]
        if authorization.wildcard { json["wildcard"] = true }
        return json
    }

    func challengeJSON(_ challenge: ACMEChallenge, authorization: ACMEAuthorization, base: String) -> [String: Any] {
        var json: [String: Any] = [
            "type": challenge.type,
            "url": "\(base)/challenge/\(authorization.id)/\(challenge.type)",
            "status": challenge.status.rawValue,
            "token": challenge.token,
        ]
        if let validated = challenge.validated { json["validated"] = Self.time(validated) }
        if let error = challenge.error { json["error"] = Self.problemJSON(error) }
        return json
    }

    static func problemJSON(_ problem: ACMEProblem) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(problem.json))) ?? [:]
    }
}

/// An account's order or authorization, as the registry files it.
protocol AccountResource: Encodable {
    static var kind: ACMEObjectKind { get }
    var id: String { get }
    var account: String { get }
    var expires: Date { get }
}

extension ACMEOrder: AccountResource {
    static var kind: ACMEObjectKind { .order }
}

extension ACMEAuthorization: AccountResource {
    static var kind: ACMEObjectKind { .authorization }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
