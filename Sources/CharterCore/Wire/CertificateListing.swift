// The result of `GET /certificates`: the certificates a caller may see, as PEM.

/// `{"certs":[{"PEM":"…"}],"caname":"…"}`.
public struct CertificateListing: Codable, Sendable, Hashable {
    /// One listed certificate.
    public struct Entry: Codable, Sendable, Hashable {
        /// The certificate in PEM.
        public var pem: String

        /// Creates an entry.
        public init(pem: String) { self.pem = pem }

        enum CodingKeys: String, CodingKey { case pem = "PEM" }
    }

    /// The certificates.
    public var certs: [Entry]
    /// The CA that issued them.
    public var caName: String

    /// Creates a listing.
    public init(pems: [String], caName: String) {
        self.certs = pems.map(Entry.init)
        self.caName = caName
    }

    enum CodingKeys: String, CodingKey {
        case certs
        case caName = "caname"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        certs = try container.decodeIfPresent([Entry].self, forKey: .certs) ?? []
        caName = try container.decodeIfPresent(String.self, forKey: .caName) ?? ""
    }

    /// The bytes fabric-ca streams: `{"certs":[…], "caname":"…"}`, with its space after the list.
    public var wireJSON: String {
        Self.wireHead + certs.map { Self.wireEntry($0.pem) }.joined(separator: ",") + Self.wireTail(caName: caName)
    }

    /// What comes before the entries, for a server that writes them as it reads them.
    public static let wireHead = #"{"certs":["#

    /// One entry.
    public static func wireEntry(_ pem: String) -> String { #"{"PEM":\#(GoJSON.quote(pem))}"# }

    /// What comes after the entries.
    public static func wireTail(caName: String) -> String { #"], "caname":\#(GoJSON.quote(caName))}"# }
}
