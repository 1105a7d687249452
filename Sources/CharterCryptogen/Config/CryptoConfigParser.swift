// Reads crypto-config.yaml strictly: unknown keys, wrong types, missing domains and duplicate
// hosts are errors that name the line, so a typo never silently yields a different network.

import CharterCore
import Foundation
import Yams

/// Parses crypto-config.yaml text.
public enum CryptoConfigParser {
    /// The config in `text`; `source` names the file in error messages.
    public static func parse(_ text: String, source: String = "crypto-config.yaml") throws -> CryptoConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw CharterError(.configuration, "\(source): not valid YAML: \(error)")
        }
        guard let root else { throw CharterError(.configuration, "\(source) is empty") }
        let reader = Reader(source: source)
        let top = try reader.mapping(root, allowed: ["OrdererOrgs", "PeerOrgs"], context: "the top level")
        let config = CryptoConfig(
            ordererOrgs: try top["OrdererOrgs"].map { try reader.sequence($0, "OrdererOrgs").map(reader.org) } ?? [],
            peerOrgs: try top["PeerOrgs"].map { try reader.sequence($0, "PeerOrgs").map(reader.org) } ?? []
        )
        try reader.checkUnique(config)
        return config
    }

    struct Reader {
        let source: String

        func error(_ node: Node, _ message: String) -> CharterError {
            CharterError(.configuration, "\(source) line \(line(node)): \(message)")
        }

        func line(_ node: Node) -> Int { (node.mark?.line ?? 0) }

        func mapping(_ node: Node, allowed: Set<String>, context: String) throws -> [String: Node] {
            guard case .mapping(let mapping) = node else { throw error(node, "\(context) must be a mapping") }
            var result: [String: Node] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { throw error(key, "keys must be text") }
                guard allowed.contains(name) else {
                    throw error(
                        key,
                        "unknown key '\(name)' in \(context) (allowed: \(allowed.sorted().joined(separator: ", ")))"
                    )
                }
                result[name] = value
            }
            return result
        }

        func sequence(_ node: Node, _ name: String) throws -> [Node] {
            if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~"
            {
                return []
            }
            guard case .sequence(let items) = node else { throw error(node, "'\(name)' must be a list") }
            return Array(items)
        }

        func string(_ node: Node?, _ name: String) throws -> String? {
            guard let node else { return nil }
            guard case .scalar(let scalar) = node else { throw error(node, "'\(name)' must be text") }
            return scalar.string.isEmpty || scalar.string == "~" ? nil : scalar.string
        }

        /// Counts and starts are bounded: a config may not make the generator run out of memory or overflow.
        func int(_ node: Node?, _ name: String) throws -> Int? {
            guard let node else { return nil }
            guard let value = node.int else { throw error(node, "'\(name)' must be a whole number") }
            guard value >= 0 else { throw error(node, "'\(name)' may not be negative") }
            guard value <= CryptoConfig.maximumCount else {
                throw error(node, "'\(name)' may not exceed \(CryptoConfig.maximumCount)")
            }
            return value
        }

        func bool(_ node: Node?, _ name: String) throws -> Bool {
            guard let node else { return false }
            guard let value = node.bool else { throw error(node, "'\(name)' must be true or false") }
            return value
        }

        func strings(_ node: Node?, _ name: String) throws -> [String] {
            guard let node else { return [] }
            return try sequence(node, name).map { item in
                guard let text = try string(item, name) else { throw error(item, "empty entry in '\(name)'") }
                return text
            }
        }

        func org(_ node: Node) throws -> OrgSpec {
            let fields = try mapping(
                node,
                allowed: ["Name", "Domain", "EnableNodeOUs", "CA", "Specs", "Template", "Users", "Gateway"],
                context: "an organisation"
            )
            guard let domain = try string(fields["Domain"], "Domain") else {
                throw error(node, "organisation '\(try string(fields["Name"], "Name") ?? "?")' has no Domain")
            }
            var ca = CASpec()
            if let caNode = fields["CA"] {
                let c = try mapping(
                    caNode,
                    allowed: [
                        "Hostname", "CommonName", "Country", "Province", "Locality", "OrganizationalUnit",
                        "StreetAddress", "PostalCode", "PublicKeyAlgorithm",
                    ],
                    context: "CA"
                )
                ca.hostname = try string(c["Hostname"], "Hostname")
                ca.commonName = try string(c["CommonName"], "CommonName")
                ca.country = try string(c["Country"], "Country")
                ca.province = try string(c["Province"], "Province")
                ca.locality = try string(c["Locality"], "Locality")
                ca.organizationalUnit = try string(c["OrganizationalUnit"], "OrganizationalUnit")
                ca.streetAddress = try string(c["StreetAddress"], "StreetAddress")
                ca.postalCode = try string(c["PostalCode"], "PostalCode")
                ca.publicKeyAlgorithm = try algorithm(c["PublicKeyAlgorithm"])
            }
            let specs = try fields["Specs"].map { try sequence($0, "Specs").map(spec) } ?? []
            var template: NodeTemplate?
            if let t = fields["Template"] {
                let tf = try mapping(
                    t,
                    allowed: ["Count", "Start", "Hostname", "SANS", "PublicKeyAlgorithm"],
                    context: "Template"
                )
                template = NodeTemplate(
                    count: try int(tf["Count"], "Count") ?? 0,
                    start: try int(tf["Start"], "Start") ?? 0,
                    hostname: try string(tf["Hostname"], "Hostname"),
                    sans: try strings(tf["SANS"], "SANS"),
                    line: line(t)
                )
                template?.publicKeyAlgorithm = try algorithm(tf["PublicKeyAlgorithm"])
            }
            var users = 0
            var userAlgorithm = SigningKey.Algorithm.p256
            var adminAlgorithm = SigningKey.Algorithm.p256
            if let u = fields["Users"] {
                let uf = try mapping(
                    u,
                    allowed: ["Count", "PublicKeyAlgorithm", "AdminPublicKeyAlgorithm"],
                    context: "Users"
                )
                users = try int(uf["Count"], "Count") ?? 0
                userAlgorithm = try algorithm(uf["PublicKeyAlgorithm"])
                adminAlgorithm = try algorithm(uf["AdminPublicKeyAlgorithm"])
            }
            var gateway: GatewaySpec?
            if let g = fields["Gateway"] {
                let gf = try mapping(g, allowed: ["Services", "Namespace"], context: "Gateway")
                gateway = GatewaySpec(
                    services: try strings(gf["Services"], "Services"),
                    namespace: try string(gf["Namespace"], "Namespace")
                )
            }
            var org = OrgSpec(
                name: try string(fields["Name"], "Name") ?? domain,
                domain: domain,
                enableNodeOUs: try bool(fields["EnableNodeOUs"], "EnableNodeOUs"),
                ca: ca,
                specs: specs,
                template: template,
                userCount: users,
                gateway: gateway,
                line: line(node)
            )
            org.userAlgorithm = userAlgorithm
            org.adminAlgorithm = adminAlgorithm
            return org
        }

        /// Fabric 3's `PublicKeyAlgorithm`: `ecdsa` (the default, P-256) or `ed25519`.
        func algorithm(_ node: Node?) throws -> SigningKey.Algorithm {
            guard let node, let text = try string(node, "PublicKeyAlgorithm") else { return .p256 }
            switch text.lowercased() {
            case "ecdsa": return .p256
            case "ed25519": return .ed25519
            default:
                throw error(node, "'PublicKeyAlgorithm' is ecdsa or ed25519, not '\(text)'")
            }
        }

        func spec(_ node: Node) throws -> NodeSpec {
            let fields = try mapping(
                node,
                allowed: ["Hostname", "CommonName", "SANS", "PublicKeyAlgorithm"],
                context: "a Specs entry"
            )
            guard let hostname = try string(fields["Hostname"], "Hostname") else {
                throw error(node, "a Specs entry has no Hostname")
            }
            return NodeSpec(
                hostname: hostname,
                commonName: try string(fields["CommonName"], "CommonName"),
                sans: try strings(fields["SANS"], "SANS"),
                line: line(node),
                publicKeyAlgorithm: try algorithm(fields["PublicKeyAlgorithm"])
            )
        }

        func checkPathElement(_ name: String, _ what: String) throws {
            if let problem = PathElement.problem(with: name) {
                throw CharterError(
                    .configuration,
                    "\(what) '\(PathElement.printable(name))' cannot name a folder: \(problem)"
                )
            }
        }

        /// Domains are unique across the file; host names and CNs within an org; templates render.
        func checkUnique(_ config: CryptoConfig) throws {
            var domains: [String: Int] = [:]
            for (org, kind) in config.peerOrgs.map({ ($0, OrgKind.peer) })
                + config.ordererOrgs.map({ ($0, OrgKind.orderer) })
            {
                if let first = domains[org.domain] {
                    throw CharterError(
                        .configuration,
                        "\(source) line \(org.line): domain '\(org.domain)' is already used at line \(first)"
                    )
                }
                domains[org.domain] = org.line
                var names: [String: Int] = [:]
                do {
                    let plan = try OrgPlan(org, kind: kind)
                    // Each becomes a folder or file name: none may leave the output folder.
                    for (what, name) in [("Domain", org.domain), ("CA CommonName", plan.caCommonName)] {
                        try checkPathElement(name, what)
                    }
                    for node in plan.nodes {
                        try checkPathElement(node.hostname, "Hostname")
                        try checkPathElement(node.commonName, "CommonName")
                        if let first = names[node.commonName] {
                            throw CharterError(
                                .configuration,
                                "\(source) line \(node.line): duplicate host '\(node.commonName)' (also at line \(first))"
                            )
                        }
                        names[node.commonName] = node.line
                    }
                } catch let error as CharterError where !error.message.hasPrefix(source) {
                    throw CharterError(.configuration, "\(source) line \(org.line): \(error.message)")
                }
            }
        }
    }
}
