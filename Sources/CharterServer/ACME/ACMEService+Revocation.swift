// Revocation (RFC 8555 §7.6) by the issuing account, an account holding every name, or the
// certificate's own key; renewal information (RFC 9773) as the renewal hint.

import CharterACME
import CharterCore
import CharterStore
import Foundation
import X509

extension ACMEService {
    func revokeCertificate(_ signed: SignedRequest) async throws -> Reply {
        let payload = try signed.jws.payloadObject()
        guard let text = payload["certificate"] as? String, let der = Base64URL.decode(text),
            let certificate = try? Certificate(derEncoded: der)
        else { throw ACMEProblem.malformed("revokeCert needs 'certificate', a base64url DER certificate") }
        var reason = RevocationReason.unspecified
        if let value = payload["reason"] {
            guard let code = value as? Int, let parsed = RevocationReason(rawValue: code),
                parsed != .removeFromCRL, parsed != .certificateHold, parsed != .caCompromise, parsed != .aaCompromise
            else { throw ACMEProblem(.badRevocationReason, "Reason \(value) is not one an ACME client may give") }
            reason = parsed
        }
        guard ca.authority.didIssue(certificate) else {
            throw ACMEProblem.malformed("The certificate was not issued by this CA")
        }
        let canonical = Hex.canonicalSerial(bytes: certificate.serialNumber.bytes)
        let aki = Hex.encode(ca.authority.subjectKeyIdentifier)
        guard let record = try await registry.certificate(serial: canonical, authorityKeyIdentifier: aki) else {
            throw ACMEProblem.malformed("The certificate is not on this CA's record")
        }
        guard record.status == "good" else { throw ACMEProblem(.alreadyRevoked, "The certificate is already revoked") }
        if let account = signed.account {
            try await checkMayRevoke(account, certificate: certificate, serial: canonical)
        } else if signed.key.certificatePublicKey != certificate.publicKey {
            throw ACMEProblem.unauthorized("The JWS key is not the certificate's")
        }
        do {
            _ = try await registry.revokeCertificate(
                serial: canonical,
                authorityKeyIdentifier: aki,
                reason: reason,
                at: Date()
            )
        } catch let error as CharterError where error.code == .alreadyRevoked {
            throw ACMEProblem(.alreadyRevoked, "The certificate is already revoked")
        }
        ca.metrics.countRevocations(ca: ca.configuration.ca.name, certificates: 1)
        return Reply()
    }

    /// The account that ordered it may revoke a certificate, and so may one with valid
    /// authorizations for each of its names.
    func checkMayRevoke(_ account: ACMEAccount, certificate: Certificate, serial: String) async throws {
        if try await registry.acmeObject(.certificate, id: serial)?.account == account.id { return }
        let names = ((try? certificate.extensions.subjectAlternativeNames) ?? nil).map(Array.init) ?? []
        let now = Date()
        let held = try await registry.acmeObjects(.authorization, account: account.id)
            .map { try Self.decode(ACMEAuthorization.self, $0) }
            .filter { $0.status == .valid && $0.expires > now }
            .map { ($0.wildcard ? "*." : "") + $0.identifier.value }
        let covered =
            !names.isEmpty
            && names.allSatisfy { name in
                if case .dnsName(let dns) = name { return held.contains(dns.lowercased()) }
                return false
            }
        guard covered else {
            throw ACMEProblem.unauthorized("This account neither ordered the certificate nor holds its names")
        }
    }

    // MARK: renewal information

    /// RFC 9773: when to renew. The window is the last third of the lifetime but its last
    /// sixth; a revoked certificate's window has already begun.
    func renewalInfo(_ certID: String) async throws -> Reply {
        guard let record = try await renewalRecord(certID) else {
            var problem = ACMEProblem.malformed("No certificate of this CA has ID '\(certID)'")
            problem.status = 404
            throw problem
        }
        let lifetime = record.notAfter.timeIntervalSince(record.notBefore)
        var start = record.notBefore.addingTimeInterval(lifetime * 2 / 3)
        var end = record.notBefore.addingTimeInterval(lifetime * 5 / 6)
        if record.status != "good" {
            end = Date()
            start = end.addingTimeInterval(-3600)
        }
        var reply = Reply.json(["suggestedWindow": ["start": Self.time(start), "end": Self.time(end)]])
        reply.headers[.retryAfter] = "21600"
        return reply
    }

    /// The certificate an ARI ID (`base64url(AKI).base64url(serial)`) names, if this CA's.
    func renewalRecord(_ certID: String) async throws -> CertificateRecord? {
        let parts = certID.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let keyID = Base64URL.decode(parts[0]), let serialBytes = Base64URL.decode(parts[1]),
            keyID == ca.authority.subjectKeyIdentifier, !serialBytes.isEmpty, serialBytes.count <= 20
        else { return nil }
        return try await registry.certificate(
            serial: Hex.canonicalSerial(bytes: serialBytes),
            authorityKeyIdentifier: Hex.encode(keyID)
        )
    }
}
