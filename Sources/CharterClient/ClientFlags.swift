// fabric-ca-client's compact flag syntaxes: `--csr.names C=US,ST=…`, `--id.attrs
// '"hf.Registrar.Roles=peer,client",foo=bar:ecert'`, `--enrollment.attrs hf.Type,foo:opt`.

import CharterCore
import Foundation

/// Parsers for the list-valued flags.
public enum ClientFlags {
    /// Splits on commas outside double quotes and removes the quotes.
    public static func split(_ text: String) throws -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            switch character {
            case "\"": quoted.toggle()
            case "," where !quoted:
                parts.append(current)
                current = ""
            default: current.append(character)
            }
        }
        guard !quoted else { throw CharterError(.invalidRequest, "Unbalanced double quote in '\(text)'") }
        parts.append(current)
        return parts.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }

    /// `name=value[:ecert]` entries.
    public static func identityAttributes(_ text: String) throws -> [IdentityAttribute] {
        try split(text).map { entry in
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw CharterError(
                    .invalidRequest,
                    "Attribute '\(entry)' is not name=value[:ecert] (in --id.attrs '\(text)')"
                )
            }
            var value = String(entry[entry.index(after: equals)...])
            var ecert = false
            if value.hasSuffix(":ecert") {
                value.removeLast(":ecert".count)
                ecert = true
            }
            return IdentityAttribute(name: String(entry[..<equals]), value: value, ecert: ecert)
        }
    }

    /// `name[:opt]` entries.
    public static func attributeRequests(_ text: String) throws -> [AttributeRequest] {
        try split(text).map { entry in
            if entry.hasSuffix(":opt") { return AttributeRequest(name: String(entry.dropLast(4)), optional: true) }
            guard !entry.contains(":") else {
                throw CharterError(.invalidRequest, "Attribute request '\(entry)' is not name[:opt]")
            }
            return AttributeRequest(name: entry, optional: false)
        }
    }

    /// `C=US,ST=…,L=…,O=…,OU=…` subject names.
    public static func names(_ text: String) throws -> [(String, String)] {
        try split(text).map { entry in
            guard let equals = entry.firstIndex(of: "=") else {
                throw CharterError(.invalidRequest, "Name '\(entry)' is not KEY=value (keys: C, ST, L, O, OU)")
            }
            let key = entry[..<equals].uppercased()
            guard ["C", "ST", "L", "O", "OU"].contains(key) else {
                throw CharterError(.invalidRequest, "Unknown name key '\(key)' in --csr.names (keys: C, ST, L, O, OU)")
            }
            return (key, String(entry[entry.index(after: equals)...]))
        }
    }
}
