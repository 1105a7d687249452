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
    /// The parts of a subject, each type with any number of values.
    public struct Fields: Sendable, Hashable {
        public var country: [String] = []
        public var province: [String] = []
        public var locality: [String] = []
        public var streetAddress: [String] = []
        public var postalCode: [String] = []
        public var organization: [String] = []
        public var organizationalUnit: [String] = []
        public var commonName: String

        /// Fields with only a common name.
        public init(commonName: String) {
            self.commonName = commonName
        }

        /// Fields from `C`, `ST`, `L`, `street`, `postalCode`, `O`, `OU` pairs (fabric-ca's
        /// `csr.names` keys, any case); other keys are ignored.
        public init(commonName: String, names: [(String, String)]) {
            self.commonName = commonName
            for (key, value) in names where !value.isEmpty {
                switch key.uppercased() {
                case "C": country.append(value)
                case "ST": province.append(value)
                case "L": locality.append(value)
                case "STREET": streetAddress.append(value)
                case "POSTALCODE": postalCode.append(value)
                case "O": organization.append(value)
                case "OU": organizationalUnit.append(value)
                default: break
                }
            }
        }
    }

    /// The one way Charter writes a subject, in Go's `pkix.Name` order (C, ST, L, street, postal
    /// code, O, OU, CN) with all values of a type in one RDN, as fabric-ca and cryptogen do: the
    /// OUs `peer` and `Hyperledger Fabric` become one multi-valued RDN, which Fabric NodeOUs read.
    public static func name(_ fields: Fields) throws -> DistinguishedName {
        let parts: [(ASN1ObjectIdentifier, [String])] = [
            (.RDNAttributeType.countryName, fields.country),
            (.RDNAttributeType.stateOrProvinceName, fields.province),
            (.RDNAttributeType.localityName, fields.locality),
            (.RDNAttributeType.streetAddress, fields.streetAddress),
            (postalCode, fields.postalCode),
            (.RDNAttributeType.organizationName, fields.organization),
            (.RDNAttributeType.organizationalUnitName, fields.organizationalUnit),
            (.RDNAttributeType.commonName, [fields.commonName]),
        ]
        var rdns: [RelativeDistinguishedName] = []
        for (type, values) in parts {
            let present = values.filter { !$0.isEmpty }
            if !present.isEmpty { rdns.append(RelativeDistinguishedName(try present.map { try attribute(type, $0) })) }
        }
        return DistinguishedName(rdns)
    }

    static let postalCode: ASN1ObjectIdentifier = [2, 5, 4, 17]

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
        var fields = Fields(commonName: enrollmentID)
        for rdn in requested {
            for attribute in rdn {
                guard let value = String(attribute.value) else { continue }
                switch attribute.type {
                case .RDNAttributeType.countryName: fields.country.append(value)
                case .RDNAttributeType.stateOrProvinceName: fields.province.append(value)
                case .RDNAttributeType.localityName: fields.locality.append(value)
                case .RDNAttributeType.streetAddress: fields.streetAddress.append(value)
                case postalCode: fields.postalCode.append(value)
                case .RDNAttributeType.organizationName: fields.organization.append(value)
                default: break
                }
            }
        }
        fields.organizationalUnit = [type] + affiliation.split(separator: ".").map(String.init)
        return try name(fields)
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
