import CharterCore
import Foundation
import Testing

@Suite struct GoJSONTests {
    @Test func escapesWhatGoEscapes() {
        #expect(
            GoJSON.quote("a\"b\\c\n\r\t<>&\u{2028}\u{2029}\u{1}\u{1F}é😀\u{7F}")
                == #""a\"b\\c\n\r\t\u003c\u003e\u0026\u2028\u2029\u0001\u001fé😀\#u{7F}""#
        )
        #expect(GoJSON.quote("") == #""""#)
        #expect(GoJSON.quote("\u{2027}\u{202A}") == "\"\u{2027}\u{202A}\"")
    }

    /// The byte-wise encoder against the plain per-scalar rule, on random text of every kind.
    @Test func agreesWithThePerScalarRuleOnRandomText() {
        func reference(_ string: String) -> String {
            var out = "\""
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "<", ">", "&", "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", scalar.value)
                default:
                    if scalar.value < 0x20 {
                        out += String(format: "\\u%04x", scalar.value)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        let alphabet: [Unicode.Scalar] = [
            "a", "\"", "\\", "\n", "<", "&", "\u{0}", "\u{1F}", "\u{2028}", "\u{2029}", "\u{2020}", "é", "😀", "\u{E2}",
            "\u{80}",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var string = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...20, using: &generator) {
                string.append(alphabet.randomElement(using: &generator) ?? "a")
            }
            #expect(GoJSON.quote(String(string)) == reference(String(string)))
        }
    }
}
