// Revocation and CRLs: `POST /revoke` and `POST /gencrl`.

import CharterCore
import CharterStore
import Foundation
import Hummingbird

extension CAService {
    func revoke(_ request: Request, context: CharterRequestContext) async throws -> Response {
        let (caller, body) = try await tokenCaller(request, context: context)
        let revocation = try Self.decode(RevocationRequest.self, from: body)
        try checkCAName(revocation.caName)
        try AccessControl.checkPower(caller, ReservedAttribute.revoker)
        // Every permission is checked before anything changes: no revocation followed by a 403.
        if revocation.gencrl == true { try AccessControl.checkPower(caller, ReservedAttribute.genCRL) }
        let reason = try RevocationReason(name: revocation.reason ?? "")
        let now = Date()

        var revoked: [CertificateRecord]
        if let serialText = revocation.serial, !serialText.isEmpty {
            guard let serial = Hex.canonicalSerial(serialText),
                let aki = revocation.aki.flatMap(Hex.decode).map(Hex.encode), !aki.isEmpty
            else {
                throw CharterError(.missingRevokeArguments, "Revoking a certificate needs its serial and AKI in hex")
            }
            guard let record = try await registry.certificate(serial: serial, authorityKeyIdentifier: aki) else {
                throw CharterError(.unknownCertificate, "Certificate \(serial) (AKI \(aki)) was not issued by this CA")
            }
            if let id = revocation.id, !id.isEmpty, id != record.enrollmentID {
                throw CharterError(
                    .invalidRequest,
                    "Certificate \(serial) belongs to '\(record.enrollmentID)', not '\(id)'"
                )
            }
            if let owner = try await owner(of: record.enrollmentID) {
                try AccessControl.checkActOn(caller: caller, target: owner)
            } else {
                try AccessControl.checkScope(caller: caller, target: "")
            }
            revoked = [
                try await registry.revokeCertificate(
                    serial: serial,
                    authorityKeyIdentifier: aki,
                    reason: reason,
                    at: now
                )
            ]
        } else if let id = revocation.id, !id.isEmpty {
            guard let target = try await owner(of: id) else {
                throw CharterError(.unknownIdentity, "Identity '\(id)' does not exist")
            }
            try AccessControl.checkActOn(caller: caller, target: target)
            if authenticator.directory != nil {
                // A directory entry cannot be marked revoked here: its certificates are.
                revoked = try await registry.revokeCertificates(of: id, reason: reason, at: now)
            } else {
                revoked = try await registry.revokeIdentity(id, reason: reason, at: now)
            }
        } else {
            throw CharterError(.missingRevokeArguments, "A revocation needs an enrollment ID, or a serial and an AKI")
        }

        var crl = ""
        if revocation.gencrl == true {
            crl = Data(try await makeCRL(CRLRequest()).pem.utf8).base64EncodedString()
        }
        metrics.countRevocations(ca: configuration.ca.name, certificates: revoked.count)
        let info = revoked.map { RevokedCertificateInfo(serial: $0.serial, aki: $0.authorityKeyIdentifier) }
        return try Envelope.success(RevocationResponse(revokedCerts: info, crl: crl))
    }

    /// The identity `id` names: the registry's, or the directory's entry when there is one.
    func owner(of id: String) async throws -> Identity? {
        guard let directory = authenticator.directory else { return try await registry.identity(id) }
        do {
            return try Authenticator.identity(of: try await directory.lookup(id))
        } catch let error as CharterError where error.code == .authenticationFailure {
            return nil
        }
    }

    func generateCRL(_ request: Request, context: CharterRequestContext) async throws -> Response {
        let (caller, body) = try await tokenCaller(request, context: context)
        let crlRequest = body.isEmpty ? CRLRequest() : try Self.decode(CRLRequest.self, from: body)
        try checkCAName(crlRequest.caName)
        try AccessControl.checkPower(caller, ReservedAttribute.genCRL)
        let crl = try await makeCRL(crlRequest)
        return Envelope.success(json: CRLResponse(crl: Data(crl.pem.utf8).base64EncodedString()).wireJSON)
    }

    /// A CRL of every revoked certificate within the request's windows, numbered one higher than the last.
    func makeCRL(_ request: CRLRequest) async throws -> CertificateRevocationList {
        var filter = CertificateFilter()
        filter.revokedOnly = true
        filter.revokedStart = request.revokedAfter
        filter.revokedEnd = request.revokedBefore
        filter.expiredStart = request.expireAfter
        filter.expiredEnd = request.expireBefore
        filter.authorityKeyIdentifier = Hex.encode(authority.subjectKeyIdentifier)
        let revoked = try await registry.revocations(matching: filter)
        let now = Date()
        defer { metrics.countCRL(ca: configuration.ca.name) }
        return try CertificateRevocationList(
            authority: authority,
            revoked: revoked,
            number: try await registry.nextCRLNumber(),
            thisUpdate: now,
            nextUpdate: now.addingTimeInterval(try DurationText.parse(configuration.crl.expiry).timeInterval)
        )
    }
}
