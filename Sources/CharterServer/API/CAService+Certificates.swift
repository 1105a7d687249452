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
        filter.affiliationScope = caller.affiliation.isEmpty ? nil : caller.affiliation
        let records = try await registry.certificates(matching: filter)

        // fabric-ca streams this result; its bytes end `], "caname":""}` with a space and no newline.
        var body = Array(#"{"result":{"certs":["#.utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += Array(#"{"PEM":\#(GoJSON.quote(record.pem))}"#.utf8)
        }
        body += Array(
            #"], "caname":\#(GoJSON.quote(configuration.ca.name))},"errors":[],"messages":[],"success":true}"#.utf8
        )
        return Envelope.response(body, status: .ok)
    }

    /// An RFC 3339 time, or a duration relative to now (`-30d`, `+1h`), as fabric-ca-client's
    /// `--revocation` and `--expiration` windows are written.
    static func time(_ value: Substring?, _ name: String) throws -> Date? {
        guard let value, !value.isEmpty else { return nil }
        let text = String(value)
        if let date = GoTime.parse(text) { return GoTime.isZero(date) ? nil : GoTime.clamp(date) }
        let sign: Double = text.hasPrefix("-") ? -1 : 1
        let magnitude = text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard let duration = try? DurationText.parse(magnitude) else {
            throw CharterError(
                .invalidRequest,
                "\(name) '\(text)' is neither an RFC 3339 time nor a duration like -30d"
            )
        }
        return GoTime.clamp(Date().addingTimeInterval(sign * duration.timeInterval))
    }
}
