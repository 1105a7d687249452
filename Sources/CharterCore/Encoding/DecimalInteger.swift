// Whole numbers written in decimal by someone Charter does not trust: a URL path or query, a
// header, a configuration value, a row of another tool's database. One parser, with the bounds
// stated by its caller, so no such number can overflow the arithmetic that follows it.

/// Parses non-negative decimal integers within explicit bounds.
public enum DecimalInteger {
    /// The value of `text` when it is one or more ASCII digits (no sign, no spaces; leading zeros
    /// allowed) whose value lies in `bounds`; nil otherwise, however long the text.
    ///
    /// Every digit goes through overflow-reporting arithmetic, so a number of any length is
    /// refused rather than trapping, and the caller's bounds make the arithmetic it does with
    /// the result safe to reason about.
    public static func parse(_ text: some StringProtocol, in bounds: ClosedRange<Int>) -> Int? {
        guard !text.utf8.isEmpty else { return nil }
        var value = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (next, carried) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflowed, !carried, next <= bounds.upperBound else { return nil }
            value = next
        }
        return bounds.contains(value) ? value : nil
    }

    /// ``parse(_:in:)`` for a value that must be there: throws a 400 naming `name` and the bounds.
    public static func require(_ text: (some StringProtocol)?, in bounds: ClosedRange<Int>, name: String) throws -> Int
    {
        guard let text, let value = parse(text, in: bounds) else {
            throw CharterError(
                .invalidRequest,
                "\(name) must be a whole number from \(bounds.lowerBound) to \(bounds.upperBound)"
            )
        }
        return value
    }
}
