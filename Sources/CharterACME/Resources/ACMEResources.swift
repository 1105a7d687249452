// The objects of RFC 8555 §7.1 as Charter stores them; the service writes their wire form with URLs.

import Foundation

/// What an order asks a certificate for: a DNS name (the only type Charter issues for).
public struct ACMEIdentifier: Sendable, Hashable, Codable {
    /// `dns`.
    public var type: String
    /// The name, lower case.
    public var value: String

    /// Creates an identifier.
    public init(type: String = "dns", value: String) {
        self.type = type
        self.value = value
    }
}

/// The states of RFC 8555 §7.1.6.
public enum ACMEStatus: String, Sendable, Hashable, Codable {
    case pending, ready, processing, valid, invalid, deactivated, revoked, expired
}

/// An account: a key, and the identity it acts for when it was bound by EAB.
public struct ACMEAccount: Sendable, Codable {
    /// The account's ID (its URL's last segment).
    public var id: String
    /// The account key's RFC 7638 members.
    public var key: [String: String]
    /// `valid`, or `deactivated` for good.
    public var status: ACMEStatus
    /// `mailto:` addresses.
    public var contact: [String]
    /// The enrollment ID of the identity an EAB key bound the account to.
    public var identity: String?
    /// The EAB key that bound it.
    public var externalKeyID: String?
    /// When it was made.
    public var created: Date

    /// Creates an account.
    public init(
        id: String,
        key: [String: String],
        contact: [String],
        identity: String?,
        externalKeyID: String?,
        created: Date
    ) {
        self.id = id
        self.key = key
        self.status = .valid
        self.contact = contact
        self.identity = identity
        self.externalKeyID = externalKeyID
        self.created = created
    }
}

/// An order for one certificate.
public struct ACMEOrder: Sendable, Codable {
    /// The order's ID.
    public var id: String
    /// The account that placed it.
    public var account: String
    /// pending → ready → processing → valid, or invalid.
    public var status: ACMEStatus
    /// The names asked for.
    public var identifiers: [ACMEIdentifier]
    /// The authorizations' IDs, one per identifier.
    public var authorizations: [String]
    /// When an unfinished order lapses.
    public var expires: Date
    /// Why it became invalid.
    public var error: ACMEProblem?
    /// The issued certificate's serial (lower-case hex).
    public var certificate: String?
    /// The ARI certificate ID of the certificate this order renews (RFC 9773 §5).
    public var replaces: String?

    /// A new pending order.
    public init(
        id: String,
        account: String,
        identifiers: [ACMEIdentifier],
        authorizations: [String],
        expires: Date,
        replaces: String?
    ) {
        self.id = id
        self.account = account
        self.status = .pending
        self.identifiers = identifiers
        self.authorizations = authorizations
        self.expires = expires
        self.replaces = replaces
    }
}

/// An account's authorization for one identifier.
public struct ACMEAuthorization: Sendable, Codable {
    /// The authorization's ID.
    public var id: String
    /// The account it belongs to.
    public var account: String
    /// The name, without `*.` for a wildcard.
    public var identifier: ACMEIdentifier
    /// True when the order asked for `*.` + identifier.
    public var wildcard: Bool
    /// pending → valid or invalid; deactivated by the account.
    public var status: ACMEStatus
    /// When it lapses.
    public var expires: Date
    /// The ways to prove control offered.
    public var challenges: [ACMEChallenge]

    /// A new pending authorization.
    public init(
        id: String,
        account: String,
        identifier: ACMEIdentifier,
        wildcard: Bool,
        expires: Date,
        challenges: [ACMEChallenge]
    ) {
        self.id = id
        self.account = account
        self.identifier = identifier
        self.wildcard = wildcard
        self.status = .pending
        self.expires = expires
        self.challenges = challenges
    }
}

/// One way to prove control of an identifier.
public struct ACMEChallenge: Sendable, Codable {
    /// `http-01`, `dns-01` or `tls-alpn-01`.
    public var type: String
    /// The random token the key authorization starts with.
    public var token: String
    /// pending → processing → valid or invalid.
    public var status: ACMEStatus
    /// When it was validated.
    public var validated: Date?
    /// Why validation failed.
    public var error: ACMEProblem?

    /// A pending challenge.
    public init(type: String, token: String) {
        self.type = type
        self.token = token
        self.status = .pending
    }
}

/// An external account binding key: handed to a registrar for one identity.
public struct ACMEExternalKey: Sendable, Codable {
    /// The key ID the client sends.
    public var keyID: String
    /// The identity accounts bound with it act for.
    public var identity: String
    /// The MAC key (base64url).
    public var hmacKey: String
    /// Who made it.
    public var createdBy: String
    /// When it was made.
    public var created: Date
    /// The account it bound, once used: a key binds one account.
    public var account: String?

    /// A new, unused key.
    public init(keyID: String, identity: String, hmacKey: String, createdBy: String, created: Date) {
        self.keyID = keyID
        self.identity = identity
        self.hmacKey = hmacKey
        self.createdBy = createdBy
        self.created = created
    }
}
