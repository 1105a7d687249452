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

/// The affiliations of a fabric-ca database (its users and certificates are read in batches).
public struct FabricCARegistry: Sendable {
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
        // `yyyy-MM-dd HH:mm:ss`, then `±hh:mm` or nothing (UTC), read by arithmetic: a
        // DateFormatter per row cost more than the rest of an import's reading.
        let bytes = Array(trimmed.utf8)
        guard bytes.count == 19 || bytes.count == 25 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[start..<(start + length)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        let separators: [(Int, UInt8)] = [
            (4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: " ")), (13, UInt8(ascii: ":")),
            (16, UInt8(ascii: ":")),
        ]
        guard separators.allSatisfy({ bytes[$0.0] == $0.1 }),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), (1...12).contains(month),
            (1...31).contains(day), let hour = number(11, 2), let minute = number(14, 2),
            let second = number(17, 2), hour < 24, minute < 60, second < 61
        else { return nil }
        var offset: Int64 = 0
        if bytes.count == 25 {
            guard bytes[19] == UInt8(ascii: "+") || bytes[19] == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: ":"),
                let hours = number(20, 2), let minutes = number(23, 2)
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[19] == UInt8(ascii: "-") ? -1 : 1)
        }
        let days = CivilDate.days(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset))
    }
}
