// What a registry's commits survive, read from the database rather than from Charter's own
// configuration: a setting the database overrode (GRDB's WAL set-up, a PostgreSQL configured
// with `synchronous_commit = off`) shows here as it is.

/// The durability of a registry's commits, as its database reports it.
public struct CommitDurability: Sendable, Hashable, CustomStringConvertible {
    /// The database and its setting, `sqlite synchronous=FULL` or `postgresql synchronous_commit=on`.
    public let description: String
    /// False when a commit can be lost in a power cut or an operating-system crash after it was
    /// acknowledged: a certificate returned just before one might then be missing from the record.
    public let survivesPowerCut: Bool

    public init(_ description: String, survivesPowerCut: Bool) {
        self.description = description
        self.survivesPowerCut = survivesPowerCut
    }
}
