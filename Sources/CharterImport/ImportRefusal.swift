// A row of a fabric-ca registry that the import did not take, and why: the same rules as the API
// refuse it, so an operator sees each one and decides (`--skip-invalid`) rather than discovering a
// half-imported registry.

import CharterCore

/// One refused row.
public struct ImportRefusal: Sendable, Hashable, CustomStringConvertible {
    /// `users`, `affiliations` or `certificates`.
    public var table: String
    /// The row's key as stored (an enrollment ID, an affiliation name, a serial), printable.
    public var key: String
    /// The rule it breaks.
    public var reason: String

    /// Creates a refusal; the key is escaped and shortened for printing.
    public init(table: String, key: String, reason: String) {
        self.table = table
        self.key = PathElement.printable(key)
        self.reason = reason
    }

    /// `users 'nul\u{0}x': The enrollment ID … is not allowed: …`.
    public var description: String { "\(table) '\(key)': \(reason)" }
}
