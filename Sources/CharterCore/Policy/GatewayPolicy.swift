// Gateway service names: extra SAN entries for certificates of nodes that sit behind a shared
// Kubernetes service or load balancer, so the service name verifies against any of them. And the
// one function that decides a certificate's SANs, for the server's enrollments, its own TLS
// certificate and cryptogen's nodes alike.

import X509

/// One rule: which enrollments it applies to, and which service names they get.
public struct GatewayRule: Sendable, Hashable, Codable {
    /// Signing profile the rule applies to (default `tls`: only TLS certificates name services).
    public var profile: String
    /// Identity type (`peer`, `orderer`, …); nil matches any.
    public var type: String?
    /// Affiliation, matched with its sub-affiliations (`org1` matches `org1.department1`); nil matches any.
    public var affiliation: String?
    /// Service names to add, e.g. `org1-peer-gateway-svc`.
    public var services: [String]
    /// Kubernetes namespace; when set, each service also appears as `svc.ns`, `svc.ns.svc` and
    /// `svc.ns.svc.cluster.local`, the names a pod may use to reach it.
    public var namespace: String?

    /// Creates a rule.
    public init(
        profile: String = "tls",
        type: String? = nil,
        affiliation: String? = nil,
        services: [String],
        namespace: String? = nil
    ) {
        self.profile = profile
        self.type = type
        self.affiliation = affiliation
        self.services = services
        self.namespace = namespace
    }

    /// True when an enrollment with these facts falls under the rule.
    public func matches(profile: String, type: String, affiliation: String) -> Bool {
        guard self.profile == profile else { return false }
        if let wanted = self.type, wanted != type { return false }
        if let wanted = self.affiliation, !Affiliation.isWithin(affiliation, scope: wanted) { return false }
        return true
    }

    /// The host names this rule adds.
    public var hostNames: [String] {
        services.flatMap { service -> [String] in
            guard let namespace, !namespace.isEmpty else { return [service] }
            return [
                service, "\(service).\(namespace)", "\(service).\(namespace).svc",
                "\(service).\(namespace).svc.cluster.local",
            ]
        }
    }
}

/// The set of gateway rules a CA applies; the server and cryptogen share it.
public struct GatewayPolicy: Sendable, Hashable {
    /// The rules, applied in order.
    public var rules: [GatewayRule]

    /// Creates a policy.
    public init(rules: [GatewayRule] = []) {
        self.rules = rules
    }

    /// The SANs of a certificate Charter issues: the requested names, each held to
    /// ``HostPolicy``'s rules, then every service name that applies to this profile, type and
    /// affiliation, without duplicates. Every issuing path calls this, and the audit expects
    /// what ``hosts(adding:profile:type:affiliation:)`` says.
    public func subjectAlternativeNames(
        requested: [GeneralName],
        profile: String,
        type: String,
        affiliation: String
    ) throws -> [GeneralName] {
        try appendingServices(
            to: try HostPolicy.subjectAlternativeNames(requested: requested),
            profile: profile,
            type: type,
            affiliation: affiliation
        )
    }

    /// ``subjectAlternativeNames(requested:profile:type:affiliation:)`` for host strings (DNS
    /// names, IP and e-mail addresses), each validated once.
    public func subjectAlternativeNames(hosts: [String], profile: String, type: String, affiliation: String) throws
        -> [GeneralName]
    {
        try appendingServices(
            to: try HostPolicy.subjectAlternativeNames(for: hosts),
            profile: profile,
            type: type,
            affiliation: affiliation
        )
    }

    /// Already validated names, then the service names that apply, without duplicates.
    func appendingServices(to validated: [GeneralName], profile: String, type: String, affiliation: String) throws
        -> [GeneralName]
    {
        var names = validated
        let services = hosts(adding: [], profile: profile, type: type, affiliation: affiliation)
        for name in try HostPolicy.subjectAlternativeNames(for: services) where !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// The requested hosts followed by every service name that applies, without duplicates.
    public func hosts(adding requested: [String], profile: String, type: String, affiliation: String) -> [String] {
        var hosts = requested
        for rule in rules where rule.matches(profile: profile, type: type, affiliation: affiliation) {
            for name in rule.hostNames where !hosts.contains(name) {
                hosts.append(name)
            }
        }
        return hosts
    }
}
