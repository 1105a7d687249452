// `GET /certificates`: the certificates a caller may see, with fabric-ca's filters.

import CharterCore
import CharterStore
import Foundation
import Hummingbird

extension CAService {
    func listCertificates(_ request: Request, context: CharterRequestContext) async throws -> Response {
        let (caller, _) = try await tokenCaller(request, context: context)
        let query = request.uri.queryParameters
        try checkCAName(query["ca"].map(String.init))
        var filter = CertificateFilter()
        filter.enrollmentID = query["id"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        try AccessControl.checkCertificateListing(caller: caller, of: filter.enrollmentID)
        if let serial = query["serial"], !serial.isEmpty {
            guard let canonical = Hex.canonicalSerial(String(serial)) else {
                throw CharterError(.invalidRequest, "serial '\(serial)' is not hex")
            }
            filter.serial = canonical
        }
        if let aki = query["aki"], !aki.isEmpty {
            guard let bytes = Hex.decode(String(aki)) else {
                throw CharterError(.invalidRequest, "aki '\(aki)' is not hex")
            }
            filter.authorityKeyIdentifier = Hex.encode(bytes)
        }
        filter.revokedStart = try Self.time(query["revoked_start"], "revoked_start")
        filter.revokedEnd = try Self.time(query["revoked_end"], "revoked_end")
        filter.expiredStart = try Self.time(query["expired_start"], "expired_start")
        filter.expiredEnd = try Self.time(query["expired_end"], "expired_end")
        filter.notExpired = query["notexpired"].flatMap { AccessControl.parseBool(String($0)) } ?? false
        filter.notRevoked = query["notrevoked"].flatMap { AccessControl.parseBool(String($0)) } ?? false
        // The scope is the owners' affiliations in the registry; a directory's people have no
        // registry row, so there they see their own certificates (as fabric-ca's join gives).
        let ownInDirectory = authenticator.directory != nil && filter.enrollmentID == caller.id
        filter.affiliationScope = caller.affiliation.isEmpty || ownInDirectory ? nil : caller.affiliation
        filter.limit = Self.listingPageSize
        let registry = self.registry
        let selection = filter
        @Sendable func page(after key: CertificateKey?) async throws -> ListingPage<CertificateKey> {
            var filter = selection
            filter.after = key
            let records = try await registry.certificates(matching: filter)
            let last = records.count < Self.listingPageSize ? nil : records.last
            return ListingPage(
                entries: records.map { Array(CertificateListing.wireEntry($0.pem).utf8) },
                resumeAfter: last.map {
                    CertificateKey(serial: $0.serial, authorityKeyIdentifier: $0.authorityKeyIdentifier)
                }
            )
        }
        // fabric-ca streams this result: no newline after it, unlike its other results.
        return Envelope.streamed(
            head: #"{"result":"# + CertificateListing.wireHead,
            first: try await page(after: nil),
            next: page(after:),
            tail: CertificateListing.wireTail(caName: configuration.ca.name)
                + #","errors":[],"messages":[],"success":true}"#
        )
    }

    /// Rows read per page of a streamed listing: large enough that a page costs little more than
    /// its rows, small enough that memory stays flat.
    static let listingPageSize = 500

    /// A time filter of the query (see ``GoTime/parseFilter(_:now:)``), its name in the error.
    static func time(_ value: Substring?, _ name: String) throws -> Date? {
        guard let value, !value.isEmpty else { return nil }
        do {
            return try GoTime.parseFilter(String(value), now: Date())
        } catch let error as CharterError {
            throw CharterError(error.code, "\(name): \(error.message)")
        }
    }
}
