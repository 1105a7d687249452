// `db.datasource` for PostgreSQL, in the forms fabric-ca's configurations carry it: libpq's
// `key=value` list (`host=db port=5432 user=ca password=… dbname=fabric_ca sslmode=verify-full`)
// or a `postgres://user:password@host:port/dbname?sslmode=…` URL. libpq's multi-host form
// (`host=a,b port=5432,5433 target_session_attrs=read-write`) names a primary and its standbys.

import CharterCore
import Foundation

/// Where and how to reach a PostgreSQL database.
///
/// Parsed once at start, so a datasource that cannot work is a configuration error before the
/// server serves anything; ``redacted`` is the only form that is ever logged.
public struct PostgresDataSource: Sendable, Hashable {
    /// libpq's `sslmode` values that Charter honours.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS without checking the server's certificate (libpq's meaning of `require`).
        case require
        /// TLS, the server's certificate must chain to `db.tls.certfiles`.
        case verifyCA = "verify-ca"
        /// As `verify-ca`, and the certificate must name `host`.
        case verifyFull = "verify-full"
    }

    /// Server host name or address.
    public private(set) var host = "localhost"
    /// Server port.
    public private(set) var port = 5432
    /// Role to log in as.
    public var user = "postgres"
    /// The role's password, if it has one.
    public var password: String?
    /// Database name.
    public var database = "postgres"
    /// Transport security.
    public var sslMode = SSLMode.disable
    /// Every server, in the order libpq tries them: the first is ``host``/``port``.
    public var servers: [(host: String, port: Int)] {
        let each = ports.count == 1 ? Array(repeating: ports[0], count: hosts.count) : ports
        return zip(hosts, each).map { (host: $0, port: $1) }
    }
    /// libpq's `target_session_attrs`: which of the servers to use.
    public var targetSessionAttributes = TargetSessionAttributes.any

    /// libpq's `target_session_attrs` values that Charter honours.
    public enum TargetSessionAttributes: String, Sendable, Hashable, CaseIterable {
        /// The first server that answers.
        case any
        /// The first server that accepts writes: the primary, found again after a failover.
        case readWrite = "read-write"
    }

    /// Every host of a multi-host datasource (one for a plain one).
    var hosts: [String] = ["localhost"]
    /// Their ports: one for all, or one each.
    var ports: [Int] = [5432]

    /// True when `text` looks like a PostgreSQL datasource rather than a SQLite file name.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
            || text.split(whereSeparator: \.isWhitespace).contains { $0.hasPrefix("host=") || $0.hasPrefix("dbname=") }
    }

    /// Parses either form; an unknown key or `sslmode`, or a bad port, is a configuration error.
    public init(parsing text: String) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            try self.init(url: text)
        } else {
            try self.init(keywords: text)
        }
    }

    init(keywords text: String) throws {
        for (key, value) in try Self.pairs(text) {
            try set(key, value)
        }
        guard ports.count == 1 || ports.count == hosts.count else {
            throw CharterError(
                .configuration,
                "db.datasource: \(hosts.count) hosts need one port or \(hosts.count) ports, not \(ports.count)"
            )
        }
    }

    init(url text: String) throws {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw CharterError(.configuration, "db.datasource: '\(Self.redact(url: text))' is not a PostgreSQL URL")
        }
        try set("host", host)
        if let port = components.port { try set("port", String(port)) }
        if let user = components.user { self.user = user }
        password = components.password
        let path = components.path.drop { $0 == "/" }
        if !path.isEmpty { database = String(path) }
        for item in components.queryItems ?? [] {
            try set(item.name, item.value ?? "")
        }
    }

    mutating func set(_ key: String, _ value: String) throws {
        switch key {
        case "host":
            hosts = value.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard !hosts.contains(where: \.isEmpty) else {
                throw CharterError(.configuration, "db.datasource: host '\(value)' has an empty host")
            }
            host = hosts[0]
        case "port":
            ports = try value.split(separator: ",", omittingEmptySubsequences: false).map { text in
                guard let number = DecimalInteger.parse(text.trimmingSpaces, in: 1...65535) else {
                    throw CharterError(.configuration, "db.datasource: port '\(text)' is not a TCP port")
                }
                return number
            }
            port = ports[0]
        case "target_session_attrs":
            guard let attributes = TargetSessionAttributes(rawValue: value) else {
                throw CharterError(
                    .configuration,
                    "db.datasource: target_session_attrs '\(value)' is not one of \(TargetSessionAttributes.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            targetSessionAttributes = attributes
        case "user": user = value
        case "password": password = value
        case "dbname": database = value
        case "sslmode":
            guard let mode = SSLMode(rawValue: value) else {
                throw CharterError(
                    .configuration,
                    "db.datasource: sslmode '\(value)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            sslMode = mode
        case "connect_timeout", "application_name":
            break  // accepted as libpq does; the pool has its own timeouts
        default:
            throw CharterError(.configuration, "db.datasource: unknown key '\(key)'")
        }
    }

    /// libpq's keyword list: `key=value` separated by spaces; a value may be single-quoted with
    /// `\'` and `\\` escapes.
    static func pairs(_ text: String) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        var index = text.startIndex
        func skipSpaces() {
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
        }
        skipSpaces()
        while index < text.endIndex {
            guard let equals = text[index...].firstIndex(of: "=") else {
                throw CharterError(
                    .configuration,
                    "db.datasource: expected key=value near '\(text[index...].prefix(20))'"
                )
            }
            let key = text[index..<equals].trimmingSpaces
            index = text.index(after: equals)
            skipSpaces()
            var value = ""
            if index < text.endIndex, text[index] == "'" {
                index = text.index(after: index)
                var closed = false
                while index < text.endIndex {
                    let character = text[index]
                    index = text.index(after: index)
                    if character == "'" {
                        closed = true
                        break
                    }
                    if character == "\\", index < text.endIndex {
                        value.append(text[index])
                        index = text.index(after: index)
                    } else {
                        value.append(character)
                    }
                }
                guard closed else {
                    throw CharterError(.configuration, "db.datasource: unterminated quote in the value of '\(key)'")
                }
            } else {
                while index < text.endIndex, !text[index].isWhitespace {
                    value.append(text[index])
                    index = text.index(after: index)
                }
            }
            pairs.append((key, value))
            skipSpaces()
        }
        return pairs
    }

    /// The datasource without its password: the only form that goes to logs and errors.
    public var redacted: String {
        let attributes =
            targetSessionAttributes == .any ? "" : " target_session_attrs=\(targetSessionAttributes.rawValue)"
        return
            "host=\(hosts.joined(separator: ",")) port=\(ports.map(String.init).joined(separator: ",")) user=\(user)\(password == nil ? "" : " password=***") dbname=\(database) sslmode=\(sslMode.rawValue)\(attributes)"
    }

    static func redact(url text: String) -> String {
        guard var components = URLComponents(string: text) else { return "(unparsable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unparsable URL)"
    }
}
