// The identities endpoints: list, get, add, modify, remove.

import CharterCore
import CharterStore
import Foundation
import Hummingbird
import NIOPosix

extension CAService {
    func listIdentities(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Listing identities")
        let (caller, _) = try await tokenCaller(request, context: context)
        try checkCAName(request.uri.queryParameters["ca"].map(String.init))
        try AccessControl.checkIsRegistrar(caller)
        let registry = self.registry
        @Sendable func page(after id: String?) async throws -> ListingPage<String> {
            let identities = try await registry.identities(after: id, limit: Self.listingPageSize)
            // One encoder call per page (its set-up costs more than an identity): the array's
            // brackets dropped, its objects are the page's entries, comma-separated already.
            let visible = identities.filter { AccessControl.canSee(caller: caller, target: $0) }.map {
                IdentityInfo($0)
            }
            return ListingPage(
                entries: visible.isEmpty ? [] : [Array(try Envelope.encoder.encode(visible).dropFirst().dropLast())],
                resumeAfter: identities.count < Self.listingPageSize ? nil : identities.last?.id
            )
        }
        // The bytes `Envelope.success(IdentityListResponse(…))` would write, in pages.
        return Envelope.streamed(
            head: #"{"result":{"identities":["#,
            first: try await page(after: nil),
            next: page(after:),
            tail: #"],"caname":"# + String(decoding: try Envelope.encoder.encode(configuration.ca.name), as: UTF8.self)
                + "}\n,\"errors\":[],\"messages\":[],\"success\":true}"
        )
    }

    func getIdentity(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Reading an identity")
        let (caller, _) = try await tokenCaller(request, context: context)
        let target = try await visibleIdentity(try context.parameters.require("id"), caller: caller, acting: false)
        return try Envelope.success(IdentityInfo(target))
    }

    func addIdentity(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Adding identities")
        let (caller, body) = try await tokenCaller(request, context: context)
        let (identity, secret) = try await registerIdentity(
            try Self.decode(RegistrationRequest.self, from: body),
            registrar: caller
        )
        return try Envelope.success(IdentityInfo(identity, secret: secret), status: .created)
    }

    /// The checks run inside the store's transaction, on the identity as it is stored at that
    /// moment, and only the changed fields are written.
    func modifyIdentity(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Modifying identities")
        let (caller, body) = try await tokenCaller(request, context: context)
        let modification = try Self.decode(IdentityModification.self, from: body)
        try checkCAName(modification.caName)
        let id = try context.parameters.require("id")
        let type = modification.type.flatMap { $0.isEmpty ? nil : $0 }
        if let type { try EnrollmentID.validateType(type) }
        let affiliation = modification.affiliation.flatMap { $0.isEmpty ? nil : $0 }
        let changes = modification.attrs ?? []
        try IdentityRules.validate(attributes: changes)
        for change in changes {
            try AccessControl.checkGrant(registrar: caller, attribute: change, requested: changes)
        }
        let maxEnrollments = try modification.maxEnrollments.flatMap { $0 == 0 ? nil : try resolveMaxEnrollments($0) }
        let secret = modification.secret.flatMap { $0.isEmpty ? nil : $0 }
        if let secret { try SecretHasher.validate(secret) }
        let hasher = self.hasher
        let secretHash: String? =
            if let secret {
                try await NIOThreadPool.singleton.runIfActive { hasher.hash(secret, generated: false) }
            } else { nil }

        let updated = try await registry.updateIdentity(id) { identity in
            try AccessControl.checkActOn(caller: caller, target: identity)
            if let type, type != identity.type {
                try AccessControl.checkRole(caller: caller, type: type)
                identity.type = type
            }
            if let affiliation, affiliation != identity.affiliation {
                try AccessControl.checkScope(caller: caller, target: affiliation)
                identity.affiliation = affiliation
            }
            identity.attributes = Self.merge(identity.attributes, changes)
            if let maxEnrollments { identity.maxEnrollments = maxEnrollments }
            // The record's own facts follow the type and affiliation.
            identity.attributes = Self.merge(
                identity.attributes,
                [
                    IdentityAttribute(name: ReservedAttribute.type, value: identity.type, ecert: true),
                    IdentityAttribute(name: ReservedAttribute.affiliation, value: identity.affiliation, ecert: true),
                ]
            )
            if let secretHash {
                identity.secretHash = secretHash
                identity.incorrectPasswordAttempts = 0
            }
            // The result passes the registration rules: nobody raises an identity above itself,
            // and the record is one the API would have registered.
            try AccessControl.checkActOn(caller: caller, target: identity)
            try IdentityRules.validate(identity)
        }
        return try Envelope.success(IdentityInfo(updated, secret: secret))
    }

    func removeIdentity(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Removing identities")
        let (caller, _) = try await tokenCaller(request, context: context)
        guard configuration.cfg.identities.allowremove else {
            throw CharterError(.identityRemovalDisabled, "Identity removal is disabled (cfg.identities.allowremove)")
        }
        let target = try await visibleIdentity(try context.parameters.require("id"), caller: caller)
        if target.id == caller.id && request.uri.queryParameters["force"] != "true" {
            throw CharterError(.needsForce, "Removing your own identity needs force=true")
        }
        _ = try await registry.removeIdentity(target.id, at: Date())
        return try Envelope.success(IdentityInfo(target))
    }

    // MARK: helpers

    /// Token authentication of a request: the caller, and the raw body its token signed.
    func tokenCaller(_ request: Request, context: CharterRequestContext) async throws -> (Identity, [UInt8]) {
        let body = try await Self.collect(request)
        let caller = try await authenticator.token(request, body: body)
        context.audit.record(caller.id)
        return (caller, body)
    }

    /// The identity, when it exists and the caller may see it (or, `acting`, act on it).
    func visibleIdentity(_ id: String, caller: Identity, acting: Bool = true) async throws -> Identity {
        guard let target = try await registry.identity(id) else {
            throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
        }
        if acting {
            try AccessControl.checkActOn(caller: caller, target: target)
        } else {
            try AccessControl.checkSee(caller: caller, target: target)
        }
        return target
    }

    /// fabric-ca's attribute update: a name with an empty value removes it, others add or replace.
    static func merge(_ attributes: [IdentityAttribute], _ changes: [IdentityAttribute]) -> [IdentityAttribute] {
        var result = attributes
        for change in changes {
            result.removeAll { $0.name == change.name }
            if !change.value.isEmpty { result.append(change) }
        }
        return result
    }
}
