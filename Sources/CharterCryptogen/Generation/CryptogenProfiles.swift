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
            subject: try subject(org: org, organization: org.domain, units: [], commonName: commonName),
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

    /// A subject with the org's `CA:` fields, which every certificate of the org inherits: the
    /// CA's `OrganizationalUnit` joins `units` (cryptogen writes `OU=peer+OU=<unit>`).
    static func subject(org: OrgSpec, organization: String?, units: [String], commonName: String) throws
        -> DistinguishedName
    {
        let ca = org.ca
        var fields = SubjectPolicy.Fields(commonName: commonName)
        fields.country = [ca.country ?? "US"]
        fields.province = [ca.province ?? "California"]
        fields.locality = [ca.locality ?? "San Francisco"]
        fields.streetAddress = ca.streetAddress.map { [$0] } ?? []
        fields.postalCode = ca.postalCode.map { [$0] } ?? []
        fields.organization = organization.map { [$0] } ?? []
        fields.organizationalUnit = units + (ca.organizationalUnit.map { [$0] } ?? [])
        return try SubjectPolicy.name(fields)
    }
}
