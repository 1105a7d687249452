// A registered identity: who may enroll, as what, under which affiliation, with which attributes.

/// One attribute of an identity (`hf.Registrar.Roles`, `hf.Revoker`, or an application attribute).
public struct IdentityAttribute: Sendable, Hashable, Codable {
    /// The attribute name.
    public var name: String
    /// The attribute value, always a string on the wire.
    public var value: String
    /// Whether the attribute goes into enrollment certificates by default.
    public var ecert: Bool

    /// Creates an attribute.
    public init(name: String, value: String, ecert: Bool = false) {
        self.name = name
        self.value = value
        self.ecert = ecert
    }

    enum CodingKeys: String, CodingKey { case name, value, ecert }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try container.decodeIfPresent(String.self, forKey: .value) ?? ""
        ecert = try container.decodeIfPresent(Bool.self, forKey: .ecert) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
        if ecert { try container.encode(ecert, forKey: .ecert) }
    }
}

/// A registered identity as the registry stores it.
public struct Identity: Sendable, Hashable {
    /// The enrollment ID (the CN of its certificates).
    public var id: String
    /// `client`, `peer`, `orderer`, `admin`, or any type a registrar may create.
    public var type: String
    /// Dotted affiliation path; empty is the root.
    public var affiliation: String
    /// Attributes, in registration order.
    public var attributes: [IdentityAttribute]
    /// Enrollments allowed; -1 is unlimited.
    public var maxEnrollments: Int
    /// Successful enrollments so far (reenrollments do not count).
    public var enrollments: Int
    /// The stored secret hash (see ``SecretHasher``).
    public var secretHash: String
    /// Consecutive wrong secrets since the last successful one.
    public var incorrectPasswordAttempts: Int
    /// A revoked identity may not enroll again.
    public var revoked: Bool

    /// Creates an identity.
    public init(
        id: String,
        type: String,
        affiliation: String,
        attributes: [IdentityAttribute],
        maxEnrollments: Int,
        secretHash: String,
        enrollments: Int = 0,
        incorrectPasswordAttempts: Int = 0,
        revoked: Bool = false
    ) {
        self.id = id
        self.type = type
        self.affiliation = affiliation
        self.attributes = attributes
        self.maxEnrollments = maxEnrollments
        self.secretHash = secretHash
        self.enrollments = enrollments
        self.incorrectPasswordAttempts = incorrectPasswordAttempts
        self.revoked = revoked
    }

    /// The value of an attribute, if the identity has it.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// True when the identity may not enroll any more.
    public var hasReachedMaxEnrollments: Bool {
        maxEnrollments >= 0 && enrollments >= maxEnrollments
    }
}

/// The attribute names fabric-ca reserves, with the meaning Charter gives them.
public enum ReservedAttribute {
    public static let enrollmentID = "hf.EnrollmentID"
    public static let type = "hf.Type"
    public static let affiliation = "hf.Affiliation"
    public static let registrarRoles = "hf.Registrar.Roles"
    public static let registrarDelegateRoles = "hf.Registrar.DelegateRoles"
    public static let registrarAttributes = "hf.Registrar.Attributes"
    public static let revoker = "hf.Revoker"
    public static let genCRL = "hf.GenCRL"
    public static let intermediateCA = "hf.IntermediateCA"
    public static let affiliationManager = "hf.AffiliationMgr"

    /// Set by the CA from the identity record; nobody may register them.
    public static let fixed: Set<String> = [enrollmentID, type, affiliation]
    /// Attributes that grant a power and take a boolean value.
    public static let booleans: Set<String> = [revoker, genCRL, intermediateCA, affiliationManager]
    /// Every reserved name; any other `hf.` name is refused.
    public static let all: Set<String> =
        fixed.union(booleans).union([registrarRoles, registrarDelegateRoles, registrarAttributes])

    /// The attributes fabric-ca gives the bootstrap admin: every power.
    public static let bootstrapAdmin: [IdentityAttribute] = [
        IdentityAttribute(name: registrarRoles, value: "*"),
        IdentityAttribute(name: registrarDelegateRoles, value: "*"),
        IdentityAttribute(name: registrarAttributes, value: "*"),
        IdentityAttribute(name: revoker, value: "1"),
        IdentityAttribute(name: intermediateCA, value: "1"),
        IdentityAttribute(name: genCRL, value: "1"),
        IdentityAttribute(name: affiliationManager, value: "1"),
    ]
}
