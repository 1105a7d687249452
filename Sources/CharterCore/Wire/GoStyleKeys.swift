// Go's encoding/json matches object keys case-insensitively, and fabric-ca clients rely on it
// (fabric-sdk-py sends `caname` where fabric-ca-client sends `CAName`): request bodies are read
// the same way here.

/// A coding key for any name.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// An object's fields, matched as Go matches them: the exact name first, then any name equal
/// without regard to case (the first such in the object). The keys are read once per object,
/// not once per field.
struct GoFields {
    let container: KeyedDecodingContainer<AnyKey>
    private var exact: [String: AnyKey] = [:]
    private var folded: [String: AnyKey] = [:]

    init(_ decoder: any Decoder) throws {
        container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys {
            exact[key.stringValue] = key
            let lower = key.stringValue.lowercased()
            if folded[lower] == nil { folded[lower] = key }
        }
    }

    /// The value under `name`, matched without regard to case as Go does; nil when absent or null.
    func decodeGoField<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        guard let key = exact[name] ?? folded[name.lowercased()] else { return nil }
        return try container.decodeIfPresent(T.self, forKey: key)
    }
}
