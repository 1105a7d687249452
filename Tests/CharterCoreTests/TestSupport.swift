// Shared fixtures: a CA, CSRs made with swift-certificates, identities.

import CharterCore
import Foundation
import SwiftASN1
import X509

enum Fixture {
    static func subject(cn: String, ou: String? = "Fabric") throws -> DistinguishedName {
        try DistinguishedName {
            CountryName("US")
            StateOrProvinceName("North Carolina")
            OrganizationName("Hyperledger")
            if let ou { OrganizationalUnitName(ou) }
            CommonName(cn)
        }
    }

    static func authority(now: Date = Date(), backdate: Duration = .minutes(5)) throws -> CertificateAuthority {
        try CertificateAuthority.selfSigned(subject: try subject(cn: "test-ca"), now: now, backdate: backdate)
    }

    static func csrPEM(cn: String, key: SigningKey = .generate(), sans: [GeneralName] = []) throws -> String {
        var attributes = CertificateSigningRequest.Attributes()
        if !sans.isEmpty {
            let extensions = try Certificate.Extensions { SubjectAlternativeNames(sans) }
            attributes.insert(try .init(ExtensionRequest(extensions: extensions)))
        }
        let csr = try CertificateSigningRequest(
            version: .v1,
            subject: try subject(cn: cn, ou: "ignored"),
            privateKey: key.certificateKey,
            attributes: attributes,
            signatureAlgorithm: key.signatureAlgorithm
        )
        return try csr.serializeAsPEM().pemString
    }

    static func identity(
        _ id: String,
        type: String = "peer",
        affiliation: String = "org1.department1",
        attributes: [IdentityAttribute] = []
    ) -> Identity {
        Identity(
            id: id,
            type: type,
            affiliation: affiliation,
            attributes: attributes,
            maxEnrollments: -1,
            secretHash: ""
        )
    }
}
