// The JSON body of fabric-ca's register call and its result.

/// The body of `POST /register`.
public struct RegistrationRequest: Sendable, Codable {
    /// The new enrollment ID.
    public var id: String?
    /// Identity type; absent means `client`, as in fabric-ca.
    public var type: String?
    /// The secret; absent means the server generates one.
    public var secret: String?
    /// Enrollments allowed; 0 or absent means the CA's default.
    public var maxEnrollments: Int?
    /// Affiliation; absent means the registrar's own.
    public var affiliation: String?
    /// Attributes to give the identity.
    public var attributes: [IdentityAttribute]?
    /// The CA to register with.
    public var caName: String?

    /// Creates a request.
    public init(
        id: String,
        type: String? = nil,
        secret: String? = nil,
        maxEnrollments: Int? = nil,
        affiliation: String? = nil,
        attributes: [IdentityAttribute]? = nil
    ) {
        self.id = id
        self.type = type
        self.secret = secret
        self.maxEnrollments = maxEnrollments
        self.affiliation = affiliation
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey {
        case id, type, secret, affiliation
        case maxEnrollments = "max_enrollments"
        case attributes = "attrs"
        case caName = "caname"
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoFields(decoder)
        id = try c.decodeGoField(String.self, CodingKeys.id.rawValue)
        type = try c.decodeGoField(String.self, CodingKeys.type.rawValue)
        secret = try c.decodeGoField(String.self, CodingKeys.secret.rawValue)
        maxEnrollments = try c.decodeGoField(Int.self, CodingKeys.maxEnrollments.rawValue)
        affiliation = try c.decodeGoField(String.self, CodingKeys.affiliation.rawValue)
        attributes = try c.decodeGoField([IdentityAttribute].self, CodingKeys.attributes.rawValue)
        caName = try c.decodeGoField(String.self, CodingKeys.caName.rawValue)
    }
}

/// The result of a registration: the secret to enroll with.
public struct RegistrationResponse: Sendable, Codable {
    /// The (given or generated) secret.
    public var secret: String

    /// Creates a response.
    public init(secret: String) {
        self.secret = secret
    }
}
