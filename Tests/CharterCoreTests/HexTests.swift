import CharterCore
import Testing

/// Hex as serials and key identifiers are stored: either case in, lower case out, odd lengths
/// padded, anything else refused.
@Suite struct HexTests {
    @Test(arguments: [
        ("", [UInt8]()), ("00", [0]), ("0aFf", [0x0a, 0xff]), ("abc", [0x0a, 0xbc]), ("1", [0x01]),
    ])
    func decodes(text: String, bytes: [UInt8]) {
        #expect(Hex.decode(text) == bytes)
    }

    @Test(arguments: ["0g", " 00", "0x00", "ab-c", "é"])
    func refusesWhatIsNotHex(text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test func serialsAreCanonical() {
        #expect(Hex.encode([0x00, 0xab, 0x01]) == "00ab01")
        #expect(Hex.canonicalSerial("00AB01") == "ab01")
        #expect(Hex.canonicalSerial(bytes: [0x00, 0x0a, 0xbc]) == "abc")
        #expect(Hex.canonicalSerial(bytes: [0, 0]) == "0")
        #expect(Hex.canonicalSerial("zz") == nil)
    }
}
