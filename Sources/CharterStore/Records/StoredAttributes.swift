// The one stored form of an identity's attributes, shared by every registry backend: a JSON
// array of `{name, value, ecert}`, as fabric-ca keeps them (so imported rows read unchanged).

import CharterCore
import Foundation

/// Encodes and decodes the `attributes` column.
public enum StoredAttributes {
    /// The column text for these attributes.
    public static func encode(_ attributes: [IdentityAttribute]) throws -> String {
        String(decoding: try JSONEncoder().encode(attributes), as: UTF8.self)
    }

    /// The attributes in a column; an empty column is no attributes.
    ///
    /// - Parameter cache: columns already decoded, by their text (the same few texts are read
    ///   with every token request).
    public static func decode(_ text: String, cache: BoundedCache<String, [IdentityAttribute]>?) throws
        -> [IdentityAttribute]
    {
        try cache?.value(for: text, decode) ?? decode(text)
    }

    /// The attributes in a column; an empty column, or JSON `null` (what fabric-ca stores for an
    /// identity registered without attributes), is no attributes.
    public static func decode(_ text: String) throws -> [IdentityAttribute] {
        guard !text.isEmpty, text != "null" else { return [] }
        do {
            return try JSONDecoder().decode([IdentityAttribute].self, from: Data(text.utf8))
        } catch {
            throw CharterError(.storage, "A stored identity's attributes are not a JSON array: \(error)")
        }
    }
}
