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

    /// The date moved into years 1 to 9999, the range RFC 3339 and the database write; a time
    /// filter far in the past or future means "from the beginning" or "to the end", not a trap.
    public static func clamp(_ date: Date) -> Date {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: min(max(seconds, -62_135_596_800), 253_402_300_799))
    }

    /// A time filter as fabric-ca-client writes its `--revocation` and `--expiration` windows: an
    /// RFC 3339 time, or a duration relative to `now` (`-30d`, `+1h`). nil for Go's zero time;
    /// throws a 400 for anything else. Results are clamped to years 1 to 9999.
    public static func parseFilter(_ text: String, now: Date) throws -> Date? {
        if let date = parse(text) { return isZero(date) ? nil : clamp(date) }
        let sign: Double = text.hasPrefix("-") ? -1 : 1
        let magnitude = text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard let duration = try? DurationText.parse(magnitude) else {
            throw CharterError(
                .invalidRequest,
                "'\(PathElement.printable(text))' is neither an RFC 3339 time nor a duration like -30d"
            )
        }
        return clamp(now.addingTimeInterval(sign * duration.timeInterval))
    }

    /// Go's zero time, year 1.
    public static func isZero(_ date: Date) -> Bool {
        date.timeIntervalSince1970 < -62_000_000_000
    }

    /// RFC 3339 in UTC, or Go's zero time for nil. Formatted by hand: a date formatter costs more
    /// to create than an audit spends on a certificate.
    public static func format(_ date: Date?) -> String {
        guard let date else { return "0001-01-01T00:00:00Z" }
        // Years 1 to 9999, the range RFC 3339 writes: anything else is clamped, never trapped on.
        var seconds = time_t(clamp(date).timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            parts.tm_year + 1900,
            parts.tm_mon + 1,
            parts.tm_mday,
            parts.tm_hour,
            parts.tm_min,
            parts.tm_sec
        )
    }
}
