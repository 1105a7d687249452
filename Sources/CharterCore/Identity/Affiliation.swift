// Affiliations: the dotted organisational tree (`org1.department1`) that scopes what a caller may do.

/// Affiliation path rules.
public enum Affiliation {
    /// True when `affiliation` is `scope` or below it. The root (empty) scope covers everything.
    public static func isWithin(_ affiliation: String, scope: String) -> Bool {
        scope.isEmpty || affiliation == scope || affiliation.hasPrefix(scope + ".")
    }

    /// The parent path, or nil for a top-level affiliation.
    public static func parent(of affiliation: String) -> String? {
        guard let dot = affiliation.lastIndex(of: ".") else { return nil }
        return String(affiliation[..<dot])
    }

    /// Every path of a fabric-ca `affiliations:` tree (`org1: [department1]` gives `org1`,
    /// `org1.department1`), parents first.
    public static func paths(of tree: [String: [String]]) -> [String] {
        tree.keys.sorted().flatMap { top in [top] + (tree[top] ?? []).map { "\(top).\($0)" } }
    }

    /// True when the name is a well-formed path: non-empty labels without spaces.
    public static func isValid(_ affiliation: String) -> Bool {
        !affiliation.isEmpty
            && affiliation.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
                !$0.isEmpty && !$0.contains(" ")
            }
    }
}
