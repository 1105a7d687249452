// What a transparency log records: one canonical, versioned byte string per issuance or
// revocation. Canonical means one encoding per event (fixed field order, big-endian lengths), so
// anyone can recompute a leaf from the facts and a leaf can be checked against a row.

import Foundation

/// One event of a CA's log.
public enum LogEntry: Sendable, Hashable {
    /// A certificate issued (enroll, reenroll, the server's TLS certificate, cryptogen --record).
    case issuance(Issuance)
    /// A certificate revoked.
    case revocation(Revocation)

    /// Whether this logs a revocation.
    public var isRevocation: Bool {
        if case .revocation = self { return true }
        return false
    }

    /// The kind byte of the encoding, also stored beside each leaf so a row's entry can be derived
    /// again: ``issuanceKind`` or ``revocationKind``.
    public var kind: UInt8 { isRevocation ? Self.revocationKind : Self.issuanceKind }
    /// The kind of an issuance.
    public static let issuanceKind: UInt8 = 1
    /// The kind of a revocation.
    public static let revocationKind: UInt8 = 2

    /// The facts of an issuance.
    public struct Issuance: Sendable, Hashable {
        /// The issuing CA's name (`""` for a server's default CA).
        public var caName: String
        /// The certificate itself, so a follower sees exactly what was issued.
        public var certificateDER: [UInt8]
        /// Who it was issued to.
        public var enrollmentID: String
        /// The signing profile (`""` is the default one).
        public var profile: String
        /// Unix seconds.
        public var issuedAt: Int64

        /// Creates the facts of an issuance.
        public init(caName: String, certificateDER: [UInt8], enrollmentID: String, profile: String, issuedAt: Int64) {
            self.caName = caName
            self.certificateDER = certificateDER
            self.enrollmentID = enrollmentID
            self.profile = profile
            self.issuedAt = issuedAt
        }
    }

    /// The facts of a revocation.
    public struct Revocation: Sendable, Hashable {
        /// The issuing CA's name.
        public var caName: String
        /// Serial, lower-case hex.
        public var serial: String
        /// Authority key identifier, lower-case hex.
        public var authorityKeyIdentifier: String
        /// RFC 5280 reason code.
        public var reason: UInt8
        /// Unix seconds.
        public var revokedAt: Int64

        /// Creates the facts of a revocation.
        public init(caName: String, serial: String, authorityKeyIdentifier: String, reason: UInt8, revokedAt: Int64) {
            self.caName = caName
            self.serial = serial
            self.authorityKeyIdentifier = authorityKeyIdentifier
            self.reason = reason
            self.revokedAt = revokedAt
        }
    }

    /// Format version of the encoding.
    static let version: UInt8 = 1

    /// The canonical bytes: version, kind, then the fields, each variable one with a 4-byte length.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = [Self.version, kind]
        func field(_ value: [UInt8]) {
            bytes += withUnsafeBytes(of: UInt32(value.count).bigEndian, Array.init)
            bytes += value
        }
        func integer(_ value: Int64) { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
        switch self {
        case .issuance(let issuance):
            field(Array(issuance.caName.utf8))
            field(issuance.certificateDER)
            field(Array(issuance.enrollmentID.utf8))
            field(Array(issuance.profile.utf8))
            integer(issuance.issuedAt)
        case .revocation(let revocation):
            field(Array(revocation.caName.utf8))
            field(Array(revocation.serial.utf8))
            field(Array(revocation.authorityKeyIdentifier.utf8))
            bytes.append(revocation.reason)
            integer(revocation.revokedAt)
        }
        return bytes
    }

    /// Reads an entry back; nil for bytes that are not exactly one canonical entry.
    public init?(decoding bytes: [UInt8]) {
        var reader = Reader(bytes: bytes)
        guard reader.byte() == Self.version, let kind = reader.byte() else { return nil }
        switch kind {
        case Self.issuanceKind:
            guard let ca = reader.text(), let der = reader.field(), let id = reader.text(), let profile = reader.text(),
                let issuedAt = reader.integer()
            else { return nil }
            self = .issuance(
                Issuance(caName: ca, certificateDER: der, enrollmentID: id, profile: profile, issuedAt: issuedAt)
            )
        case Self.revocationKind:
            guard let ca = reader.text(), let serial = reader.text(), let aki = reader.text(),
                let reason = reader.byte(), let revokedAt = reader.integer()
            else { return nil }
            self = .revocation(
                Revocation(
                    caName: ca,
                    serial: serial,
                    authorityKeyIdentifier: aki,
                    reason: reason,
                    revokedAt: revokedAt
                )
            )
        default:
            return nil
        }
        guard reader.isAtEnd, encoded == bytes else { return nil }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var isAtEnd: Bool { offset == bytes.count }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func field() -> [UInt8]? {
            guard bytes.count - offset >= 4 else { return nil }
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard bytes.count - offset >= length else { return nil }
            defer { offset += length }
            return Array(bytes[offset..<offset + length])
        }

        mutating func text() -> String? {
            field().flatMap { String(bytes: $0, encoding: .utf8) }
        }

        mutating func integer() -> Int64? {
            guard bytes.count - offset >= 8 else { return nil }
            defer { offset += 8 }
            return Int64(bitPattern: bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) })
        }
    }
}
