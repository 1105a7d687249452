// The certificate shapes of a cryptogen tree, expressed through CharterCore so validity, serials
// and low-S signatures follow the same rules as the server's.

import CharterCore
import Crypto
import Foundation
import SwiftASN1
import X509

/// cryptogen's CA and leaf profiles.
enum CryptogenProfiles {
    /// Ten years, cryptogen's lifetime for every certificate.
    static let lifetime: Duration = .hours(3650 * 24)

    /// Enrollment (MSP sign) certificates: digitalSignature, no EKU, no SKI, no SAN.
    static func signing(backdate: Duration) -> SigningProfile {
        var profile = SigningProfile(
            name: "",
            keyUsage: KeyUsage(digitalSignature: true),
            expiry: lifetime,
            backdate: backdate
        )
        profile.subjectKeyIdentifier = false
        return profile
    }

    /// TLS server and client certificates: digitalSignature + keyEncipherment, serverAuth + clientAuth.
    static func tls(backdate: Duration) -> SigningProfile {
        var profile = SigningProfile(
            name: "tls",
            keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true),
            extendedKeyUsages: [.serverAuth, .clientAuth],
            expiry: lifetime,
            backdate: backdate
        )
        profile.subjectKeyIdentifier = false
        return profile
    }

    /// A self-signed org CA: O = domain, usages for signing, TLS and CRLs, SHA-256 SKI.
    static func authority(commonName: String, org: OrgSpec, key: SigningKey, backdate: Duration, now: Date) throws
        -> CertificateAuthority
    {
        try CertificateAuthority.selfSigned(
            subject: try subject(
                org: org,
                organization: org.domain,
                unit: org.ca.organizationalUnit,
                commonName: commonName
            ),
            key: key,
            now: now,
            backdate: backdate,
            expiry: lifetime,
            pathLength: nil,
            keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true, cRLSign: true),
            extendedKeyUsages: [.clientAuth, .serverAuth],
            subjectKeyIdentifier: Array(SHA256.hash(data: key.publicKey.ecPoint))
        )
    }

    /// Go's name order: C, ST, L, street, postal code, O, OU, CN.
    static func subject(org: OrgSpec, organization: String?, unit: String?, commonName: String) throws
        -> DistinguishedName
    {
        let ca = org.ca
        let fields: [(ASN1ObjectIdentifier, String?)] = [
            (.RDNAttributeType.countryName, ca.country ?? "US"),
            (.RDNAttributeType.stateOrProvinceName, ca.province ?? "California"),
            (.RDNAttributeType.localityName, ca.locality ?? "San Francisco"),
            (.RDNAttributeType.streetAddress, ca.streetAddress),
            ([2, 5, 4, 17], ca.postalCode),
            (.RDNAttributeType.organizationName, organization),
            (.RDNAttributeType.organizationalUnitName, unit),
            (.RDNAttributeType.commonName, commonName),
        ]
        return DistinguishedName(
            try fields.compactMap { type, value in
                guard let value, !value.isEmpty else { return nil }
                return RelativeDistinguishedName(try SubjectPolicy.attribute(type, value))
            }
        )
    }
}
