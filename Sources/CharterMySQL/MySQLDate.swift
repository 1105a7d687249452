// `DATETIME(6)` values in UTC, written and read by arithmetic on the proleptic Gregorian calendar
// (CivilDate), as the SQLite registry's dates are.

import CharterCore
import Foundation

enum MySQLDate {
    /// `YYYY-MM-DD HH:MM:SS.ffffff` for `date`, to the nearest microsecond.
    static func text(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        // DATETIME holds years 1000 to 9999: clamp outside that (never issued, but never a trap).
        let total = Int64(max(-30_610_224_000_000_000, min(253_402_300_799_000_000, micros)))
        var days = total / 86_400_000_000
        var rest = total % 86_400_000_000
        if rest < 0 {
            rest += 86_400_000_000
            days -= 1
        }
        let (year, month, day) = CivilDate.civil(fromDays: days)
        let seconds = rest / 1_000_000
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(rest % 1_000_000)
        return
            "\(year)-\(two(month))-\(two(day)) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))."
            + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// `date` as the database keeps it (to the microsecond): what a read of it returns.
    static func stored(_ date: Date) -> Date? {
        parse(Array(text(date).utf8))
    }

    /// The date in `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC); nil for anything else.
    static func parse(_ bytes: [UInt8]) -> Date? {
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A,
            bytes[16] == 0x3A, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var micros: Int64 = 0
        if bytes.count > 19 {
            guard bytes[19] == 0x2E, bytes.count <= 26, let fraction = number(20..<bytes.count) else { return nil }
            micros = fraction * [1, 100_000, 10_000, 1_000, 100, 10, 1][bytes.count - 20]
        }
        let days = CivilDate.days(year: year, month: month, day: day)
        let total = ((days * 24 + hour) * 60 + minute) * 60 + second
        return Date(timeIntervalSince1970: Double(total) + Double(micros) / 1_000_000)
    }
}
