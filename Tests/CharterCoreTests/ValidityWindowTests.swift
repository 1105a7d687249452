import CharterCore
import Foundation
import Testing

@Suite struct ValidityWindowTests {
    let ca = ValidityWindow(
        notBefore: Date(timeIntervalSince1970: 1_000_000),
        notAfter: Date(timeIntervalSince1970: 1_000_000 + 10 * 365 * 86_400)
    )

    @Test func backdatesByTheConfiguredAmount() throws {
        let now = ca.notBefore.addingTimeInterval(3600)
        let window = try ValidityWindow(now: now, backdate: .minutes(5), expiry: .hours(24), issuer: ca)
        #expect(window.notBefore == now.addingTimeInterval(-300))
        #expect(window.notAfter == now.addingTimeInterval(86_400))
    }

    @Test func notBeforeNeverPrecedesIssuer() throws {
        // The CA was created one second before this enrollment.
        let now = ca.notBefore.addingTimeInterval(1)
        let window = try ValidityWindow(now: now, backdate: .minutes(5), expiry: .hours(24), issuer: ca)
        #expect(window.notBefore == ca.notBefore)
        #expect(window.isInside(ca))
    }

    @Test func notAfterNeverPassesIssuer() throws {
        let now = ca.notAfter.addingTimeInterval(-60)
        let window = try ValidityWindow(now: now, backdate: .minutes(5), expiry: .hours(8760), issuer: ca)
        #expect(window.notAfter == ca.notAfter)
        #expect(window.isInside(ca))
    }

    @Test func secondsAreRoundedDownNotIntoTheFuture() throws {
        let now = ca.notBefore.addingTimeInterval(3600.9)
        let window = try ValidityWindow(now: now, backdate: .zero, expiry: .hours(1), issuer: ca)
        #expect(window.notBefore == ca.notBefore.addingTimeInterval(3600))
        #expect(window.notBefore <= now)
    }

    @Test func fractionalIssuerStartIsRoundedUpSoTheLeafStaysInside() throws {
        let issuer = ValidityWindow(notBefore: ca.notBefore.addingTimeInterval(0.4), notAfter: ca.notAfter)
        let window = try ValidityWindow(now: issuer.notBefore, backdate: .minutes(5), expiry: .hours(1), issuer: issuer)
        #expect(window.notBefore >= issuer.notBefore)
    }

    @Test func refusesToIssueUnderAnExpiredCA() {
        #expect(throws: CharterError.self) {
            try ValidityWindow(now: ca.notAfter.addingTimeInterval(10), backdate: .zero, expiry: .hours(1), issuer: ca)
        }
    }

    @Test func caCreatedJustNowStillContainsItsFirstLeaf() throws {
        let now = Date()
        let authority = try Fixture.authority(now: now.addingTimeInterval(-1), backdate: .zero)
        let key = SigningKey.generate()
        let issued = try authority.issue(
            IssuanceRequest(publicKey: key.publicKey, subject: try Fixture.subject(cn: "peer0"), profile: .enrollment),
            now: now
        )
        #expect(issued.certificate.notValidBefore >= authority.certificate.notValidBefore)
        #expect(issued.certificate.notValidAfter <= authority.certificate.notValidAfter)
    }
}
