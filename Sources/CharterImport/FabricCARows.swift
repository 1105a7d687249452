// fabric-ca's registry rows as either of its databases returns them, and what each becomes in
// Charter's registry.

import CharterCore
import CharterStore
import Foundation
import X509

/// One row of fabric-ca's `users` table.
public struct FabricCAUser: Sendable, Hashable {
    /// Enrollment ID.
    public var id: String
    /// The bcrypt hash (`$2a$…`), fabric-ca's `token`.
    public var token: String
    /// Identity type.
    public var type: String
    /// Affiliation path.
    public var affiliation: String
    /// fabric-ca's attribute JSON, which Charter stores in the same form.
    public var attributes: String
    /// Enrollments so far; -1 once revoked.
    public var state: Int
    /// Enrollment limit; -1 unlimited.
    public var maxEnrollments: Int
    /// Consecutive wrong secrets.
    public var incorrectPasswordAttempts: Int
    /// Why the row could not be read as it is stored (a column that is not UTF-8), if it could not.
    public var problem: String? = nil

    /// The identity as Charter stores it, before ``IdentityRules`` checks it. A revoked identity's count is lost in fabric-ca
    /// (its state becomes -1); the number of certificates issued to it stands in for it.
    func identity(certificatesIssued: Int) throws -> Identity {
        let revoked = state < 0
        return Identity(
            id: id,
            type: type,
            affiliation: affiliation,
            attributes: try StoredAttributes.decode(attributes),
            maxEnrollments: maxEnrollments,
            secretHash: token,
            enrollments: revoked ? certificatesIssued : state,
            incorrectPasswordAttempts: incorrectPasswordAttempts,
            revoked: revoked
        )
    }
}

/// One row of fabric-ca's `certificates` table.
public struct FabricCACertificate: Sendable, Hashable {
    /// Owner's enrollment ID (the host name for the server's TLS certificate).
    public var id: String
    /// Serial, lower-case hex as fabric-ca writes it.
    public var serial: String
    /// AKI, lower-case hex.
    public var authorityKeyIdentifier: String
    /// The CA's name (empty for the default CA).
    public var caLabel: String
    /// `good` or `revoked`.
    public var status: String
    /// RFC 5280 reason.
    public var reason: Int
    /// When revoked; nil for Go's zero time.
    public var revokedAt: Date?
    /// The certificate.
    public var pem: String
    /// Why the row could not be read as it is stored, if it could not.
    public var problem: String? = nil

    /// The record Charter keeps. fabric-ca stores no profile nor issue time: the profile is `tls`
    /// for a certificate that may authenticate a TLS server, the issue time its NotBefore.
    /// Throws a 400 when a field breaks the rules the API holds the same data to: the owner's
    /// enrollment ID, the serial and AKI in hex (the serial the certificate's own), a known
    /// status and RFC 5280 reason.
    func record(defaultCAName: String) throws -> CertificateRecord {
        guard let certificate = try? PEMBundle.certificates(in: pem).first else {
            throw CharterError(.invalidRequest, "its PEM is not a certificate")
        }
        if !id.isEmpty { try EnrollmentID.validate(id) }
        guard let canonical = Hex.canonicalSerial(serial), !serial.isEmpty,
            canonical == Hex.canonicalSerial(Hex.encode(certificate.serialNumber.bytes))
        else {
            throw CharterError(.invalidRequest, "its serial is not the certificate's, in hex")
        }
        guard !authorityKeyIdentifier.isEmpty, Hex.decode(authorityKeyIdentifier) != nil else {
            throw CharterError(.invalidRequest, "its authority key identifier is not hex")
        }
        guard status == "good" || status == "revoked" else {
            throw CharterError(
                .invalidRequest,
                "its status '\(PathElement.printable(status))' is neither good nor revoked"
            )
        }
        guard RevocationReason(rawValue: reason) != nil else {
            throw CharterError(.invalidRequest, "its revocation reason \(reason) is not an RFC 5280 reason")
        }
        let serverAuth =
            (try? certificate.extensions.extendedKeyUsage)??.contains(ExtendedKeyUsage.Usage.serverAuth) ?? false
        let issuedAt = certificate.notValidBefore
        return CertificateRecord(
            serial: canonical,
            authorityKeyIdentifier: authorityKeyIdentifier.lowercased(),
            enrollmentID: id,
            caName: caLabel.isEmpty ? defaultCAName : caLabel,
            profile: serverAuth ? SigningProfile.tls.name : SigningProfile.enrollment.name,
            issuedAt: issuedAt,
            notBefore: certificate.notValidBefore,
            notAfter: certificate.notValidAfter,
            status: status,
            reason: reason,
            revokedAt: status == "revoked" ? (revokedAt ?? issuedAt) : nil,
            pem: pem
        )
    }
}

/// The users and affiliations of a fabric-ca database (its certificates are read in batches).
public struct FabricCARegistry: Sendable {
    /// `users`.
    public var users: [FabricCAUser] = []
    /// `affiliations` names.
    public var affiliations: [String] = []
    /// Rows already refused while reading (affiliation names that are not UTF-8).
    public var refused: [ImportRefusal] = []

    /// Creates an empty set.
    public init() {}

    /// Go writes a zero `time.Time` (`0001-01-01 00:00:00+00:00`) for "never"; SQLite keeps the
    /// text, with or without fraction and zone.
    static func time(_ text: String?) -> Date? {
        guard let text, !text.isEmpty, !text.hasPrefix("0001-01-01") else { return nil }
        var trimmed = text.replacingOccurrences(of: "T", with: " ")
        if let dot = trimmed.firstIndex(of: ".") {
            let zone = trimmed[dot...].firstIndex { $0 == "+" || $0 == "-" || $0 == "Z" }
            trimmed = String(trimmed[..<dot]) + (zone.map { String(trimmed[$0...]) } ?? "")
        }
        if trimmed.hasSuffix("Z") { trimmed = String(trimmed.dropLast()) + "+00:00" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd HH:mm:ssxxx", "yyyy-MM-dd HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }
}
