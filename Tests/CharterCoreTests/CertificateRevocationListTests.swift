import CharterCore
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct CertificateRevocationListTests {
    let authority: CertificateAuthority
    init() throws { authority = try Fixture.authority() }

    func parse(_ der: [UInt8]) throws -> (tbs: ASN1Node, signature: [UInt8], tbsBytes: ArraySlice<UInt8>) {
        let root = try DER.parse(der)
        guard case .constructed(let parts) = root.content else { throw CharterError(.internalError, "not a SEQUENCE") }
        let nodes = Array(parts)
        let signature = try ASN1BitString(derEncoded: nodes[2])
        return (nodes[0], Array(signature.bytes), nodes[0].encodedBytes)
    }

    @Test func isSignedByTheCAAndListsEveryEntryWithItsReason() throws {
        let now = Date()
        let crl = try CertificateRevocationList(
            authority: authority,
            revoked: [
                RevokedCertificate(
                    serialHex: "5b2d22d19ca2a548cdf0bc9012a5ed57ebf54c46",
                    revokedAt: now,
                    reason: .keyCompromise
                ),
                RevokedCertificate(serialHex: "01", revokedAt: now, reason: .unspecified),
            ],
            number: 7,
            thisUpdate: now,
            nextUpdate: now.addingTimeInterval(86_400)
        )
        let (tbs, signature, tbsBytes) = try parse(crl.der)
        let key = try #require(P256.Signing.PublicKey(authority.certificate.publicKey))
        #expect(
            key.isValidSignature(
                try P256.Signing.ECDSASignature(derRepresentation: signature),
                for: SHA256.hash(data: Array(tbsBytes))
            )
        )
        #expect(LowS.isLow(der: signature, curveBytes: 32))
        guard case .constructed(let fields) = tbs.content else { Issue.record("TBS is not a SEQUENCE"); return }
        let items = Array(fields)
        #expect(try Int(derEncoded: items[0]) == 1)  // v2
        #expect(try DistinguishedName(derEncoded: items[2]) == authority.certificate.subject)
        guard case .constructed(let entries) = items[5].content else { Issue.record("no revoked list"); return }
        let list = Array(entries)
        #expect(list.count == 2)
        let reasonCodeOID: [UInt8] = [0x06, 0x03, 0x55, 0x1d, 0x15]
        let crlNumberOID: [UInt8] = [0x06, 0x03, 0x55, 0x1d, 0x14]
        #expect(Array(list[0].encodedBytes).firstRange(of: reasonCodeOID) != nil)
        // an unspecified reason is left out, as RFC 5280 recommends
        #expect(Array(list[1].encodedBytes).firstRange(of: reasonCodeOID) == nil)
        #expect(Array(items[6].encodedBytes).firstRange(of: crlNumberOID) != nil)
        #expect(crl.pem.hasPrefix("-----BEGIN X509 CRL-----\n"))
    }

    @Test func anEmptyCRLHasNoRevokedList() throws {
        let crl = try CertificateRevocationList(
            authority: authority,
            revoked: [],
            number: 1,
            thisUpdate: Date(),
            nextUpdate: Date() + 60
        )
        guard case .constructed(let fields) = try parse(crl.der).tbs.content else { Issue.record("TBS"); return }
        #expect(Array(fields).count == 6)  // version, alg, issuer, this, next, extensions
    }

    @Test func datesFrom2050UseGeneralizedTime() throws {
        let far = Date(timeIntervalSince1970: 2_600_000_000)  // 2052
        let crl = try CertificateRevocationList(
            authority: authority,
            revoked: [],
            number: 1,
            thisUpdate: Date(),
            nextUpdate: far
        )
        guard case .constructed(let fields) = try parse(crl.der).tbs.content else { Issue.record("TBS"); return }
        let items = Array(fields)
        #expect(items[3].identifier == .utcTime)
        #expect(items[4].identifier == .generalizedTime)
    }

    /// Times are written by arithmetic: they match what a UTC calendar says, on both sides of
    /// 2050, before 1970 and on a leap day.
    @Test(arguments: [0, 951_782_399, 951_868_800, 1_796_579_003, 2_524_607_999, 2_524_608_000, -86_401])
    func timesMatchTheCalendar(seconds: Int) throws {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds) + 0.75)
        let crl = try CertificateRevocationList(
            authority: authority,
            revoked: [],
            number: 1,
            thisUpdate: date,
            nextUpdate: date + 60
        )
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard case .constructed(let fields) = try parse(crl.der).tbs.content else { Issue.record("TBS"); return }
        let node = Array(fields)[3]
        if node.identifier == .utcTime {
            let time = try UTCTime(derEncoded: node)
            #expect(
                [time.year, time.month, time.day, time.hours, time.minutes, time.seconds]
                    == [c.year, c.month, c.day, c.hour, c.minute, c.second]
            )
        } else {
            let time = try GeneralizedTime(derEncoded: node)
            #expect(time.year >= 2050)
            #expect(
                [time.year, time.month, time.day, time.hours, time.minutes, time.seconds]
                    == [c.year, c.month, c.day, c.hour, c.minute, c.second]
            )
        }
    }
}

@Suite struct RevocationReasonTests {
    @Test(arguments: [
        ("keycompromise", RevocationReason.keyCompromise), ("KeyCompromise", .keyCompromise),
        ("superseded", .superseded), ("", .unspecified), ("4", .superseded), ("affiliationchange", .affiliationChanged),
    ])
    func parsesFabricNames(name: String, reason: RevocationReason) throws {
        #expect(try RevocationReason(name: name) == reason)
    }

    @Test func unknownNamesAreClearErrors() {
        let error = #expect(throws: CharterError.self) { try RevocationReason(name: "bored") }
        #expect(error?.message.contains("keycompromise") == true)
    }
}
