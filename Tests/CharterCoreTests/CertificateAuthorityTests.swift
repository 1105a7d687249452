import CharterCore
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct CertificateAuthorityTests {
    let authority: CertificateAuthority
    init() throws { authority = try Fixture.authority() }

    func issue(_ profile: SigningProfile = .enrollment, sans: [GeneralName] = []) throws -> IssuedCertificate {
        let key = SigningKey.generate()
        return try authority.issue(
            IssuanceRequest(
                publicKey: key.publicKey,
                subject: try Fixture.subject(cn: "peer0"),
                subjectAlternativeNames: sans,
                profile: profile,
                attributes: AttributeExtension(["hf.Type": "peer"])
            )
        )
    }

    @Test func caLooksLikeFabricCAs() throws {
        let ca = authority.certificate
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 1))
        #expect(try ca.extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
        #expect(ca.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        #expect(try ca.extensions.subjectKeyIdentifier != nil)
        #expect(try ca.extensions.authorityKeyIdentifier == nil)
    }

    @Test func theCAProfileIssuesAnIntermediateThatSignsLeavesOnly() throws {
        let key = SigningKey.generate()
        let issued = try authority.issue(
            IssuanceRequest(
                publicKey: key.publicKey,
                subject: try Fixture.subject(cn: "int1"),
                profile: .intermediateCA
            )
        )
        let certificate = issued.certificate
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(try certificate.extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
        #expect(try certificate.extensions.subjectKeyIdentifier != nil)
        #expect(certificate.notValidAfter <= authority.validity.notAfter)
        #expect(certificate.notValidBefore >= authority.validity.notBefore)
        let intermediate = try CertificateAuthority(
            certificate: certificate,
            key: key,
            parents: [authority.certificate]
        )
        #expect(intermediate.pathLength == 0)
        // path length 0: leaves yes, CAs no
        _ = try intermediate.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try Fixture.subject(cn: "leaf"),
                profile: .enrollment
            )
        )
        let error = #expect(throws: CharterError.self) {
            try intermediate.issue(
                IssuanceRequest(
                    publicKey: SigningKey.generate().publicKey,
                    subject: try Fixture.subject(cn: "int2"),
                    profile: .intermediateCA
                )
            )
        }
        #expect(error?.code == .authorizationFailure)
    }

    @Test func anUnlimitedCAProfileStillShortensTheIssuersPathLength() throws {
        var profile = SigningProfile.intermediateCA
        profile.certificateAuthority = .init(maxPathLength: nil)
        let issued = try authority.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try Fixture.subject(cn: "int1"),
                profile: profile
            )
        )
        // the root's path length is 1: one CA below it, which may sign leaves only
        #expect(try issued.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
    }

    @Test func defaultProfileLeaf() throws {
        let leaf = try issue().certificate
        #expect(try leaf.extensions.keyUsage == KeyUsage(digitalSignature: true))
        #expect(leaf.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
        #expect(try leaf.extensions.extendedKeyUsage == nil)
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(
            try leaf.extensions.authorityKeyIdentifier?.keyIdentifier.map(Array.init)
                == authority.subjectKeyIdentifier
        )
        #expect(
            try leaf.extensions.subjectKeyIdentifier?.keyIdentifier
                == SubjectKeyIdentifier(hash: leaf.publicKey).keyIdentifier
        )
        #expect(authority.didIssue(leaf))
    }

    @Test func extensionOrderMatchesFabricCA() throws {
        let leaf = try issue(.tls, sans: [.dnsName("peer0.org1.example.com")]).certificate
        let oids = leaf.extensions.map(\.oid)
        #expect(
            oids == [
                .X509ExtensionID.keyUsage, .X509ExtensionID.extendedKeyUsage, .X509ExtensionID.basicConstraints,
                .X509ExtensionID.subjectKeyIdentifier, .X509ExtensionID.authorityKeyIdentifier,
                .X509ExtensionID.subjectAlternativeName, AttributeExtension.oid,
            ]
        )
    }

    @Test func tlsProfileLeaf() throws {
        let leaf = try issue(.tls).certificate
        #expect(
            try leaf.extensions.keyUsage == KeyUsage(digitalSignature: true, keyEncipherment: true, keyAgreement: true)
        )
        #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth, .clientAuth]))
    }

    @Test func serialsArePositiveAndTwentyBytes() throws {
        var seen = Set<[UInt8]>()
        for _ in 0..<200 {
            let serial = SerialNumberGenerator.next()
            #expect(serial.bytes.count == 20)
            #expect(serial.bytes.first! & 0x80 == 0)
            #expect(serial.bytes.first! != 0)
            seen.insert(Array(serial.bytes))
        }
        #expect(seen.count == 200)
        let issued = try issue()
        #expect(issued.serialHex.count == 40)
        #expect(issued.serialHex == issued.serialHex.lowercased())
    }

    @Test func signaturesAreLowS() throws {
        for _ in 0..<50 {
            let leaf = try issue().certificate
            var serializer = DER.Serializer()
            try serializer.serialize(leaf)
            let der = serializer.serializedBytes
            let certificateNode = try DER.parse(der)
            guard case .constructed(let children) = certificateNode.content else {
                Issue.record("not a SEQUENCE"); return
            }
            let signatureNode = Array(children)[2]
            let bits = try ASN1BitString(derEncoded: signatureNode)
            #expect(LowS.isLow(der: Array(bits.bytes), curveBytes: 32))
        }
    }

    @Test func lowSNormalisationFlipsHighS() throws {
        // r = 1, s = n - 1 (high) becomes s = 1.
        let order = Hex.decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")!
        var sHigh = order
        sHigh[sHigh.count - 1] -= 1
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(ArraySlice<UInt8>([1]))
            try coder.serialize(ArraySlice<UInt8>([0] + sHigh))
        }
        let high = serializer.serializedBytes
        #expect(!LowS.isLow(der: high, curveBytes: 32))
        let low = try LowS.normalise(der: high, order: order)
        #expect(LowS.isLow(der: low, curveBytes: 32))
        #expect(low == [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])
    }

    @Test func refusesAKeyThatDoesNotMatchTheCertificate() throws {
        #expect(throws: CharterError.self) {
            try CertificateAuthority(certificate: authority.certificate, key: .generate())
        }
    }
}

@Suite struct CARenewalTests {
    @Test func aRenewedRootKeepsKeySubjectSKIAndStartAndOutlivesTheOld() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let old = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: "ca")),
            now: start,
            expiry: .hours(100)
        )
        let leaf = try old.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try SubjectPolicy.name(SubjectPolicy.Fields(commonName: "leaf")),
                profile: .enrollment
            ),
            now: start.addingTimeInterval(60)
        )
        let renewed = try old.renewed(now: start.addingTimeInterval(90 * 3600), expiry: .hours(1000))
        #expect(renewed.certificate.subject == old.certificate.subject)
        #expect(renewed.certificate.publicKey == old.certificate.publicKey)
        #expect(renewed.subjectKeyIdentifier == old.subjectKeyIdentifier)
        #expect(renewed.certificate.notValidBefore == old.certificate.notValidBefore)
        #expect(renewed.certificate.notValidAfter > old.certificate.notValidAfter)
        #expect(renewed.certificate.serialNumber != old.certificate.serialNumber)
        #expect(renewed.didIssue(leaf.certificate))
        #expect(leaf.window.isInside(renewed.validity))
    }
}
