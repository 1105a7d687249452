import Foundation
import GRDB
import Testing

@testable import CharterStore

@Suite struct StoredDateTests {
    /// Whatever the date, the text is GRDB's own, so rows written either way compare and sort alike.
    @Test func textIsGRDBsEncodingOfTheSameDate() {
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -0.0005),
            Date(timeIntervalSince1970: -0.0006), Date(timeIntervalSince1970: 0.0006),
            Date(timeIntervalSince1970: 1.9996),
            Date(timeIntervalSince1970: -1.0006), Date(timeIntervalSince1970: 1_700_000_000.9996),
            Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 253_402_300_799.999),  // 9999-12-31 23:59:59.999
            Date(timeIntervalSince1970: -2_203_891_200),  // 1900-02-28
            StoredDate.computed.lowerBound, StoredDate.computed.lowerBound.addingTimeInterval(-86_400 * 400),
            StoredDate.computed.upperBound, Date(timeIntervalSince1970: -62_135_596_800),  // 0001-01-01
            Date(timeIntervalSince1970: 1e15), Date(timeIntervalSince1970: -1e15), .distantFuture, .distantPast,
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            dates.append(
                Date(timeIntervalSince1970: Double.random(in: -12_212_553_600...253_402_300_799, using: &generator))
            )
        }
        for date in dates {
            #expect(StoredDate(date).databaseValue == date.databaseValue, "\(date.timeIntervalSince1970)")
        }
    }

    @Test func readsBackTheDateToTheMillisecond() {
        let date = Date(timeIntervalSince1970: 1_796_170_000.123)
        let stored = StoredDate.fromDatabaseValue(StoredDate(date).databaseValue)
        #expect(stored.map { abs($0.date.timeIntervalSince(date)) < 0.001 } == true)
    }
}
