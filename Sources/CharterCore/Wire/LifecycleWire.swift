// JSON bodies of the identity lifecycle calls: revoke, gencrl, identities, affiliations, certificates.

import Foundation

/// The body of `POST /revoke`.
public struct RevocationRequest: Sendable, Codable {
    /// Revoke this identity and all its certificates.
    public var id: String?
    /// With `aki`: revoke this one certificate (hex, any case, leading zeros allowed).
    public var serial: String?
    /// The authority key identifier of the certificate.
    public var aki: String?
    /// RFC 5280 reason name.
    public var reason: String?
    /// Return a fresh CRL in the result.
    public var gencrl: Bool?
    /// The CA.
    public var caName: String?

    /// Creates a request.
    public init(
        id: String? = nil,
        serial: String? = nil,
        aki: String? = nil,
        reason: String? = nil,
        gencrl: Bool? = nil
    ) {
        self.id = id
        self.serial = serial
        self.aki = aki
        self.reason = reason
        self.gencrl = gencrl
    }

    enum CodingKeys: String, CodingKey { case id, serial, aki, reason, gencrl, caName = "caname" }

    public init(from decoder: any Decoder) throws {
        let c = try GoFields(decoder)
        id = try c.decodeGoField(String.self, "id")
        serial = try c.decodeGoField(String.self, "serial")
        aki = try c.decodeGoField(String.self, "aki")
        reason = try c.decodeGoField(String.self, "reason")
        gencrl = try c.decodeGoField(Bool.self, "gencrl")
        caName = try c.decodeGoField(String.self, "caname")
    }
}

/// One revoked certificate in a revoke result.
public struct RevokedCertificateInfo: Sendable, Codable, Hashable {
    /// Serial, hex.
    public var serial: String
    /// Authority key identifier, hex.
    public var aki: String

    /// Creates an entry.
    public init(serial: String, aki: String) {
        self.serial = serial
        self.aki = aki
    }

    enum CodingKeys: String, CodingKey { case serial = "Serial", aki = "AKI" }
}

/// The result of `POST /revoke`: both keys always present (fabric-sdk-py reads both).
public struct RevocationResponse: Sendable, Codable {
    /// What was revoked.
    public var revokedCerts: [RevokedCertificateInfo]
    /// Base64 PEM CRL when asked for, else empty.
    public var crl: String

    /// Creates a result.
    public init(revokedCerts: [RevokedCertificateInfo], crl: String) {
        self.revokedCerts = revokedCerts
        self.crl = crl
    }

    enum CodingKeys: String, CodingKey { case revokedCerts = "RevokedCerts", crl = "CRL" }
}

/// The body of `POST /gencrl`: four optional windows; Go's zero time means "no bound".
public struct CRLRequest: Sendable, Codable {
    public var revokedAfter: Date?
    public var revokedBefore: Date?
    public var expireAfter: Date?
    public var expireBefore: Date?
    public var caName: String?

    /// Creates a request.
    public init(
        revokedAfter: Date? = nil,
        revokedBefore: Date? = nil,
        expireAfter: Date? = nil,
        expireBefore: Date? = nil
    ) {
        self.revokedAfter = revokedAfter
        self.revokedBefore = revokedBefore
        self.expireAfter = expireAfter
        self.expireBefore = expireBefore
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoFields(decoder)
        func time(_ name: String) throws -> Date? {
            guard let text = try c.decodeGoField(String.self, name), !text.isEmpty else { return nil }
            guard let date = GoTime.parse(text) else {
                throw CharterError(.invalidBody, "Invalid request body: '\(name)' is not an RFC 3339 time: '\(text)'")
            }
            return GoTime.isZero(date) ? nil : date
        }
        revokedAfter = try time("revokedafter")
        revokedBefore = try time("revokedbefore")
        expireAfter = try time("expireafter")
        expireBefore = try time("expirebefore")
        caName = try c.decodeGoField(String.self, "caname")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (name, date) in [
            ("revokedafter", revokedAfter), ("revokedbefore", revokedBefore), ("expireafter", expireAfter),
            ("expirebefore", expireBefore),
        ] {
            try c.encode(GoTime.format(date), forKey: AnyKey(name))
        }
    }
}

/// The result of `POST /gencrl`.
public struct CRLResponse: Sendable, Codable {
    /// Base64 of the PEM CRL.
    public var crl: String
    /// Creates a result.
    public init(crl: String) { self.crl = crl }
    enum CodingKeys: String, CodingKey { case crl = "CRL" }

    /// The JSON, by hand: base64 needs no escaping, and a CRL of a million revocations is tens of
    /// megabytes that an encoder would scan for characters to escape.
    public var wireJSON: String { #"{"CRL":"\#(crl)"}"# }
}

/// An identity as the identities endpoints show it (never its secret hash).
public struct IdentityInfo: Sendable, Codable, Hashable {
    public var id: String
    public var type: String
    public var affiliation: String
    public var attrs: [IdentityAttribute]
    public var maxEnrollments: Int
    /// Set only in the result of add or modify when a secret was given or generated.
    public var secret: String?

    /// The public view of an identity.
    public init(_ identity: Identity, secret: String? = nil) {
        id = identity.id
        type = identity.type
        affiliation = identity.affiliation
        attrs = identity.attributes
        maxEnrollments = identity.maxEnrollments
        self.secret = secret
    }

    enum CodingKeys: String, CodingKey {
        case id, type, affiliation, attrs, secret
        case maxEnrollments = "max_enrollments"
    }
}

/// The result of `GET /identities`.
public struct IdentityListResponse: Sendable, Codable {
    public var identities: [IdentityInfo]
    public var caname: String
    /// Creates a result.
    public init(identities: [IdentityInfo], caname: String) {
        self.identities = identities
        self.caname = caname
    }
}

/// The body of `PUT /identities/{id}`: empty or absent fields leave the identity as it is.
public struct IdentityModification: Sendable, Codable {
    public var type: String?
    public var affiliation: String?
    public var attrs: [IdentityAttribute]?
    public var maxEnrollments: Int?
    public var secret: String?
    public var caName: String?

    /// Creates a modification.
    public init(
        type: String? = nil,
        affiliation: String? = nil,
        attrs: [IdentityAttribute]? = nil,
        maxEnrollments: Int? = nil,
        secret: String? = nil
    ) {
        self.type = type
        self.affiliation = affiliation
        self.attrs = attrs
        self.maxEnrollments = maxEnrollments
        self.secret = secret
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoFields(decoder)
        type = try c.decodeGoField(String.self, "type")
        affiliation = try c.decodeGoField(String.self, "affiliation")
        attrs = try c.decodeGoField([IdentityAttribute].self, "attrs")
        maxEnrollments = try c.decodeGoField(Int.self, "max_enrollments")
        secret = try c.decodeGoField(String.self, "secret")
        caName = try c.decodeGoField(String.self, "caname")
    }

    enum CodingKeys: String, CodingKey {
        case type, affiliation, attrs, secret
        case maxEnrollments = "max_enrollments"
        case caName = "caname"
    }
}

/// An affiliation node: its name, sub-affiliations, and (after a change) the identities affected.
public struct AffiliationInfo: Sendable, Codable, Hashable {
    public var name: String
    public var affiliations: [AffiliationInfo]?
    public var identities: [IdentityInfo]?
    public var caname: String?

    /// Creates a node.
    public init(
        name: String,
        affiliations: [AffiliationInfo]? = nil,
        identities: [IdentityInfo]? = nil,
        caname: String? = nil
    ) {
        self.name = name
        self.affiliations = affiliations
        self.identities = identities
        self.caname = caname
    }

    /// The tree below `root` ("" for the whole tree) from a flat list of paths.
    /// Paths are grouped by parent once, so a large registry costs linear time, not a scan of
    /// every path for every node.
    public static func tree(root: String, paths: [String]) -> AffiliationInfo {
        let children = Dictionary(grouping: paths) { Affiliation.parent(of: $0) ?? "" }
        func node(_ name: String) -> AffiliationInfo {
            // An empty path is no node: it would be its own child.
            let nodes = (children[name] ?? []).filter { !$0.isEmpty }.sorted().map(node)
            return AffiliationInfo(name: name, affiliations: nodes.isEmpty ? nil : nodes)
        }
        return node(root)
    }
}

/// The body of `POST /affiliations` and `PUT /affiliations/{name}`.
public struct AffiliationRequest: Sendable, Codable {
    public var name: String?
    public var caName: String?

    /// Creates a request.
    public init(name: String) { self.name = name }

    public init(from decoder: any Decoder) throws {
        let c = try GoFields(decoder)
        name = try c.decodeGoField(String.self, "name")
        caName = try c.decodeGoField(String.self, "caname")
    }

    enum CodingKeys: String, CodingKey { case name, caName = "caname" }
}
