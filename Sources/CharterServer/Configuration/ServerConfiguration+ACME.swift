// `acme:` — Charter's ACME server (RFC 8555) for a CA's TLS certificates.

import CharterCore

extension ServerConfiguration {
    /// Whether the CA serves ACME, to whom, for which names, and where challenges are checked.
    public struct ACME: Sendable, Codable {
        /// Serve `/acme/directory` (`/acme/<caname>/directory` for a named CA).
        public var enabled = false
        /// Require external account binding: every account then acts for a registered identity.
        public var eab = true
        /// The names ACME may issue for; `*` stands for one label.
        public var allow: [String] = []
        /// The DNS server challenge names are resolved through (`host:port`); empty: the system's.
        public var resolver = ""
        /// The port http-01 validation connects to.
        public var http01port = 80
        /// The port tls-alpn-01 validation connects to.
        public var tlsalpn01port = 443
        /// New orders one account may place per hour.
        public var ordersperhour = 300

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = ACME()
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
            eab = try c.decodeIfPresent(Bool.self, forKey: .eab) ?? d.eab
            allow = try c.decodeIfPresent([String]?.self, forKey: .allow).flatMap { $0 } ?? d.allow
            resolver = try c.decodeIfPresent(String.self, forKey: .resolver) ?? d.resolver
            http01port = try c.decodeIfPresent(Int.self, forKey: .http01port) ?? d.http01port
            tlsalpn01port = try c.decodeIfPresent(Int.self, forKey: .tlsalpn01port) ?? d.tlsalpn01port
            ordersperhour = try c.decodeIfPresent(Int.self, forKey: .ordersperhour) ?? d.ordersperhour
        }

        /// Refuses settings that would make ACME issue nothing or connect nowhere, at start.
        public func check() throws {
            guard enabled else { return }
            guard !allow.isEmpty else {
                throw CharterError(.configuration, "acme.allow is empty: list the names ACME may issue for")
            }
            for pattern in allow where !HostPolicy.isDNSName(pattern.replacingOccurrences(of: "*", with: "x")) {
                throw CharterError(.configuration, "acme.allow: '\(pattern)' is not a DNS name pattern")
            }
            for (key, port) in [("http01port", http01port), ("tlsalpn01port", tlsalpn01port)]
            where !(1...65535).contains(port) {
                throw CharterError(.configuration, "acme.\(key) must lie between 1 and 65535, not \(port)")
            }
            guard (1...1_000_000).contains(ordersperhour) else {
                throw CharterError(
                    .configuration,
                    "acme.ordersperhour must lie between 1 and 10^6, not \(ordersperhour)"
                )
            }
        }
    }
}
