// ACME's state as the registry keeps it: one table of versioned JSON documents, so every replica
// behind a balancer serves the same accounts, orders and nonces.

import Foundation

/// What an ``ACMEObject`` is.
public enum ACMEObjectKind: String, Sendable, CaseIterable {
    case account
    case order
    case authorization
    /// An external account binding key.
    case externalKey
    /// An issued certificate's owning account, by serial.
    case certificate
    /// A Replay-Nonce handed out and not yet used.
    case nonce
}

/// One stored ACME document.
public struct ACMEObject: Sendable {
    /// What it is.
    public var kind: ACMEObjectKind
    /// Its ID, unique per kind.
    public var id: String
    /// The account it belongs to, for listings and rate limits.
    public var account: String?
    /// A second unique key per kind (an account's key thumbprint), for look-ups.
    public var lookup: String?
    /// When it was made.
    public var created: Date
    /// When it lapses (nonces are refused after it).
    public var expires: Date?
    /// Bumped by each save: a save that read an older version fails, so concurrent requests on
    /// one object never overwrite each other.
    public var version: Int
    /// The document (JSON).
    public var body: [UInt8]

    /// Creates an object at version 0, not yet saved.
    public init(
        kind: ACMEObjectKind,
        id: String,
        account: String? = nil,
        lookup: String? = nil,
        created: Date,
        expires: Date? = nil,
        body: [UInt8]
    ) {
        self.kind = kind
        self.id = id
        self.account = account
        self.lookup = lookup
        self.created = created
        self.expires = expires
        self.version = 0
        self.body = body
    }
}

/// How an ACME object is found: by its ID or by its look-up key.
public enum ACMEObjectKey: Sendable {
    case id(String)
    case lookup(String)

    /// The column that holds it (a fixed name, never input).
    public var column: String {
        switch self {
        case .id: return "id"
        case .lookup: return "lookup"
        }
    }

    /// The value looked for.
    public var value: String {
        switch self {
        case .id(let value), .lookup(let value): return value
        }
    }
}
