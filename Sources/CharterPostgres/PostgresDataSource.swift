// `db.datasource` for PostgreSQL, in the forms fabric-ca's configurations carry it: libpq's
// `key=value` list (`host=db port=5432 user=ca password=… dbname=fabric_ca sslmode=verify-full`)
// or a `postgres://user:password@host:port/dbname?sslmode=…` URL.

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
    public var host = "localhost"
    /// Server port.
    public var port = 5432
    /// Role to log in as.
    public var user = "postgres"
    /// The role's password, if it has one.
    public var password: String?
    /// Database name.
    public var database = "postgres"
    /// Transport security.
    public var sslMode = SSLMode.disable

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
    }

    init(url text: String) throws {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw CharterError(.configuration, "db.datasource: '\(Self.redact(url: text))' is not a PostgreSQL URL")
        }
        self.host = host
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
        case "host": host = value
        case "port":
            guard let number = DecimalInteger.parse(value, in: 1...65535) else {
                throw CharterError(.configuration, "db.datasource: port '\(value)' is not a TCP port")
            }
            port = number
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
        "host=\(host) port=\(port) user=\(user)\(password == nil ? "" : " password=***") dbname=\(database) sslmode=\(sslMode.rawValue)"
    }

    static func redact(url text: String) -> String {
        guard var components = URLComponents(string: text) else { return "(unparsable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unparsable URL)"
    }
}
