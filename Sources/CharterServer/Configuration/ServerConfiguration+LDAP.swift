// fabric-ca's `ldap:` section: the directory that holds the CA's people, and how an entry becomes
// an identity (`attribute.names`, `converters`, `maps`).

import CharterCore
import CharterLDAP

extension ServerConfiguration {
    /// `ldap:` as fabric-ca reads it.
    public struct LDAP: Sendable, Codable {
        /// Enroll against the directory instead of the local registry.
        public var enabled = false
        /// `ldap[s]://<bind DN>:<password>@host[:port]/<base>`.
        public var url = ""
        /// The search for a user, `%s` standing for its name (escaped).
        public var userfilter = "(uid=%s)"
        /// fabric-ca's group search; fabric-ca 1.5 reads nothing with it either.
        public var groupfilter = "(memberUid=%s)"
        /// Trust for `ldaps://` and a client certificate.
        public var tls = ClientTLS()
        /// How an entry's attributes become the identity's.
        public var attribute = Attribute()

        /// Creates the default section (LDAP off).
        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = LDAP()
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? d.enabled
            url = try c.decodeIfPresent(String.self, forKey: .url) ?? d.url
            userfilter = try c.decodeIfPresent(String.self, forKey: .userfilter) ?? d.userfilter
            groupfilter = try c.decodeIfPresent(String.self, forKey: .groupfilter) ?? d.groupfilter
            tls = try c.decodeIfPresent(ClientTLS.self, forKey: .tls) ?? d.tls
            attribute = try c.decodeIfPresent(Attribute.self, forKey: .attribute) ?? d.attribute
        }

        /// The directory client this section describes; nil when LDAP is off. Checks the URL,
        /// the filter and every converter, so a mistake stops the start.
        public func directory(home: HomeFiles) throws -> LDAPDirectory? {
            guard enabled else { return nil }
            return LDAPDirectory(
                configuration: try LDAPDirectory.Configuration(
                    url: url,
                    userFilter: userfilter,
                    tls: LDAPTLSFiles(
                        certfiles: tls.certfiles.map(home.resolve),
                        clientCertfile: tls.client.certfile.isEmpty ? "" : home.resolve(tls.client.certfile),
                        clientKeyfile: tls.client.keyfile.isEmpty ? "" : home.resolve(tls.client.keyfile)
                    ),
                    attributeNames: attribute.names,
                    converters: attribute.converters.map { ($0.name, $0.value) },
                    maps: attribute.maps.mapValues { $0.map { ($0.name, $0.value) } }
                )
            )
        }
    }

    /// `ldap.attribute`.
    public struct Attribute: Sendable, Codable {
        /// Directory attributes requested and given to the identity as they are.
        public var names: [String] = []
        /// Fabric attributes computed from the entry.
        public var converters: [NameValue] = []
        /// Replacement tables for `map(…)`.
        public var maps: [String: [NameValue]] = [:]

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            names = try c.decodeIfPresent([String]?.self, forKey: .names).flatMap { $0 } ?? []
            // fabric-ca's sample leaves an entry with empty name and value: it stands for none.
            converters = (try c.decodeIfPresent([NameValue]?.self, forKey: .converters).flatMap { $0 } ?? [])
                .filter { !$0.name.isEmpty }
            maps = (try c.decodeIfPresent([String: [NameValue]?].self, forKey: .maps) ?? [:])
                .mapValues { ($0 ?? []).filter { !$0.name.isEmpty } }
        }
    }

    /// A `name`/`value` pair of `converters` and `maps`.
    public struct NameValue: Sendable, Codable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String?.self, forKey: .name).flatMap { $0 } ?? ""
            value = try c.decodeIfPresent(ScalarText?.self, forKey: .value).flatMap { $0 }?.text ?? ""
        }
    }
}
