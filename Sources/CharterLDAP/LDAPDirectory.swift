// The LDAP registry as fabric-ca 1.5 reads it: a user is found with `userfilter` under the URL's
// base (as the URL's bind DN), authenticated by binding as the DN found, and becomes an identity of
// type `client` whose affiliation is the DN's `OU=` elements (top first) and whose attributes are
// the configured attribute names and converters. Where fabric-ca is wrong, Charter is not: an empty
// password is refused before the directory is asked (the directory would take it as an anonymous
// bind and say yes), the user name is escaped in the filter, and every call ends within its
// time limit.
//
// Connections bound as the bind DN are pooled; a user's bind takes a connection of its own, closed
// after it. The blocking library calls run on the directory's own small thread pool, never on the
// event loops nor the pool bcrypt uses.

import CharterCore
import Foundation
import NIOPosix
import Synchronization

/// A user found in the directory.
public struct LDAPUser: Sendable, Hashable {
    /// The enrollment ID, as the client gave it.
    public var name: String
    /// The entry's distinguished name.
    public var dn: String
    /// The DN's `OU=` elements, top first.
    public var affiliationPath: [String]
    /// The configured attributes, by name.
    public var attributes: [IdentityAttribute]

    /// The identity Charter acts on: type `client`, the OU path as affiliation, no enrollment
    /// limit, no attribute in certificates unless asked for (as fabric-ca does for LDAP users).
    public var identity: Identity {
        Identity(
            id: name,
            type: "client",
            affiliation: affiliationPath.joined(separator: "."),
            attributes: attributes,
            maxEnrollments: -1,
            secretHash: ""
        )
    }
}

/// One directory and its connections.
public final class LDAPDirectory: Sendable {
    /// What the `ldap:` section configures.
    public struct Configuration: Sendable {
        public var url: LDAPURL
        public var userFilter: String
        public var tls: LDAPTLSFiles
        /// `attribute.names`: requested on every search and given to the identity as they are.
        public var attributeNames: [String]
        /// `attribute.converters`, parsed.
        public var converters: [(name: String, expression: ConverterExpression)]
        /// `attribute.maps`, by lower-case name.
        public var maps: [String: [(name: String, value: String)]]
        /// The longest any single directory call may take.
        public var timeout: Duration

        /// Creates a configuration; converters are parsed here, so a bad one stops the start.
        public init(
            url: String,
            userFilter: String,
            tls: LDAPTLSFiles,
            attributeNames: [String],
            converters: [(name: String, value: String)],
            maps: [String: [(name: String, value: String)]],
            timeout: Duration = .seconds(10)
        ) throws {
            self.url = try LDAPURL(parsing: url)
            self.userFilter = userFilter.isEmpty ? "(uid=%s)" : userFilter
            guard self.userFilter.contains("%s") else {
                throw CharterError(.configuration, "ldap.userfilter must contain %s, where the user name goes")
            }
            guard tls.certfiles.count <= 1 else {
                throw CharterError(.configuration, "ldap.tls.certfiles: give one file holding every root certificate")
            }
            self.tls = tls
            self.attributeNames = attributeNames
            self.converters = try converters.map {
                ($0.name, try ConverterExpression(parsing: $0.value, attribute: $0.name))
            }
            self.maps = Dictionary(maps.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
            self.timeout = timeout
        }
    }

    public let configuration: Configuration
    /// ``searchAttributes(_:)`` of the configuration, worked out once.
    let searchAttributes: [String]
    let idle = Mutex<[LDAPConnection]>([])
    let threads: NIOThreadPool
    /// Connections kept open between requests.
    static let idleLimit = 4

    /// Creates the directory client; no connection is made until the first request.
    public init(configuration: Configuration) {
        self.configuration = configuration
        searchAttributes = Self.searchAttributes(configuration)
        threads = NIOThreadPool(numberOfThreads: 4)
        threads.start()
    }

    deinit {
        threads.shutdownGracefully { _ in }
    }

    /// The user `name` after a bind with `password` succeeded. A wrong or empty password, or a
    /// name the filter does not find exactly once, is an authentication failure.
    public func authenticate(_ name: String, password: String) async throws -> LDAPUser {
        guard !password.isEmpty else {
            throw CharterError.authentication("Empty password for '\(name)': an LDAP bind without one is anonymous")
        }
        let (user, entry) = try await find(name)
        let configuration = self.configuration
        try await run {
            let connection = try LDAPConnection(
                url: configuration.url,
                tls: configuration.tls,
                timeout: configuration.timeout
            )
            try connection.bind(dn: entry.dn, password: password)
        }
        return user
    }

    /// The user `name`, without a password (a token's caller, a revocation's target).
    public func lookup(_ name: String) async throws -> LDAPUser {
        try await find(name).0
    }

    /// Binds as the URL's DN: whether the directory answers.
    public func ping() async throws {
        try await withAdminConnection { _ in }
    }

    func find(_ name: String) async throws -> (LDAPUser, LDAPEntry) {
        let configuration = self.configuration
        let filter = LDAPFilter.filter(configuration.userFilter, name: name)
        let entries = try await withAdminConnection { [searchAttributes] connection in
            try connection.search(
                base: configuration.url.base,
                filter: filter,
                attributes: searchAttributes,
                limit: 2
            )
        }
        guard let entry = entries.first else {
            throw CharterError.authentication("User '\(name)' does not exist in the LDAP directory")
        }
        guard entries.count == 1 else {
            throw CharterError.authentication("Several entries of the LDAP directory match '\(name)'")
        }
        return (try user(name, entry), entry)
    }

    /// The attributes every search asks for: the configured names and those the converters'
    /// `attr(…)` read; none named means all of them.
    static func searchAttributes(_ configuration: Configuration) -> [String] {
        func names(_ expression: ConverterExpression) -> [String] {
            switch expression {
            case .call("attr", let arguments):
                if case .literal(.string(let name)) = arguments.first { return [name] }
                return arguments.flatMap(names)
            case .call(_, let arguments), .list(let arguments): return arguments.flatMap(names)
            case .unary(_, let operand): return names(operand)
            case .binary(_, let left, let right): return names(left) + names(right)
            case .literal, .variable: return []
            }
        }
        guard !configuration.attributeNames.isEmpty else { return [] }
        return configuration.attributeNames + configuration.converters.flatMap { names($0.expression) }
    }

    /// The identity facts of an entry, as fabric-ca derives them.
    func user(_ name: String, _ entry: LDAPEntry) throws -> LDAPUser {
        let path = entry.dn.split(separator: ",").reversed().compactMap { part -> String? in
            let trimmed = part.trimmingSpaces
            guard trimmed.uppercased().hasPrefix("OU=") else { return nil }
            return String(trimmed.dropFirst(3)).trimmingSpaces
        }
        let context = ConverterContext(
            dn: entry.dn,
            affiliation: path,
            attributes: entry.attributes,
            maps: configuration.maps
        )
        var attributes = configuration.attributeNames.map { attribute in
            IdentityAttribute(name: attribute, value: context.values(of: attribute).joined(separator: ","))
        }
        for (attribute, expression) in configuration.converters {
            attributes.removeAll { $0.name == attribute }
            attributes.append(IdentityAttribute(name: attribute, value: try expression.evaluate(context).text))
        }
        return LDAPUser(name: name, dn: entry.dn, affiliationPath: path, attributes: attributes)
    }

    /// Runs `body` with a connection bound as the URL's DN, returned to the pool after success.
    func withAdminConnection<T: Sendable>(_ body: @escaping @Sendable (LDAPConnection) throws -> T) async throws -> T {
        let configuration = self.configuration
        let pooled = idle.withLock { $0.popLast() }
        return try await run { [self] in
            func keep(_ connection: LDAPConnection) {
                self.idle.withLock { connections in
                    if connections.count < Self.idleLimit { connections.append(connection) }
                }
            }
            // A pooled connection the directory has closed (a restart, an idle timeout) fails
            // once; the call is then made on a new one, as fabric-ca does.
            if let pooled, let result = try? body(pooled) {
                keep(pooled)
                return result
            }
            let connection = try LDAPConnection(
                url: configuration.url,
                tls: configuration.tls,
                timeout: configuration.timeout
            )
            if !configuration.url.bindDN.isEmpty {
                try connection.bind(dn: configuration.url.bindDN, password: configuration.url.bindPassword)
            }
            let result = try body(connection)
            keep(connection)
            return result
        }
    }

    /// Runs a blocking call on the directory's threads; its error (or the pool's) is thrown.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threads.runIfActive(body)
    }
}
