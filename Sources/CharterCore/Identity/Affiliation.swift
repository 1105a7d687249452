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

    /// Fabric's NodeOU role names. An affiliation element becomes an OU of every certificate
    /// issued below it, and Fabric reads `OU=admin` as an organisation admin: none may be one.
    public static let reservedElements: Set<String> = ["client", "peer", "orderer", "admin"]

    /// The longest affiliation path accepted, in UTF-8 bytes.
    public static let maximumLength = 1024
    /// The most elements a path may have: each is a registry row and an OU of every certificate
    /// issued below it.
    public static let maximumDepth = 32

    /// Throws a 400 naming the problem when `affiliation` is not a path a caller may create.
    public static func validate(_ affiliation: String) throws {
        func refuse(_ why: String) -> CharterError {
            CharterError(
                .invalidRequest,
                "The affiliation '\(PathElement.printable(affiliation))' is not allowed: \(why)"
            )
        }
        guard !affiliation.isEmpty, affiliation.utf8.count <= maximumLength else {
            throw refuse("it must have 1 to \(maximumLength) bytes")
        }
        let elements = affiliation.split(separator: ".", omittingEmptySubsequences: false)
        guard elements.count <= maximumDepth else { throw refuse("it is more than \(maximumDepth) levels deep") }
        for element in elements {
            guard !element.isEmpty else { throw refuse("it has an empty element") }
            guard !element.contains(where: \.isWhitespace),
                !element.unicodeScalars.contains(where: PathElement.isControl),
                !element.contains("/"), !element.contains("\\")
            else {
                throw refuse("'\(PathElement.printable(String(element)))' holds a space, control character or slash")
            }
            guard !reservedElements.contains(element.lowercased()) else {
                throw refuse(
                    "'\(element)' is a Fabric NodeOU role name; as an OU in certificates it would grant that role"
                )
            }
        }
    }
}
