// JSON string literals exactly as Go's encoding/json writes them, for bytes that must match fabric-ca.

import Foundation

/// Go-compatible JSON string encoding.
public enum GoJSON {
    /// A JSON string literal with Go's encoding/json escaping (HTML-safe `<`, `>`, `&`).
    public static func quote(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += String(format: "\\u%04x", scalar.value)
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
}
