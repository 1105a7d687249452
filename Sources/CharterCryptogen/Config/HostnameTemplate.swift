// The tiny subset of Go's text/template that crypto-config.yaml uses: `{{.Field}}` substitutions.

import CharterCore

/// Renders `{{.Name}}` placeholders.
public enum HostnameTemplate {
    /// Replaces each `{{ .Field }}` by its value; an unknown field or an unclosed `{{` is an error.
    public static func render(_ text: String, _ values: [String: String]) throws -> String {
        var output = ""
        var rest = Substring(text)
        // Searched as UTF-8: Foundation's `range(of:)` goes through NSString on Linux.
        while let open = rest.utf8.firstRange(of: "{{".utf8) {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].utf8.firstRange(of: "}}".utf8) else {
                throw CharterError(.configuration, "unclosed '{{' in template '\(text)'")
            }
            let field = rest[open.upperBound..<close.lowerBound].trimmingSpaces
            guard field.hasPrefix("."), let value = values[String(field.dropFirst())] else {
                let known = values.keys.sorted().map { "{{.\($0)}}" }.joined(separator: ", ")
                throw CharterError(
                    .configuration,
                    "unknown placeholder '{{\(field)}}' in template '\(text)' (known here: \(known))"
                )
            }
            output += value
            rest = rest[close.upperBound...]
        }
        if rest.utf8.firstRange(of: "}}".utf8) != nil {
            throw CharterError(.configuration, "stray '}}' in template '\(text)'")
        }
        return output + rest
    }
}
