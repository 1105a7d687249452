// How a date is stored in SQLite: GRDB's text form, `yyyy-MM-dd HH:mm:ss.SSS` in UTC, written
// without a DateFormatter. GRDB formats every `Date` argument through one, which costs ICU's
// date-format set-up (its tables and code made resident) and a few microseconds per date; an
// enrollment's row has three.

import CharterCore
import Foundation
import GRDB

/// A date as Charter's SQLite registry stores and compares it.
struct StoredDate: DatabaseValueConvertible {
    let date: Date

    init(_ date: Date) {
        self.date = date
    }

    /// The same text GRDB's own `Date` encoding gives: Foundation's formatter rounds to the nearest
    /// millisecond, halves upwards; the calendar is proleptic Gregorian (see ``databaseValue``).
    var text: String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down))
        let (days, dayMilliseconds) = Self.floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = CivilDate.civil(fromDays: days)
        let seconds = dayMilliseconds / 1000
        return "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2)) "
            + "\(Self.pad(seconds / 3600, 2)):\(Self.pad(seconds / 60 % 60, 2)):\(Self.pad(seconds % 60, 2))"
            + ".\(Self.pad(dayMilliseconds % 1000, 3))"
    }

    var databaseValue: DatabaseValue {
        // Before 1583 Foundation's Gregorian calendar is Julian, and GRDB reads dates back with it;
        // past year 9999 (a far filter) the arithmetic below would leave 64 bits. GRDB's own there.
        Self.computed.contains(date) ? text.databaseValue : date.databaseValue
    }

    /// 1583-01-01T00:00:00Z up to 9999-12-31T23:59:59Z: where ``text`` is GRDB's text.
    static let computed = Date(timeIntervalSince1970: -12_212_553_600)...Date(timeIntervalSince1970: 253_402_300_799)

    static func fromDatabaseValue(_ value: DatabaseValue) -> StoredDate? {
        Date.fromDatabaseValue(value).map(StoredDate.init)
    }

    static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
