// `db.datasource` for MySQL, in the form fabric-ca's configurations carry it: the Go driver's
// `user:password@tcp(host:port)/dbname?parseTime=true&tls=custom`. The last `/` starts the
// database name and the last `@` before it ends the credentials, so a password may hold either.

import CharterCore
import Foundation

/// Where and how to reach a MySQL or MariaDB database.
///
/// Parsed once at start, so a datasource that cannot work is a configuration error before the
/// server serves anything; ``redacted`` is the only form that is ever logged.
public struct MySQLDataSource: Sendable, Hashable {
    /// The Go driver's `tls` parameter, as fabric-ca passes it on.
    public enum TLSMode: Sendable, Hashable {
        /// Plain TCP (`tls=false` or no `tls`).
        case disable
        /// TLS; the server's certificate must chain to the system roots and name the host (`tls=true`).
        case verifyFull
        /// TLS without checking the server's certificate (`tls=skip-verify`, `tls=preferred`).
        case skipVerify
        /// TLS with `db.tls`'s roots and client pair, verified (`tls=custom`, fabric-ca's registered name).
        case custom
    }

    /// Account to log in as.
    public var user = "root"
    /// The account's password, if it has one.
    public var password: String?
    /// Server host name or address (`tcp(…)`), unless ``socket`` is set.
    public var host = "127.0.0.1"
    /// Server port.
    public var port = 3306
    /// A Unix socket path (`unix(…)`), instead of TCP.
    public var socket: String?
    /// Database name: created when missing, as fabric-ca does.
    public var database = ""
    /// Transport security.
    public var tls = TLSMode.disable
    /// Time limit to connect (`timeout`).
    public var connectTimeout: Duration = .seconds(5)
    /// Time limit for one read or write on the connection (`readTimeout`, `writeTimeout`).
    public var ioTimeout: Duration = .seconds(10)

    /// True when `text` looks like a MySQL datasource rather than a SQLite file name or a
    /// PostgreSQL datasource (`charter audit --db`).
    public static func isMySQL(_ text: String) -> Bool {
        text.contains("@tcp(") || text.contains("@unix(") || text.hasPrefix("tcp(") || text.hasPrefix("unix(")
    }

    /// Parses the Go driver's datasource form.
    public init(parsing text: String) throws {
        func refuse(_ why: String) -> CharterError {
            CharterError(
                .configuration,
                "db.datasource for MySQL \(why); expected user:password@tcp(host:port)/dbname?parseTime=true"
            )
        }
        guard let slash = text.lastIndex(of: "/") else { throw refuse("has no /dbname") }
        let head = text[..<slash]
        var tail = text[text.index(after: slash)...]
        var query = ""
        if let question = tail.firstIndex(of: "?") {
            query = String(tail[tail.index(after: question)...])
            tail = tail[..<question]
        }
        // fabric-ca's own rule for the name, which Charter also puts into CREATE DATABASE.
        guard !tail.isEmpty, tail.utf8.count <= 64,
            tail.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "$_".unicodeScalars.contains($0))
            })
        else {
            throw refuse("names database '\(tail)': use letters, digits, $ and _ (at most 64)")
        }
        database = String(tail)
        var address = head
        if let at = head.lastIndex(of: "@") {
            let credentials = head[..<at]
            address = head[head.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon])
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                user = String(credentials)
            }
        }
        guard !user.isEmpty else { throw refuse("has an empty user name") }
        try parseAddress(address, refuse)
        for parameter in query.split(separator: "&") {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw refuse("has parameter '\(parameter)' without a value") }
            try apply(pair[0], pair[1].removingPercentEncoding ?? pair[1], refuse)
        }
    }

    private mutating func parseAddress(_ address: Substring, _ refuse: (String) -> CharterError) throws {
        guard !address.isEmpty else { return }  // the driver's default, tcp(127.0.0.1:3306)
        guard let open = address.firstIndex(of: "("), address.last == ")" else {
            guard address == "tcp" else { throw refuse("has address '\(address)': use tcp(host:port) or unix(path)") }
            return
        }
        let network = address[..<open]
        let inside = address[address.index(after: open)..<address.index(before: address.endIndex)]
        switch network {
        case "tcp":
            var hostPart = inside
            if let colon = inside.lastIndex(of: ":"), !inside.hasSuffix("]") {
                hostPart = inside[..<colon]
                guard let number = DecimalInteger.parse(inside[inside.index(after: colon)...], in: 1...65535) else {
                    throw refuse("has port '\(inside[inside.index(after: colon)...])': use 1 to 65535")
                }
                port = number
            }
            if hostPart.hasPrefix("[") && hostPart.hasSuffix("]") { hostPart = hostPart.dropFirst().dropLast() }
            if !hostPart.isEmpty { host = String(hostPart) }
        case "unix":
            guard !inside.isEmpty else { throw refuse("has an empty unix() socket path") }
            socket = String(inside)
        default:
            throw refuse("has network '\(network)': use tcp or unix")
        }
    }

    private mutating func apply(_ name: String, _ value: String, _ refuse: (String) -> CharterError) throws {
        switch name {
        case "parseTime", "charset", "loc":
            // Charter always reads times as times, talks utf8mb4 and stores UTC.
            break
        case "tls":
            switch value.lowercased() {
            case "false": tls = .disable
            case "true": tls = .verifyFull
            case "skip-verify", "preferred": tls = .skipVerify
            default: tls = .custom  // a name registered from db.tls, as fabric-ca's `custom`
            }
        case "timeout":
            connectTimeout = try Self.duration(value) ?? { throw refuse("has timeout '\(value)': use e.g. 5s") }()
        case "readTimeout", "writeTimeout":
            ioTimeout = try Self.duration(value) ?? { throw refuse("has \(name) '\(value)': use e.g. 10s") }()
        default:
            throw refuse("has parameter '\(name)', which Charter does not implement")
        }
    }

    /// A Go duration of whole seconds or milliseconds (`5s`, `1500ms`, `1m`), at least one second.
    static func duration(_ text: String) -> Duration? {
        let units: [(String, Int)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            guard let count = DecimalInteger.parse(text.dropLast(suffix.count), in: 0...86_400_000) else { return nil }
            let total = count.multipliedReportingOverflow(by: milliseconds)
            guard !total.overflow, total.partialValue >= 1000 else { return nil }
            return .milliseconds(total.partialValue)
        }
        return nil
    }

    /// The datasource as it may be logged: the password never is.
    public var redacted: String {
        let credentials = user + (password == nil ? "" : ":***")
        let address = socket.map { "unix(\($0))" } ?? "tcp(\(host):\(port))"
        return "\(credentials)@\(address)/\(database)"
    }
}
