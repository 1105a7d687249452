// An RFC 5280 version 2 CRL signed by the CA. swift-certificates has no CRL type, so the DER is
// written here: TBSCertList, the signature algorithm, the signature.

import Foundation
import SwiftASN1
import X509

/// One revoked certificate as a CRL lists it.
public struct RevokedCertificate: Sendable, Hashable {
    /// The serial number, big-endian magnitude.
    public var serial: [UInt8]
    /// When it was revoked.
    public var revokedAt: Date
    /// Why.
    public var reason: RevocationReason

    /// Creates an entry; `serialHex` is the registry's hex form.
    public init(serialHex: String, revokedAt: Date, reason: RevocationReason) {
        self.serial = Hex.decode(serialHex) ?? [0]
        self.revokedAt = revokedAt
        self.reason = reason
    }
}

/// A signed CRL.
///
/// Shape: version 2; signed with the CA key's algorithm (ecdsa-with-SHA256, -SHA384 or Ed25519); issuer = the CA's subject; thisUpdate = now;
/// nextUpdate = now + `crl.expiry`; one entry per revoked certificate with its revocation date
/// and, unless unspecified, a reasonCode entry extension; CRL extensions AKI (= CA SKI) and a CRL
/// Number that increases with every CRL, so relying parties can tell the newest.
public struct CertificateRevocationList: Sendable {
    /// The DER bytes.
    public let der: [UInt8]

    /// PEM (`X509 CRL`), as fabric-ca returns it and writes `crls/crl.pem`; written by ``PEM``,
    /// as swift-asn1's PEMDocument takes time quadratic in the size (minutes for 20,000 entries).
    public var pem: String {
        PEM.encode(der, type: "X509 CRL")
    }

    /// The signature algorithm identifier of a CA key (no parameters for any of them).
    static func algorithmIdentifier(_ algorithm: SigningKey.Algorithm) -> ASN1ObjectIdentifier {
        switch algorithm {
        case .p256: return [1, 2, 840, 10045, 4, 3, 2]
        case .p384: return [1, 2, 840, 10045, 4, 3, 3]
        case .ed25519: return [1, 3, 101, 112]
        }
    }
    static let reasonCode: ASN1ObjectIdentifier = [2, 5, 29, 21]
    static let crlNumber: ASN1ObjectIdentifier = [2, 5, 29, 20]

    /// Builds and signs a CRL.
    public init(
        authority: CertificateAuthority,
        revoked: [RevokedCertificate],
        number: Int,
        thisUpdate: Date,
        nextUpdate: Date
    ) throws {
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // v2
            try Self.algorithm(&coder, authority.key.algorithm)
            try coder.serialize(authority.certificate.subject)
            try Self.time(thisUpdate, &coder)
            try Self.time(nextUpdate, &coder)
            if !revoked.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { list in
                    for entry in revoked {
                        try list.appendConstructedNode(identifier: .sequence) { item in
                            try item.serialize(integerBytes: entry.serial)
                            try Self.time(entry.revokedAt, &item)
                            if entry.reason != .unspecified {
                                try item.appendConstructedNode(identifier: .sequence) { extensions in
                                    var value = DER.Serializer()
                                    value.appendPrimitiveNode(identifier: .enumerated) {
                                        $0.append(UInt8(entry.reason.rawValue))
                                    }
                                    try extensions.serialize(
                                        Certificate.Extension(
                                            oid: Self.reasonCode,
                                            critical: false,
                                            value: value.serializedBytes[...]
                                        )
                                    )
                                }
                            }
                        }
                    }
                }
            }
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                explicit in
                try explicit.appendConstructedNode(identifier: .sequence) { extensions in
                    try extensions.serialize(
                        Certificate.Extension(
                            AuthorityKeyIdentifier(keyIdentifier: authority.subjectKeyIdentifier[...]),
                            critical: false
                        )
                    )
                    var value = DER.Serializer()
                    try value.serialize(number)
                    try extensions.serialize(
                        Certificate.Extension(oid: Self.crlNumber, critical: false, value: value.serializedBytes[...])
                    )
                }
            }
        }
        let tbsBytes = tbs.serializedBytes
        let signature = try authority.sign(tbsBytes)
        var whole = DER.Serializer()
        try whole.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbsBytes)
            try Self.algorithm(&coder, authority.key.algorithm)
            try coder.serialize(ASN1BitString(bytes: signature[...]))
        }
        der = whole.serializedBytes
    }

    static func algorithm(_ coder: inout DER.Serializer, _ algorithm: SigningKey.Algorithm) throws {
        try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(algorithmIdentifier(algorithm)) }
    }

    /// RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
    static func time(_ date: Date, _ coder: inout DER.Serializer) throws {
        // By arithmetic, not a Calendar: a CRL writes a time per entry, and a Calendar per entry
        // made CRLs of many revocations slow.
        let seconds = Int64(exactly: date.timeIntervalSince1970.rounded(.down)) ?? 0
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (civilYear, civilMonth, civilDay) = CivilDate.civil(fromDays: days)
        let (year, month, day) = (Int(civilYear), Int(civilMonth), Int(civilDay))
        let (hour, minute, second) = (secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
        if year < 2050 {
            try coder.serialize(
                UTCTime(year: year, month: month, day: day, hours: hour, minutes: minute, seconds: second)
            )
        } else {
            try coder.serialize(
                GeneralizedTime(
                    year: year,
                    month: month,
                    day: day,
                    hours: hour,
                    minutes: minute,
                    seconds: second,
                    fractionalSeconds: 0
                )
            )
        }
    }
}
