import Foundation
import Testing

@testable import CharterImport

@Suite struct FabricCARegistryTests {
    /// The forms fabric-ca's SQLite, PostgreSQL and MySQL drivers leave, read by arithmetic.
    @Test(arguments: [
        ("2026-12-01 14:02:22", 1_796_133_742.0),
        ("2026-12-01 14:02:22+00:00", 1_796_133_742.0),
        ("2026-12-01T14:02:22Z", 1_796_133_742.0),
        ("2026-12-01 14:02:22.123456789+00:00", 1_796_133_742.0),
        ("2026-12-01 16:02:22+02:00", 1_796_133_742.0),
        ("2026-12-01 09:02:22-05:00", 1_796_133_742.0),
        ("2024-02-29 00:00:00", 1_709_164_800.0),
    ])
    func timesReadAsTheInstantTheyName(_ text: String, _ seconds: Double) {
        #expect(FabricCARegistry.time(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test(arguments: [
        "", "0001-01-01 00:00:00+00:00", "2026-13-01 00:00:00", "2026-12-01 24:00:00", "2026-12-01", "not a time",
        "2026-12-01 14:02:22+0200", "2026/12/01 14:02:22", "２026-12-01 14:02:22",
    ])
    func zeroAndMalformedTimesReadAsNever(_ text: String) {
        #expect(FabricCARegistry.time(text) == nil)
    }
}
