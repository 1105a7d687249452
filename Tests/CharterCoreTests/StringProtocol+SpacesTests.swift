import CharterCore
import Foundation
import Testing

@Suite struct StringProtocolSpacesTests {
    @Test(arguments: [
        "", "   ", "peer0", "  peer0 ", "\tpeer0.org1\t", "a b", "\u{00A0}x\u{2003}", "line\n", "\n  x  \n",
        " é ", "\u{3000}全角\u{3000}",
    ])
    func trimsWhatFoundationCallsWhitespace(text: String) {
        #expect(text.trimmingSpaces == text.trimmingCharacters(in: .whitespaces))
        #expect(text[...].trimmingSpaces == text.trimmingCharacters(in: .whitespaces))
    }
}
