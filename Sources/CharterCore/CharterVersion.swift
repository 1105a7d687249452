// Version strings: Charter's own, and the fabric-ca protocol version it answers as in cainfo.

/// The versions this build reports.
public enum CharterVersion {
    /// Charter's release.
    public static let version = "0.1.0"
    /// The fabric-ca release whose protocol Charter speaks; clients read it from cainfo.
    public static let protocolVersion = "1.5.5"
}
