// The bodies of `/eab`: ACME external account binding keys as registrars make, list and remove them.

/// The body of `POST /eab`: the identity the key binds accounts to.
public struct ExternalKeyRequest: Sendable, Codable {
    /// The enrollment ID.
    public var id: String
    /// The CA (empty: the default).
    public var caname: String?

    /// Creates a request.
    public init(id: String, caname: String? = nil) {
        self.id = id
        self.caname = caname
    }
}

/// One EAB key as the API shows it; the MAC key only in the answer that made it.
public struct ExternalKeyInfo: Sendable, Codable {
    /// The key ID an ACME client sends.
    public var kid: String
    /// The identity bound accounts act for.
    public var id: String
    /// The MAC key (base64url), shown once.
    public var hmac: String?
    /// The ACME account it bound, once used.
    public var account: String?
    /// When it was made (RFC 3339).
    public var created: String

    /// Creates the info.
    public init(kid: String, id: String, hmac: String?, account: String?, created: String) {
        self.kid = kid
        self.id = id
        self.hmac = hmac
        self.account = account
        self.created = created
    }
}

/// The answer of `GET /eab`.
public struct ExternalKeyList: Sendable, Codable {
    /// The keys the caller may see.
    public var keys: [ExternalKeyInfo]

    /// Creates a list.
    public init(keys: [ExternalKeyInfo]) {
        self.keys = keys
    }
}
