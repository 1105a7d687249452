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
            var run = 0  // start of the bytes not yet copied
            func escape(_ letter: UInt8) {
                out.append(UInt8(ascii: "\\"))
                out.append(letter)
            }
            while index < input.count {
                let byte = input[index]
                let isSeparator =
                    byte == 0xE2 && index + 2 < input.count && input[index + 1] == 0x80
                    && (input[index + 2] == 0xA8 || input[index + 2] == 0xA9)
                let needsEscape =
                    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                    || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
                guard needsEscape || isSeparator else {
                    index += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[run..<index]))
                switch byte {
                case UInt8(ascii: "\""): escape(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): escape(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): escape(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): escape(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): escape(UInt8(ascii: "t"))
                case 0xE2:
                    // U+2028 and U+2029, which JavaScript reads as line ends.
                    appendEscape(input[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                    index += 2
                default: appendEscape(UInt32(byte), to: &out)
                }
                index += 1
                run = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: input[run..<input.count]))
            out.append(UInt8(ascii: "\""))
            return out
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `\uXXXX`, lower-case hex as Go writes it.
    static func appendEscape(_ value: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8((value >> UInt32(shift)) & 0xF)
            out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }
}
