// SQL for MySQL written as an interpolated string, where each interpolated value becomes a
// literal that cannot end early: text as `_utf8mb4 X'…'` (hex digits only, whatever the bytes and
// whatever the connection's character set), numbers as digits, dates as UTC text. Only
// `unescaped:` inserts text verbatim, and only Charter's own SQL fragments go there.

import Foundation

/// One SQL statement for the MySQL registry.
struct MySQLQuery: ExpressibleByStringInterpolation, Sendable {
    private(set) var sql: String

    init(stringLiteral value: String) {
        sql = value
    }

    /// Charter's own SQL text (schema statements), as it is.
    init(verbatim sql: String) {
        self.sql = sql
    }

    init(stringInterpolation: Interpolation) {
        sql = stringInterpolation.sql
    }

    struct Interpolation: StringInterpolationProtocol {
        var sql = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        mutating func appendInterpolation(_ value: String) {
            sql += MySQLQuery.literal(value)
        }

        mutating func appendInterpolation(_ value: String?) {
            sql += value.map(MySQLQuery.literal) ?? "NULL"
        }

        mutating func appendInterpolation(_ value: Int) {
            sql += String(value)
        }

        mutating func appendInterpolation(_ value: Bool) {
            sql += value ? "TRUE" : "FALSE"
        }

        mutating func appendInterpolation(_ value: Date) {
            sql += MySQLQuery.literal(value)
        }

        mutating func appendInterpolation(_ value: Date?) {
            sql += value.map(MySQLQuery.literal) ?? "NULL"
        }

        mutating func appendInterpolation(bytes value: [UInt8]) {
            sql += "X'" + MySQLQuery.hex(value) + "'"
        }

        mutating func appendInterpolation(unescaped value: String) {
            sql += value
        }
    }

    /// Text as a hex literal in utf8mb4 that takes the column's collation.
    static func literal(_ text: String) -> String {
        "_utf8mb4 X'" + hex(Array(text.utf8)) + "'"
    }

    /// A date as `DATETIME(6)` text in UTC, to the microsecond.
    static func literal(_ date: Date) -> String {
        "'" + MySQLDate.text(date) + "'"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
