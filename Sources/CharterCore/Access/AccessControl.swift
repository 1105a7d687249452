// fabric-ca's attribute-based access rules, in one place: who may register which types, grant
// which attributes, and act on which affiliations.

import Foundation

/// Decides whether a caller may perform an operation on an identity; throws 403/71 when not.
public enum AccessControl {
    /// A caller may act on identities of its own affiliation and below; the root sees everything.
    public static func checkScope(caller: Identity, target affiliation: String) throws {
        guard Affiliation.isWithin(affiliation, scope: caller.affiliation) else {
            throw CharterError.authorization(
                "'\(caller.id)' (affiliation '\(caller.affiliation)') may not act on affiliation '\(affiliation)'"
            )
        }
    }

    /// A caller may act on a type listed in its `hf.Registrar.Roles` (`*` lists every type).
    public static func checkRole(caller: Identity, type: String) throws {
        guard let roles = caller.attribute(ReservedAttribute.registrarRoles), !roles.isEmpty else {
            throw CharterError.authorization("'\(caller.id)' has no hf.Registrar.Roles and may not register identities")
        }
        guard covers(list: roles, value: type) else {
            throw CharterError.authorization(
                "'\(caller.id)' may not register identities of type '\(type)' (hf.Registrar.Roles: \(roles))"
            )
        }
    }

    /// A caller may see an identity of a type among its roles, inside its affiliation scope.
    public static func checkSee(caller: Identity, target: Identity) throws {
        try checkRole(caller: caller, type: target.type)
        try checkScope(caller: caller, target: target.affiliation)
    }

    /// ``checkSee(caller:target:)`` as a filter.
    public static func canSee(caller: Identity, target: Identity) -> Bool {
        (try? checkSee(caller: caller, target: target)) != nil
    }

    /// A caller may act on an identity (modify, revoke, remove) it may see and whose every power
    /// it holds itself, so that no registrar can take over an identity stronger than itself (by
    /// resetting its secret, say) and enroll with its powers.
    public static func checkActOn(caller: Identity, target: Identity) throws {
        try checkSee(caller: caller, target: target)
        try checkHoldsPowers(caller: caller, of: target)
    }

    /// The caller holds every power `target` holds: its registrar roles, delegate roles and
    /// attribute patterns are among the caller's, and each boolean power it has, the caller has.
    public static func checkHoldsPowers(caller: Identity, of target: Identity) throws {
        for name in [ReservedAttribute.registrarRoles, ReservedAttribute.registrarDelegateRoles] {
            let own = caller.attribute(name) ?? ""
            for value in list(target.attribute(name) ?? "") where !covers(list: own, value: value) {
                throw CharterError.authorization(
                    "'\(caller.id)' may not act on '\(target.id)', whose \(name) include '\(value)' (its own: '\(own)')"
                )
            }
        }
        let ownPatterns = caller.attribute(ReservedAttribute.registrarAttributes) ?? ""
        for pattern in list(target.attribute(ReservedAttribute.registrarAttributes) ?? "")
        where !patternCovered(pattern, by: ownPatterns) {
            throw CharterError.authorization(
                "'\(caller.id)' may not act on '\(target.id)', whose hf.Registrar.Attributes include '\(pattern)'"
            )
        }
        for power in ReservedAttribute.booleans.sorted() where hasPower(target, power) && !hasPower(caller, power) {
            throw CharterError.authorization("'\(caller.id)' may not act on '\(target.id)', which has \(power)")
        }
    }

    /// A caller must hold a boolean power (`hf.Revoker`, `hf.GenCRL`, `hf.AffiliationMgr`, …).
    public static func checkPower(_ caller: Identity, _ name: String) throws {
        guard hasPower(caller, name) else {
            throw CharterError.authorization("'\(caller.id)' does not have \(name)")
        }
    }

    /// Listing other identities' certificates takes `hf.Registrar.Roles` or `hf.Revoker`, as in
    /// fabric-ca; anyone may list their own.
    public static func checkCertificateListing(caller: Identity, of owner: String?) throws {
        let registrar = !(caller.attribute(ReservedAttribute.registrarRoles) ?? "").isEmpty
        guard registrar || hasPower(caller, ReservedAttribute.revoker) || owner == caller.id else {
            throw CharterError.authorization(
                "'\(caller.id)' may list its own certificates only (pass --id \(caller.id))"
            )
        }
    }

    /// A caller must be a registrar (have `hf.Registrar.Roles`) to list identities.
    public static func checkIsRegistrar(_ caller: Identity) throws {
        guard let roles = caller.attribute(ReservedAttribute.registrarRoles), !roles.isEmpty else {
            throw CharterError.authorization("'\(caller.id)' has no hf.Registrar.Roles")
        }
    }

    /// The full register check: role, affiliation scope and every requested attribute.
    public static func checkRegistration(
        registrar: Identity,
        type: String,
        affiliation: String,
        attributes: [IdentityAttribute]
    ) throws {
        try checkRole(caller: registrar, type: type)
        try checkScope(caller: registrar, target: affiliation)
        for attribute in attributes {
            try checkGrant(registrar: registrar, attribute: attribute, requested: attributes)
        }
    }

    /// Whether the registrar may set (or, with an empty value, remove) `attribute` on an identity.
    /// Removing takes the same `hf.Registrar.Attributes` right as setting.
    public static func checkGrant(
        registrar: Identity,
        attribute: IdentityAttribute,
        requested: [IdentityAttribute]
    ) throws {
        let name = attribute.name
        if ReservedAttribute.fixed.contains(name) {
            throw CharterError.authorization(
                "'\(name)' is set by the CA from the identity record and cannot be registered"
            )
        }
        if name.hasPrefix("hf."), !ReservedAttribute.all.contains(name) {
            throw CharterError.authorization("'\(name)' is not an attribute fabric-ca reserves; hf.* names are refused")
        }
        guard let allowed = registrar.attribute(ReservedAttribute.registrarAttributes),
            matchesAny(patterns: allowed, name: name)
        else {
            throw CharterError.authorization(
                "'\(registrar.id)' may not register attribute '\(name)' (not in its hf.Registrar.Attributes)"
            )
        }
        if attribute.value.isEmpty { return }
        switch name {
        case ReservedAttribute.registrarRoles:
            try checkSubset(attribute, of: registrar, ReservedAttribute.registrarRoles)
        case ReservedAttribute.registrarDelegateRoles:
            try checkSubset(attribute, of: registrar, ReservedAttribute.registrarDelegateRoles)
            let roles = requested.first { $0.name == ReservedAttribute.registrarRoles }?.value ?? ""
            for role in list(attribute.value) where !covers(list: roles, value: role) {
                throw CharterError.authorization(
                    "Delegate role '\(role)' is not among the identity's own hf.Registrar.Roles"
                )
            }
        case ReservedAttribute.registrarAttributes:
            let own = registrar.attribute(ReservedAttribute.registrarAttributes) ?? ""
            for pattern in list(attribute.value) where !patternCovered(pattern, by: own) {
                throw CharterError.authorization("'\(registrar.id)' may not delegate attribute pattern '\(pattern)'")
            }
        case _ where ReservedAttribute.booleans.contains(name):
            // IdentityRules refused values that are not booleans before any grant is checked.
            if parseBool(attribute.value) == true && !hasPower(registrar, name) {
                throw CharterError.authorization("'\(registrar.id)' may not grant '\(name)' without having it")
            }
        default:
            break
        }
    }

    /// True when the identity holds a boolean power (`hf.Revoker`, `hf.GenCRL`, …).
    public static func hasPower(_ identity: Identity, _ name: String) -> Bool {
        identity.attribute(name).flatMap(parseBool) ?? false
    }

    /// Go's strconv.ParseBool, which fabric-ca uses for attribute values.
    public static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }

    static func checkSubset(_ attribute: IdentityAttribute, of registrar: Identity, _ name: String) throws {
        let own = registrar.attribute(name) ?? ""
        for value in list(attribute.value) where !covers(list: own, value: value) {
            throw CharterError.authorization(
                "'\(registrar.id)' may not grant '\(value)' in \(name) (its own: '\(own)')"
            )
        }
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }

    static func covers(list text: String, value: String) -> Bool {
        list(text).contains { $0 == "*" || $0 == value }
    }

    /// `hf.Registrar.Attributes` entries are names or prefixes ending in `*`.
    static func matchesAny(patterns: String, name: String) -> Bool {
        list(patterns).contains { pattern in
            pattern.hasSuffix("*") ? name.hasPrefix(String(pattern.dropLast())) : pattern == name
        }
    }

    static func patternCovered(_ pattern: String, by own: String) -> Bool {
        list(own).contains { mine in
            guard mine.hasSuffix("*") else { return mine == pattern }
            return pattern.hasPrefix(String(mine.dropLast()))
        }
    }
}
