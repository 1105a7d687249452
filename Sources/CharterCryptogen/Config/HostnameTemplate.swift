// The tiny subset of Go's text/template that crypto-config.yaml uses: `{{.Field}}` substitutions.

import CharterCore
import Foundation

/// Renders `{{.Name}}` placeholders.
public enum HostnameTemplate {
    /// Replaces each `{{ .Field }}` by its value; an unknown field or an unclosed `{{` is an error.
    public static func render(_ text: String, _ values: [String: String]) throws -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw CharterError(.configuration, "unclosed '{{' in template '\(text)'")
            }
            let field = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
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
        if rest.contains("}}") {
            throw CharterError(.configuration, "stray '}}' in template '\(text)'")
        }
        return output + rest
    }
}
