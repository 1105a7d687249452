import CharterCore
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
}
