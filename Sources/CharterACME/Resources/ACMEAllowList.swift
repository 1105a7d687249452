// The names a CA's ACME may issue for (`acme.allow`): exact names, and `*` standing for one label.

/// Decides which identifiers ACME may issue for.
public struct ACMEAllowList: Sendable, Hashable {
    /// The patterns, lower case.
    public let patterns: [String]

    /// Creates a list; patterns compare without regard to case.
    public init(_ patterns: [String]) {
        self.patterns = patterns.map { $0.lowercased() }
    }

    /// True when some pattern matches `name` label by label: `*` matches any one label, and a
    /// requested wildcard label only a pattern's `*`.
    public func allows(_ name: String) -> Bool {
        let labels = name.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        return patterns.contains { pattern in
            let parts = pattern.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == labels.count
                && zip(parts, labels).allSatisfy { part, label in
                    part == "*" ? !label.isEmpty : part == label
                }
        }
    }
}
