// Accounts (RFC 8555 §7.3): creation with external account binding, look-up by key, updates,
// deactivation and key rollover.

import CharterACME
import CharterCore
import CharterStore
import Foundation

extension ACMEService {
    func newAccount(_ signed: SignedRequest, base: String) async throws -> Reply {
        let payload = try signed.jws.payloadObject()
        let thumbprint = Base64URL.encode(signed.key.thumbprint)
        if let existing = try await registry.acmeObject(.account, lookup: thumbprint) {
            let account = try Self.decode(ACMEAccount.self, existing)
            return .json(accountJSON(account, base: base), location: "\(base)/account/\(account.id)")
        }
        if payload["onlyReturnExisting"] as? Bool == true {
            throw ACMEProblem(.accountDoesNotExist, "No account has this key")
        }
        let contact = try Self.contacts(payload["contact"])
        var binding: (key: ACMEExternalKey, version: Int)?
        if let value = payload["externalAccountBinding"] {
            let parsed = try ExternalAccountBinding(value, accountKey: signed.key, url: signed.url)
            guard let stored = try await registry.acmeObject(.externalKey, id: parsed.keyID) else {
                throw ACMEProblem.unauthorized("External account key '\(parsed.keyID)' is unknown")
            }
            let key = try Self.decode(ACMEExternalKey.self, stored)
            guard let secret = Base64URL.decode(key.hmacKey) else {
                throw CharterError(.storage, "External account key '\(key.keyID)' is damaged")
            }
            try parsed.verify(hmacKey: secret)
            guard key.account == nil else {
                throw ACMEProblem.unauthorized("External account key '\(key.keyID)' already bound an account")
            }
            _ = try await boundIdentity(key.identity)
            binding = (key, stored.version)
        } else if settings.eab {
            throw ACMEProblem(
                .externalAccountRequired,
                "This CA requires external account binding: ask a registrar for a key (charter acme eab add)"
            )
        }
        let now = Date()
        let account = ACMEAccount(
            id: Self.newID(),
            key: signed.key.members,
            contact: contact,
            identity: binding?.key.identity,
            externalKeyID: binding?.key.keyID,
            created: now
        )
        if var key = binding?.key, let version = binding?.version {
            // The key is spent first: two accounts racing for it cannot both be bound.
            key.account = account.id
            var object = ACMEObject(kind: .externalKey, id: key.keyID, created: key.created, body: try Self.body(key))
            object.version = version
            try await registry.saveACMEObject(object)
        }
        try await registry.saveACMEObject(
            ACMEObject(kind: .account, id: account.id, lookup: thumbprint, created: now, body: try Self.body(account))
        )
        return .json(accountJSON(account, base: base), status: .created, location: "\(base)/account/\(account.id)")
    }

    func updateAccount(_ signed: SignedRequest, id: String, base: String) async throws -> Reply {
        var account = try self.account(of: signed)
        guard account.id == id else { throw ACMEProblem.unauthorized("A request for account \(id) signed by another") }
        if !signed.jws.isPostAsGet {
            let payload = try signed.jws.payloadObject()
            if let contact = payload["contact"] { account.contact = try Self.contacts(contact) }
            if let status = payload["status"] {
                guard status as? String == ACMEStatus.deactivated.rawValue else {
                    throw ACMEProblem.malformed("An account's status can only be set to 'deactivated'")
                }
                account.status = .deactivated
            }
            try await save(account, version: signed.accountVersion)
        }
        return .json(accountJSON(account, base: base), location: "\(base)/account/\(account.id)")
    }

    func listOrders(_ signed: SignedRequest, id: String, base: String) async throws -> Reply {
        let account = try self.account(of: signed)
        guard account.id == id else { throw ACMEProblem.unauthorized("Account \(id)'s orders are its own") }
        let orders = try await registry.acmeObjects(.order, account: account.id)
        return .json(["orders": orders.map { "\(base)/order/\($0.id)" }])
    }

    /// Key rollover (RFC 8555 §7.3.5): an inner JWS by the new key names the account and its old key.
    func changeKey(_ signed: SignedRequest, base: String) async throws -> Reply {
        var account = try self.account(of: signed)
        let inner = try JSONWebSignature(body: signed.jws.payload)
        guard let newKey = inner.header.key, inner.header.keyID == nil else {
            throw ACMEProblem.malformed("The inner JWS of a key change carries the new key as 'jwk'")
        }
        guard inner.header.nonce == nil else {
            throw ACMEProblem.malformed("The inner JWS of a key change has no nonce")
        }
        guard inner.header.url == signed.url else {
            throw ACMEProblem.malformed("The inner JWS of a key change was signed for another URL")
        }
        try inner.verify(with: newKey)
        let payload = try inner.payloadObject()
        guard payload["account"] as? String == "\(base)/account/\(account.id)" else {
            throw ACMEProblem.unauthorized("The key change names another account")
        }
        guard let oldObject = payload["oldKey"] as? [String: Any],
            try JSONWebKey(oldObject).thumbprint == signed.key.thumbprint
        else { throw ACMEProblem.unauthorized("The key change's oldKey is not the account's key") }
        let thumbprint = Base64URL.encode(newKey.thumbprint)
        if let other = try await registry.acmeObject(.account, lookup: thumbprint) {
            var problem = ACMEProblem.malformed("Another account already uses the new key")
            problem.status = 409
            var reply = Self.problemReply(problem)
            reply.headers[.location] = "\(base)/account/\(other.id)"
            return reply
        }
        account.key = newKey.members
        try await save(account, version: signed.accountVersion)
        return .json(accountJSON(account, base: base), location: "\(base)/account/\(account.id)")
    }

    // MARK: helpers

    func save(_ account: ACMEAccount, version: Int) async throws {
        var object = ACMEObject(
            kind: .account,
            id: account.id,
            lookup: Base64URL.encode(try JSONWebKey(account.key).thumbprint),
            created: account.created,
            body: try Self.body(account)
        )
        object.version = version
        try await registry.saveACMEObject(object)
    }

    /// The registered identity an account acts for; a removed or revoked one acts no more.
    func boundIdentity(_ id: String) async throws -> Identity {
        guard let identity = try await registry.identity(id) else {
            throw ACMEProblem.unauthorized("Identity '\(id)' this account acts for is not registered")
        }
        guard !identity.revoked else {
            throw ACMEProblem.unauthorized("Identity '\(id)' this account acts for is revoked")
        }
        return identity
    }

    /// `mailto:` addresses, at most ten, each a plain address.
    static func contacts(_ value: Any?) throws -> [String] {
        guard let value else { return [] }
        guard let list = value as? [String], list.count <= 10 else {
            throw ACMEProblem(.invalidContact, "contact must be a list of at most 10 mailto: URLs")
        }
        for entry in list {
            guard entry.hasPrefix("mailto:") else {
                throw ACMEProblem(.unsupportedContact, "Only mailto: contacts are accepted, not '\(entry)'")
            }
            let address = entry.dropFirst(7)
            guard address.utf8.count <= 254, address.filter({ $0 == "@" }).count == 1,
                !address.contains(where: { $0 == "?" || $0 == "," || $0 == " " || $0.asciiValue == nil })
            else { throw ACMEProblem(.invalidContact, "'\(entry)' is not a plain mailto: address") }
        }
        return list
    }

    func accountJSON(_ account: ACMEAccount, base: String) -> [String: Any] {
        var json: [String: Any] = [
            "status": account.status.rawValue,
            "contact": account.contact,
            "orders": "\(base)/account/\(account.id)/orders",
            "key": account.key,
            "createdAt": Self.time(account.created),
        ]
        if let keyID = account.externalKeyID { json["externalAccountBinding"] = ["kid": keyID] }
        return json
    }
}
