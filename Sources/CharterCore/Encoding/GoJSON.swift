// JSON string literals exactly as Go's encoding/json writes them, for bytes that must match fabric-ca.

import Foundation

/// Go-compatible JSON string encoding.
public enum GoJSON {
    /// A JSON string literal with Go's encoding/json escaping (HTML-safe `<`, `>`, `&`).
    ///
    /// Works on UTF-8 bytes, copying runs that need no escape whole: listings quote every
    /// certificate they return, so this is on the path of every row.
    public static func quote(_ string: String) -> String {
        var text = string
        let bytes = text.withUTF8 { input in
            var out: [UInt8] = []
            out.reserveCapacity(input.count + input.count / 16 + 2)
            out.append(UInt8(ascii: "\""))
            var index = 0
            while index < input.count {
                let byte = input[index]
                switch byte {
                case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0..<0x20:
                    appendEscape(UInt32(byte), to: &out)
                case 0xE2
                where index + 2 < input.count && input[index + 1] == 0x80
                    && (input[index + 2] == 0xA8 || input[index + 2] == 0xA9):
                    // U+2028 and U+2029, which JavaScript reads as line ends.
                    appendEscape(input[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                    index += 2
                default:
                    out.append(byte)
                }
                index += 1
            }
            out.append(UInt8(ascii: "\""))
            return out
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `\uXXXX`, lower-case hex as Go writes it.
    static func appendEscape(_ value: UInt32, to out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out += [UInt8(ascii: "\\"), UInt8(ascii: "u")]
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(digits[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}
