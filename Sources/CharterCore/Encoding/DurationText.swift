// Durations written the way Go and fabric-ca configs write them: `8760h`, `5m`, `1h30m`, `90s`.

import Foundation

/// Parses and prints Go-style duration strings.
public enum DurationText {
    /// The longest duration accepted, 10,000 years: beyond it dates leave what X.509 and the
    /// database can hold, and the arithmetic would overflow.
    public static let maximumSeconds: Double = 10_000 * 366 * 86_400

    /// The duration of a Go duration string; also accepts `d` for days (`30d`) as fabric-ca-client's
    /// time filters do. Throws a configuration error naming the text, also when it is longer than
    /// ``maximumSeconds``: the text may come from a request, so no value may trap.
    public static func parse(_ text: String) throws -> Duration {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw invalid(text) }
        if trimmed == "0" { return .zero }
        var total = 0.0
        var number = ""
        var unit = ""
        var sawTerm = false
        func flush() throws {
            guard let value = Double(number), value.isFinite else { throw invalid(text) }
            let factor: Double
            switch unit {
            case "ns": factor = 1e-9
            case "us", "µs": factor = 1e-6
            case "ms": factor = 1e-3
            case "s": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            case "d": factor = 86400
            default: throw invalid(text)
            }
            total += value * factor
            number = ""
            unit = ""
            sawTerm = true
        }
        for char in trimmed {
            if char.isNumber || char == "." {
                if !unit.isEmpty { try flush() }
                number.append(char)
            } else {
                guard !number.isEmpty else { throw invalid(text) }
                unit.append(char)
            }
        }
        if !number.isEmpty || !unit.isEmpty { try flush() }
        guard sawTerm else { throw invalid(text) }
        guard total.isFinite, total <= maximumSeconds else {
            throw CharterError(.configuration, "'\(text)' is longer than 10000 years")
        }
        return .milliseconds(Int64((total * 1000).rounded()))
    }

    static func invalid(_ text: String) -> CharterError {
        CharterError(.configuration, "'\(text)' is not a duration (examples: 8760h, 5m, 1h30m, 30s)")
    }
}
