// Fabric's attribute certificate extension (OID 1.2.3.4.5.6.7.8.1): raw JSON `{"attrs":{…}}` in
// the extension value, read by chaincode through the `cid` library.

import Foundation
import SwiftASN1
import X509

/// The attributes an enrollment certificate carries for attribute-based access control.
public struct AttributeExtension: Sendable, Hashable {
    /// Fabric's private OID for the extension.
    public static let oid: ASN1ObjectIdentifier = [1, 2, 3, 4, 5, 6, 7, 8, 1]

    /// Attribute name to value.
    public var attributes: [String: String]

    /// Creates an extension value.
    public init(_ attributes: [String: String]) {
        self.attributes = attributes
    }

    /// The JSON bytes exactly as fabric-ca writes them: keys sorted, Go's string escaping.
    public var json: String {
        let body = attributes.keys.sorted().map { key in
            "\(GoJSON.quote(key)):\(GoJSON.quote(attributes[key] ?? ""))"
        }.joined(separator: ",")
        return "{\"attrs\":{\(body)}}"
    }

    /// The non-critical certificate extension whose value is the JSON, with no ASN.1 wrapping.
    public var certificateExtension: Certificate.Extension {
        Certificate.Extension(oid: Self.oid, critical: false, value: Array(json.utf8)[...])
    }

    /// Chooses what goes into the extension: the identity's `ecert` attributes when nothing is
    /// requested; otherwise exactly the requested ones, refusing a missing non-optional one.
    public static func select(
        from attributes: [IdentityAttribute],
        requests: [AttributeRequest]?
    ) throws -> AttributeExtension? {
        var chosen: [String: String] = [:]
        if let requests, !requests.isEmpty {
            for request in requests {
                if let found = attributes.first(where: { $0.name == request.name }) {
                    chosen[found.name] = found.value
                } else if request.optional != true {
                    throw CharterError(
                        .missingAttribute,
                        "Attribute '\(request.name)' was requested but the identity does not have it"
                    )
                }
            }
        } else {
            for attribute in attributes where attribute.ecert {
                chosen[attribute.name] = attribute.value
            }
        }
        return chosen.isEmpty ? nil : AttributeExtension(chosen)
    }
}
