// What one organisation expands to: its CA names, its nodes with host names and SANs, its users.

import CharterCore
import Foundation

/// Peer or orderer organisation.
public enum OrgKind: String, Sendable {
    case peer
    case orderer

    /// `peerOrganizations` / `ordererOrganizations`.
    var folder: String { self == .peer ? "peerOrganizations" : "ordererOrganizations" }
    /// `peers` / `orderers`.
    var nodesFolder: String { self == .peer ? "peers" : "orderers" }
}

/// A node to issue for.
struct NodePlan: Sendable, Hashable {
    var hostname: String
    var commonName: String
    var sans: [String]
    var line: Int
    var publicKeyAlgorithm: SigningKey.Algorithm
}

/// One organisation, expanded.
struct OrgPlan: Sendable {
    let spec: OrgSpec
    let kind: OrgKind
    let caCommonName: String
    let tlsCACommonName: String
    let nodes: [NodePlan]
    /// `Admin@<domain>` first, then `User1@<domain>`… (peer organisations only).
    let users: [String]

    init(_ spec: OrgSpec, kind: OrgKind) throws {
        self.spec = spec
        self.kind = kind
        caCommonName = spec.ca.commonName ?? "\(spec.ca.hostname ?? "ca").\(spec.domain)"
        tlsCACommonName = "tls" + caCommonName
        nodes = try Self.nodes(of: spec, kind: kind)
        let userCount = kind == .peer ? spec.userCount : 0
        users = ["Admin@\(spec.domain)"] + (0..<userCount).map { "User\($0 + 1)@\(spec.domain)" }
    }

    /// The org's folder below the output.
    var folder: String { "\(kind.folder)/\(spec.domain)" }

    /// Template nodes first, then the listed ones, as cryptogen orders them.
    static func nodes(of spec: OrgSpec, kind: OrgKind) throws -> [NodePlan] {
        var specs: [NodeSpec] = []
        if let template = spec.template {
            for index in 0..<template.count {
                let hostname = try HostnameTemplate.render(
                    template.hostname ?? "{{.Prefix}}{{.Index}}",
                    ["Prefix": kind.rawValue, "Index": String(index + template.start), "Domain": spec.domain]
                )
                specs.append(
                    NodeSpec(
                        hostname: hostname,
                        sans: template.sans,
                        line: template.line,
                        publicKeyAlgorithm: template.publicKeyAlgorithm
                    )
                )
            }
        }
        specs += spec.specs
        return try specs.map { node in
            let commonName = try HostnameTemplate.render(
                node.commonName ?? "{{.Hostname}}.{{.Domain}}",
                ["Hostname": node.hostname, "Domain": spec.domain]
            )
            let values = ["Hostname": node.hostname, "Domain": spec.domain, "CommonName": commonName]
            let sans = try node.sans.map { try HostnameTemplate.render($0, values) }
            return NodePlan(
                hostname: node.hostname,
                commonName: commonName,
                sans: [commonName, node.hostname] + sans,
                line: node.line,
                publicKeyAlgorithm: node.publicKeyAlgorithm
            )
        }
    }

    /// The MSP ID Fabric configs use for the org.
    var mspID: String { "\(spec.name)MSP" }

    /// Gateway rule of the org, applied to its peers' TLS certificates.
    var gatewayPolicy: GatewayPolicy {
        guard kind == .peer, let gateway = spec.gateway, !gateway.services.isEmpty else { return GatewayPolicy() }
        return GatewayPolicy(rules: [
            GatewayRule(profile: "tls", type: "peer", services: gateway.services, namespace: gateway.namespace)
        ])
    }
}
