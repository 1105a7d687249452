// ACME's errors: problem documents (RFC 7807) with the types of RFC 8555 §6.7.

import Foundation

/// A refusal an ACME client can act on: the type says what went wrong, the detail says it to a
/// person, the status is the HTTP status it is answered with.
public struct ACMEProblem: Error, Sendable, Hashable, Codable {
    /// The error types of RFC 8555 §6.7 that Charter answers with.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case accountDoesNotExist
        case alreadyRevoked
        case badCSR
        case badNonce
        case badPublicKey
        case badRevocationReason
        case badSignatureAlgorithm
        case connection
        case dns
        case externalAccountRequired
        case incorrectResponse
        case invalidContact
        case malformed
        case orderNotReady
        case rateLimited
        case rejectedIdentifier
        case serverInternal
        case tls
        case unauthorized
        case unsupportedContact
        case unsupportedIdentifier

        /// The status a problem of this kind is answered with.
        public var status: Int {
            switch self {
            case .orderNotReady, .unauthorized: return 403
            case .rateLimited: return 429
            case .serverInternal: return 500
            default: return 400
            }
        }
    }

    /// The full type URN (`urn:ietf:params:acme:error:badNonce`).
    public var type: String
    /// What went wrong, for a person.
    public var detail: String
    /// The HTTP status.
    public var status: Int
    /// The identifier a per-identifier problem is about.
    public var identifier: ACMEIdentifier?
    /// The algorithms accepted, with `badSignatureAlgorithm`.
    public var algorithms: [String]?

    /// A problem of a kind, with its status.
    public init(_ kind: Kind, _ detail: String, identifier: ACMEIdentifier? = nil) {
        self.type = "urn:ietf:params:acme:error:\(kind.rawValue)"
        self.detail = detail
        self.status = kind.status
        self.identifier = identifier
    }

    /// The kind, read back from the type.
    public var kind: Kind? {
        Kind(rawValue: String(type.dropFirst("urn:ietf:params:acme:error:".count)))
    }

    /// The problem as `application/problem+json`.
    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? [UInt8](encoder.encode(self)))
            ?? Array(#"{"type":"urn:ietf:params:acme:error:serverInternal"}"#.utf8)
    }

    /// A request that does not parse or lacks a field.
    public static func malformed(_ detail: String) -> ACMEProblem { ACMEProblem(.malformed, detail) }
    /// A request the account may not make.
    public static func unauthorized(_ detail: String) -> ACMEProblem { ACMEProblem(.unauthorized, detail) }
}
