import CharterCore
import Testing

@Suite struct DecimalIntegerTests {
    @Test(arguments: [("0", 0), ("007", 7), ("65535", 65535), ("9223372036854775807", Int.max)])
    func digitsWithinTheBoundsAreRead(text: String, value: Int) {
        #expect(DecimalInteger.parse(text, in: 0...Int.max) == value)
    }

    @Test(arguments: [
        "", "-1", "+1", " 1", "1 ", "1e3", "0x10", "９", "9223372036854775808", String(repeating: "9", count: 400),
    ])
    func anythingElseIsRefusedWithoutTrapping(text: String) {
        #expect(DecimalInteger.parse(text, in: 0...Int.max) == nil)
    }

    @Test func theCallersBoundsAreExplicit() throws {
        #expect(DecimalInteger.parse("65536", in: 1...65535) == nil)
        #expect(DecimalInteger.parse("0", in: 1...65535) == nil)
        #expect(DecimalInteger.parse("0000000000000000000000001", in: 1...1) == 1)
        let error = #expect(throws: CharterError.self) { try DecimalInteger.require("300", in: 0...255, name: "width") }
        #expect(error?.code == .invalidRequest)
        #expect(try DecimalInteger.require("255", in: 0...255, name: "width") == 255)
    }
}
