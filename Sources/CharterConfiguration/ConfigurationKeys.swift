// A configuration file read through its table of keys. Key names match without regard to case,
// as fabric-ca's reader matches them, and are written back in the spelling the decoder expects;
// values from the environment and from flags named after keys are merged in; then every key that
// is set is checked against its class. A key the table does not know, or a refused key set to a
// value that asks for something, stops the caller with one line per key.

import CharterCore
import Yams

/// The keys of one kind of configuration file and the rules for reading it.
public struct ConfigurationKeys: Sendable {
    /// Every key, exact paths before patterns (`ldap.enabled` before `ldap.*`), else as given.
    public let keys: [ConfigurationKey]
    /// The environment variables that set keys: `FABRIC_CA_SERVER_` + `TLS_ENABLED`.
    public let environmentPrefix: String
    /// Element names the decoder spells with capitals (`listenAddress`), by their lower case.
    let spellings: [String: String]

    /// Creates a table.
    public init(keys: [ConfigurationKey], environmentPrefix: String, spellings: [String] = []) {
        self.keys = keys.enumerated().sorted { a, b in
            let (wildA, wildB) = (
                a.element.elements.filter { $0 == "*" }.count, b.element.elements.filter { $0 == "*" }.count
            )
            return wildA == wildB ? a.offset < b.offset : wildA < wildB
        }.map(\.element)
        self.environmentPrefix = environmentPrefix
        self.spellings = Dictionary(spellings.map { ($0.lowercased(), $0) }) { first, _ in first }
    }

    /// The key `names` (any case) name, if the table has it.
    public func key(_ names: [String]) -> ConfigurationKey? {
        let lower = names.map { $0.lowercased() }
        return keys.first { $0.matches(lower) }
    }

    /// True when some key lies below `names`.
    func hasKeys(below names: [String]) -> Bool {
        keyBelow(names) != nil
    }

    /// A key that lies below `names`.
    func keyBelow(_ names: [String]) -> ConfigurationKey? {
        let lower = names.map { $0.lowercased() }
        return keys.first { key in
            let elements = key.elements
            return elements.count > lower.count && zip(elements, lower).allSatisfy { $0 == "*" || $0 == $1 }
        }
    }

    /// The environment variable that sets `key`; nil for a pattern, which no variable can name.
    public func environmentName(of key: ConfigurationKey) -> String? {
        if let name = key.environment { return name }
        guard !key.path.contains("*") else { return nil }
        return environmentPrefix + key.path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// The YAML to decode: `yaml` with its key names in the table's spelling, the environment's
    /// and the flags' values merged in (flags last), checked. Throws a configuration error
    /// listing every unknown key and every refused one set to a value that asks for something.
    ///
    /// - Parameter flags: `--path value`, `--path=value`, or `--path` alone for a boolean key.
    public func prepare(yaml: String, environment: [String: String] = [:], flags: [String] = []) throws -> String {
        var root: Node
        do {
            root = try Yams.compose(yaml: yaml) ?? Node.mapping(Node.Mapping([]))
        } catch {
            throw CharterError(.configuration, "The configuration is not valid YAML: \(error)")
        }
        if case .scalar(let scalar) = root, scalar.string.isEmpty || scalar.string == "~" {
            root = Node.mapping(Node.Mapping([]))
        }
        guard root.mapping != nil else {
            throw CharterError(.configuration, "The configuration is not a mapping of keys to values")
        }
        var problems: [String] = []
        root = normalize(root, path: [], problems: &problems)
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix(environmentPrefix) {
            // Variables that name no key (a Kubernetes service's FABRIC_CA_SERVER_SERVICE_HOST)
            // are not settings: fabric-ca does not read them either.
            guard let key = keys.first(where: { environmentName(of: $0) == name }) else { continue }
            set(value, for: key, in: &root)
        }
        for (path, value) in try Self.flagValues(flags, keys: self) {
            guard let key = key(path.split(separator: ".").map(String.init)) else {
                throw CharterError(.configuration, "Unknown flag --\(path)")
            }
            set(value, for: key, in: &root)
        }
        check(root, path: [], problems: &problems)
        guard problems.isEmpty else {
            throw CharterError(.configuration, problems.joined(separator: "\n"))
        }
        return try Yams.serialize(node: root)
    }

    // MARK: - Reading the tree

    /// The node with every known key name in the table's spelling; unknown keys noted.
    func normalize(_ node: Node, path: [String], problems: inout [String]) -> Node {
        guard let mapping = node.mapping else { return node }
        var pairs: [(Node, Node)] = []
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? "\(keyNode)"
            let names = path + [name]
            if let key = key(names) {
                let child = key.isWhole ? value : normalize(value, path: names, problems: &problems)
                pairs.append((Node(spelling(of: name, in: key, at: path.count)), child))
            } else if let below = keyBelow(names) {
                pairs.append(
                    (
                        Node(spelling(of: name, in: below, at: path.count)),
                        normalize(value, path: names, problems: &problems)
                    )
                )
            } else {
                problems.append(
                    "Configuration key '\(names.joined(separator: "."))' is not a setting of fabric-ca or Charter: remove it (a misspelt key would otherwise be ignored)"
                )
            }
        }
        return Node.mapping(Node.Mapping(pairs))
    }

    /// Refusals of every key set in the tree.
    func check(_ node: Node, path: [String], problems: inout [String]) {
        guard let mapping = node.mapping else { return }
        for (keyNode, value) in mapping {
            let names = path + [keyNode.string ?? "\(keyNode)"]
            guard let key = key(names) else {
                check(value, path: names, problems: &problems)
                continue
            }
            if value.mapping != nil && !key.isWhole && hasKeys(below: names) {
                check(value, path: names, problems: &problems)
            }
            guard case .refused(let instead) = key.treatment, !Self.isInert(value, key) else { continue }
            problems.append(
                "Configuration key '\(names.joined(separator: "."))' is set to '\(Self.text(of: value))', which Charter does not implement: \(instead)"
            )
        }
    }

    static func isInert(_ value: Node, _ key: ConfigurationKey) -> Bool {
        switch value {
        case .scalar(let scalar):
            let text = scalar.string.lowercased()
            return text.isEmpty || text == "~" || text == "null" || key.inert.contains(text)
        case .sequence(let sequence):
            return sequence.isEmpty
        case .mapping(let mapping):
            return mapping.isEmpty
        }
    }

    static func text(of value: Node) -> String {
        switch value {
        case .scalar(let scalar): return PathElement.printable(scalar.string)
        case .sequence(let sequence): return "[" + sequence.map { text(of: $0) }.joined(separator: ", ") + "]"
        default: return "…"
        }
    }

    /// The name of element `index` of `key` as the decoder reads it: a pattern's element keeps
    /// the file's own text (a profile's name), a fixed one takes the table's spelling.
    func spelling(of name: String, in key: ConfigurationKey, at index: Int) -> String {
        let element = key.elements[index]
        return element == "*" ? name : spelledElement(String(element))
    }

    func spelledElement(_ name: String) -> String {
        spellings[name.lowercased()] ?? name.lowercased()
    }

    // MARK: - Setting values

    /// Sets `key` to the text of an environment variable or flag (a list when the key takes one).
    func set(_ text: String, for key: ConfigurationKey, in root: inout Node) {
        let value: Node =
            key.isList
            ? Node.sequence(Node.Sequence(text.split(separator: ",").map { Node($0.trimmingSpaces) }))
            : Node(text)
        let names = key.elements.map { spelledElement(String($0)) }
        root = Self.setting(value, at: names[...], in: root)
    }

    static func setting(_ value: Node, at path: ArraySlice<String>, in node: Node) -> Node {
        guard let first = path.first else { return value }
        var mapping = node.mapping ?? Node.Mapping([])
        let child = mapping[first] ?? Node.mapping(Node.Mapping([]))
        mapping[first] = setting(value, at: path.dropFirst(), in: child)
        return Node.mapping(mapping)
    }

    /// `(path, value)` of each flag: `--a.b value`, `--a.b=value`, `--a.b` alone when boolean.
    static func flagValues(_ flags: [String], keys: ConfigurationKeys) throws -> [(String, String)] {
        var values: [(String, String)] = []
        var index = flags.startIndex
        while index < flags.endIndex {
            let token = flags[index]
            index += 1
            guard token.hasPrefix("--"), token.count > 2 else {
                throw CharterError(.configuration, "Unexpected argument '\(PathElement.printable(token))'")
            }
            let body = token.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                values.append((String(body[..<equals]), String(body[body.index(after: equals)...])))
                continue
            }
            let path = String(body)
            let isBoolean = keys.key(path.split(separator: ".").map(String.init))?.isBoolean ?? false
            if isBoolean {
                values.append((path, "true"))
            } else {
                guard index < flags.endIndex else {
                    throw CharterError(.configuration, "Flag --\(path) needs a value")
                }
                values.append((path, flags[index]))
                index += 1
            }
        }
        return values
    }
}
