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

extension KeyedDecodingContainer where Key == AnyKey {
    /// The value under `name`, matched without regard to case as Go does; nil when absent or null.
    func decodeGoField<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        let wanted = name.lowercased()
        guard
            let key = allKeys.first(where: { $0.stringValue == name })
                ?? allKeys.first(where: { $0.stringValue.lowercased() == wanted })
        else { return nil }
        return try decodeIfPresent(T.self, forKey: key)
    }
}
