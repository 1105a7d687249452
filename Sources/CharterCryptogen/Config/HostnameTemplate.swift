// The tiny subset of Go's text/template that crypto-config.yaml uses: `{{.Field}}` substitutions.

import CharterCore

/// Renders `{{.Name}}` placeholders.
public enum HostnameTemplate {
    /// Replaces each `{{ .Field }}` by its value; an unknown field or an unclosed `{{` is an error,
    /// and so is a `}}` after the last placeholder.
    public static func render(_ text: String, _ values: [String: String]) throws -> String {
        // Bytes, not String searches: cryptogen renders a few names per node, thousands per run.
        let bytes = Array(text.utf8)
        func pair(_ byte: UInt8, from start: Int) -> Int? {
            var index = start
            while index + 1 < bytes.count {
                if bytes[index] == byte && bytes[index + 1] == byte { return index }
                index += 1
            }
            return nil
        }
        var output: [UInt8] = []
        var rest = 0
        while let open = pair(UInt8(ascii: "{"), from: rest) {
            output += bytes[rest..<open]
            guard let close = pair(UInt8(ascii: "}"), from: open + 2) else {
                throw CharterError(.configuration, "unclosed '{{' in template '\(text)'")
            }
            let field = String(decoding: bytes[(open + 2)..<close], as: UTF8.self).trimmingSpaces
            guard field.hasPrefix("."), let value = values[String(field.dropFirst())] else {
                let known = values.keys.sorted().map { "{{.\($0)}}" }.joined(separator: ", ")
                throw CharterError(
                    .configuration,
                    "unknown placeholder '{{\(field)}}' in template '\(text)' (known here: \(known))"
                )
            }
            output += value.utf8
            rest = close + 2
        }
        if pair(UInt8(ascii: "}"), from: rest) != nil {
            throw CharterError(.configuration, "stray '}}' in template '\(text)'")
        }
        return String(decoding: output + bytes[rest...], as: UTF8.self)
    }
}
