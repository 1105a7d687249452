import CharterAudit
import CharterCore
import Foundation
import Testing
import X509

@Suite struct CertificateChecksTests {
    let authority: CertificateAuthority
    let now = Date()

    init() throws {
        authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.subject(from: .init(), enrollmentID: "audit-ca", type: "", affiliation: ""),
            now: Date().addingTimeInterval(-86_400)
        )
    }

    func leaf(_ profile: SigningProfile = .enrollment, sans: [GeneralName] = [], expiry: Duration = .hours(24 * 365))
        throws -> Certificate
    {
        var profile = profile
        profile.expiry = expiry
        return try authority.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try SubjectPolicy.subject(
                    from: .init(),
                    enrollmentID: "peer0",
                    type: "peer",
                    affiliation: "org1"
                ),
                subjectAlternativeNames: sans,
                profile: profile
            )
        ).certificate
    }

    func checks(gateway: GatewayPolicy = GatewayPolicy()) -> CertificateChecks {
        CertificateChecks(
            authorities: [AuditedCertificate(authority.certificate, location: "ca.pem", isTLS: false)],
            within: .hours(30 * 24),
            gateway: gateway,
            now: now
        )
    }

    @Test func charterCertificatesAreClean() throws {
        let audited = AuditedCertificate(try leaf(), location: "leaf.pem", isTLS: false)
        #expect(checks().check(audited).isEmpty)
        #expect(checks().check(AuditedCertificate(authority.certificate, location: "ca.pem", isTLS: false)).isEmpty)
    }

    @Test func expiringSoonIsAWarning() throws {
        let findings = checks().check(
            AuditedCertificate(try leaf(expiry: .hours(24 * 5)), location: "leaf.pem", isTLS: false)
        )
        #expect(findings.map(\.kind) == [.expiringSoon])
        #expect(findings.first?.severity == .warning)
    }

    @Test func tlsCertificatesNeedTheirHostAndUsages() throws {
        let plain = AuditedCertificate(
            try leaf(),
            location: "peers/peer0/tls/server.crt",
            isTLS: true,
            hostFolder: "peer0.example.com",
            nodeType: "peer"
        )
        #expect(Set(checks().check(plain).map(\.kind)) == [.tlsUsageMissing, .hostNameMissing])
        let good = AuditedCertificate(
            try leaf(.tls, sans: [.dnsName("peer0.example.com"), .dnsName("gw")]),
            location: "x",
            isTLS: true,
            hostFolder: "peer0.example.com",
            nodeType: "peer"
        )
        #expect(checks().check(good).isEmpty)
        let policy = GatewayPolicy(rules: [GatewayRule(type: "peer", services: ["gw", "gw2"])])
        #expect(checks(gateway: policy).check(good).map(\.detail) == ["missing gw2"])
    }

    @Test func unknownIssuerWhenNoCAMatches() throws {
        let stranger = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.subject(from: .init(), enrollmentID: "stranger", type: "", affiliation: "")
        )
        let cert = try stranger.issue(
            IssuanceRequest(
                publicKey: SigningKey.generate().publicKey,
                subject: try SubjectPolicy.subject(from: .init(), enrollmentID: "x", type: "", affiliation: ""),
                profile: .enrollment
            )
        ).certificate
        #expect(checks().check(AuditedCertificate(cert, location: "x", isTLS: false)).map(\.kind) == [.unknownIssuer])
    }

    @Test func everyKindHasAFixAndAReason() {
        for kind in FindingKind.allCases {
            #expect(!kind.fix.isEmpty && !kind.why.isEmpty)
        }
    }
}
