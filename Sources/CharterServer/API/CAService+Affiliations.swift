// The affiliations endpoints: list, get, add, rename, remove.

import CharterCore
import CharterStore
import Foundation
import Hummingbird

extension CAService {
    func listAffiliations(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Listing affiliations")
        let caller = try await affiliationManager(request, context: context)
        var tree = AffiliationInfo.tree(root: caller.affiliation, paths: try await registry.affiliations())
        tree.caname = configuration.ca.name
        return try Envelope.success(tree)
    }

    func getAffiliation(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Reading an affiliation")
        let caller = try await affiliationManager(request, context: context)
        let name = try context.parameters.require("name")
        try AccessControl.checkScope(caller: caller, target: name)
        let paths = try await registry.affiliations()
        guard paths.contains(name) else {
            throw CharterError(.affiliationNotFound, "Affiliation '\(name)' does not exist")
        }
        var tree = AffiliationInfo.tree(root: name, paths: paths)
        tree.caname = configuration.ca.name
        return try Envelope.success(tree)
    }

    func addAffiliation(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Adding affiliations")
        let (caller, body) = try await tokenCaller(request, context: context)
        try AccessControl.checkPower(caller, ReservedAttribute.affiliationManager)
        let addition = try Self.decode(AffiliationRequest.self, from: body)
        try checkCAName(addition.caName)
        guard let name = addition.name else {
            throw CharterError(.invalidRequest, "The request names no affiliation, e.g. org1.department1")
        }
        try Affiliation.validate(name)
        try AccessControl.checkScope(caller: caller, target: name)
        try await registry.addAffiliation(name, createParents: Self.force(request))
        return try Envelope.success(AffiliationInfo(name: name, caname: configuration.ca.name), status: .created)
    }

    func modifyAffiliation(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Renaming affiliations")
        let (caller, body) = try await tokenCaller(request, context: context)
        try AccessControl.checkPower(caller, ReservedAttribute.affiliationManager)
        let name = try context.parameters.require("name")
        let rename = try Self.decode(AffiliationRequest.self, from: body)
        try checkCAName(rename.caName)
        guard let newName = rename.name else {
            throw CharterError(.invalidRequest, "The request names no new affiliation name")
        }
        try Affiliation.validate(newName)
        try AccessControl.checkScope(caller: caller, target: name)
        try AccessControl.checkScope(caller: caller, target: newName)
        try await requireForceWhenPopulated(name, request: request, action: "Renaming")
        let change = try await registry.renameAffiliation(name, to: newName)
        let renamed = { (path: String) in newName + path.dropFirst(name.count) }
        let moved = change.identities.map { identity -> IdentityInfo in
            var copy = identity
            copy.affiliation = renamed(identity.affiliation)
            return IdentityInfo(copy)
        }
        var tree = AffiliationInfo.tree(root: newName, paths: change.affiliations.map(renamed))
        tree.identities = moved.isEmpty ? nil : moved
        tree.caname = configuration.ca.name
        return try Envelope.success(tree)
    }

    func removeAffiliation(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Removing affiliations")
        let caller = try await affiliationManager(request, context: context)
        guard configuration.cfg.affiliations.allowremove else {
            throw CharterError(
                .affiliationRemovalDisabled,
                "Affiliation removal is disabled (cfg.affiliations.allowremove)"
            )
        }
        let name = try context.parameters.require("name")
        try AccessControl.checkScope(caller: caller, target: name)
        if Affiliation.isWithin(caller.affiliation, scope: name) && !caller.affiliation.isEmpty {
            throw CharterError.authorization(
                "'\(caller.id)' may not remove its own affiliation '\(caller.affiliation)'"
            )
        }
        let populated = try await requireForceWhenPopulated(name, request: request, action: "Removing")
        if populated.identities && !configuration.cfg.identities.allowremove {
            throw CharterError(
                .identityRemovalDisabled,
                "Affiliation '\(name)' has identities and identity removal is disabled (cfg.identities.allowremove)"
            )
        }
        let change = try await registry.removeAffiliation(name, at: Date())
        var tree = AffiliationInfo.tree(root: name, paths: change.affiliations)
        tree.identities = change.identities.isEmpty ? nil : change.identities.map { IdentityInfo($0) }
        tree.caname = configuration.ca.name
        return try Envelope.success(tree)
    }

    // MARK: helpers

    func affiliationManager(_ request: Request, context: CharterRequestContext) async throws -> Identity {
        let (caller, _) = try await tokenCaller(request, context: context)
        try AccessControl.checkPower(caller, ReservedAttribute.affiliationManager)
        return caller
    }

    static func force(_ request: Request) -> Bool {
        request.uri.queryParameters["force"].map { AccessControl.parseBool(String($0)) == true } ?? false
    }

    /// Renaming or removing an affiliation that has sub-affiliations or identities needs `force`.
    @discardableResult
    func requireForceWhenPopulated(_ name: String, request: Request, action: String) async throws
        -> (children: Bool, identities: Bool)
    {
        let paths = try await registry.affiliations()
        guard paths.contains(name) else {
            throw CharterError(.affiliationNotFound, "Affiliation '\(name)' does not exist")
        }
        let children = paths.contains { $0.hasPrefix(name + ".") }
        let identities = try await registry.identities().contains { Affiliation.isWithin($0.affiliation, scope: name) }
        if (children || identities) && !Self.force(request) {
            throw CharterError(
                .needsForce,
                "\(action) affiliation '\(name)' affects its sub-affiliations or identities: repeat with force=true"
            )
        }
        return (children, identities)
    }
}
