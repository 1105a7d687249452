import CharterCore
import Foundation
import Testing

@Suite struct DurationTextTests {
    @Test(
        arguments: [
            ("8760h", 8760.0 * 3600), ("5m", 300.0), ("1h30m", 5400.0), ("30s", 30.0), ("30d", 30 * 86_400.0),
            ("0", 0.0),
        ] as [(String, Double)]
    )
    func parsesGoDurations(text: String, seconds: Double) throws {
        #expect(try DurationText.parse(text).timeInterval == seconds)
    }

    @Test(arguments: ["", "h", "5x", "abc", "-"])
    func rejectsGarbage(text: String) {
        #expect(throws: CharterError.self) { try DurationText.parse(text) }
    }

    @Test(arguments: ["99999999999999d", "1e308h", "99999999999999999999999999999999h", "1000000000000h"])
    func outOfRangeIsAnErrorNotATrap(text: String) {
        #expect(throws: CharterError.self) { try DurationText.parse(text) }
    }

    @Test func timeFiltersAreRelativeOrAbsoluteAndClamped() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try GoTime.parseFilter("-1h", now: now) == now.addingTimeInterval(-3600))
        #expect(try GoTime.parseFilter("+30d", now: now) == now.addingTimeInterval(30 * 86_400))
        #expect(try GoTime.parseFilter("0001-01-01T00:00:00Z", now: now) == nil)
        #expect(try GoTime.parseFilter("2026-11-21T12:28:18Z", now: now) == GoTime.parse("2026-11-21T12:28:18Z"))
        let far = try #require(try GoTime.parseFilter("-3650000d", now: now))
        #expect(GoTime.format(far).hasPrefix("0001-01-01"))
        let error = #expect(throws: CharterError.self) { try GoTime.parseFilter("-99999999999999d", now: now) }
        #expect(error?.code.wire.httpStatus == 400)
    }

    @Test func formattingNeverTraps() {
        #expect(GoTime.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59Z")
        #expect(GoTime.format(Date(timeIntervalSince1970: -1e300)) == "0001-01-01T00:00:00Z")
        #expect(GoTime.format(Date(timeIntervalSince1970: .nan)) == "1970-01-01T00:00:00Z")
    }
}
