// Times as Go's encoding/json writes them (RFC 3339, optional fractions), and Go's zero time,
// which fabric-ca clients send for "not set".

import Foundation

/// RFC 3339 times, Go style.
public enum GoTime {
    /// Parses `2026-11-21T12:28:18Z`, `…18.123Z` or `…18+01:00`.
    public static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// Go's zero time, year 1.
    public static func isZero(_ date: Date) -> Bool {
        date.timeIntervalSince1970 < -62_000_000_000
    }

    /// RFC 3339, or Go's zero time for nil.
    public static func format(_ date: Date?) -> String {
        guard let date else { return "0001-01-01T00:00:00Z" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
