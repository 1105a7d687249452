// How the subject of an issued certificate is built from the CSR and the identity's record.

import SwiftASN1
import X509

/// Builds issued subjects the way fabric-ca does, so that Fabric NodeOUs classify them.
///
/// - C, ST, L, street, postal code and O are kept from the CSR;
/// - CN must equal the enrollment ID;
/// - every OU of the CSR is dropped and replaced by one multi-valued RDN holding the identity type
///   and one OU per affiliation element (`peer` + `org1` + `department1`): Fabric's NodeOUs look
///   for the type there, and the affiliation OUs are how channel policies name departments.
public enum SubjectPolicy {
    static let kept: [ASN1ObjectIdentifier] = [
        .RDNAttributeType.countryName,
        .RDNAttributeType.stateOrProvinceName,
        .RDNAttributeType.localityName,
        .RDNAttributeType.streetAddress,
        [2, 5, 4, 17],  // postalCode
        .RDNAttributeType.organizationName,
    ]

    /// The common name of a CSR subject, if it has one.
    public static func commonName(of subject: DistinguishedName) -> String? {
        for rdn in subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return String(attribute.value)
            }
        }
        return nil
    }

    /// The issued subject for an enrollment.
    public static func subject(
        from requested: DistinguishedName,
        enrollmentID: String,
        type: String,
        affiliation: String
    ) throws -> DistinguishedName {
        var rdns: [RelativeDistinguishedName] = []
        for oid in kept {
            for rdn in requested {
                for attribute in rdn where attribute.type == oid {
                    if let value = String(attribute.value) {
                        rdns.append(RelativeDistinguishedName(try Self.attribute(oid, value)))
                    }
                }
            }
        }
        let units = ([type] + affiliation.split(separator: ".").map(String.init)).filter { !$0.isEmpty }
        if !units.isEmpty {
            rdns.append(
                RelativeDistinguishedName(
                    try units.map { try Self.attribute(.RDNAttributeType.organizationalUnitName, $0) }
                )
            )
        }
        rdns.append(RelativeDistinguishedName(try Self.attribute(.RDNAttributeType.commonName, enrollmentID)))
        return DistinguishedName(rdns)
    }

    /// A name attribute as Go's crypto/x509 writes it: PrintableString when the value allows, else UTF8String.
    public static func attribute(_ type: ASN1ObjectIdentifier, _ value: String) throws
        -> RelativeDistinguishedName.Attribute
    {
        if value.utf8.allSatisfy(isPrintable) {
            return try RelativeDistinguishedName.Attribute(type: type, printableString: value)
        }
        return RelativeDistinguishedName.Attribute(type: type, utf8String: value)
    }

    static func isPrintable(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return " '()+,-./:=?".utf8.contains(byte)
        }
    }
}
