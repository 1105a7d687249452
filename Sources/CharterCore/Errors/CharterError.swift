// The one error family of Charter: every failure carries a code that decides the fabric-ca wire code
// and HTTP status, and a message meant for the operator.

/// A failure that Charter reports to a client or an operator: the server's, the client's,
/// cryptogen's and the audit's, all one family.
///
/// The code, not the message, decides what goes on the wire, so that clients written against
/// fabric-ca (which branch on numeric codes) keep working while messages stay free to improve.
/// Like swift-certificates' `CertificateError`, each error remembers where it was raised, for
/// logs and bug reports; two errors are equal when their code and texts are.
public struct CharterError: Error, Sendable {
    /// What kind of failure this is; it selects the fabric-ca code and HTTP status.
    public var code: Code
    /// A sentence for the person reading the error.
    public var message: String
    /// Detail for the server log only: authentication failures never tell the client why.
    public var logDetail: String?
    /// The fabric-ca code a server answered with, for ``Code/remote`` errors a client received.
    public var remoteCode: Int?
    /// The source file that raised the error.
    public var file: String
    /// The line that raised the error.
    public var line: Int

    /// Creates an error, remembering where.
    public init(
        _ code: Code,
        _ message: String,
        logDetail: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.logDetail = logDetail
        self.file = file
        self.line = line
    }

    /// An error a fabric-ca server answered with, carrying its code.
    public static func remote(code: Int, message: String, file: String = #fileID, line: Int = #line) -> CharterError {
        var error = CharterError(.remote, message, file: file, line: line)
        error.remoteCode = code
        return error
    }
}

extension CharterError: Equatable {
    public static func == (lhs: CharterError, rhs: CharterError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.logDetail == rhs.logDetail
            && lhs.remoteCode == rhs.remoteCode
    }
}

extension CharterError {
    /// The kinds of failure, each mapped to fabric-ca's numeric code and HTTP status in `wire`.
    public enum Code: String, Sendable, CaseIterable {
        case methodNotAllowed
        case noAuthorizationHeader
        case emptyBody
        case bodyTooLarge
        case invalidBody
        case unknownCA
        case authenticationFailure
        case badCSR
        case invalidProfile
        case invalidHosts
        case invalidRequest
        case missingAttribute
        case authorizationFailure
        case duplicateIdentity
        case duplicateAffiliation
        case unknownIdentity
        case unknownCertificate
        case alreadyRevoked
        case missingRevokeArguments
        case identityRemovalDisabled
        case affiliationRemovalDisabled
        case needsForce
        case unknownAffiliation
        case affiliationNotFound
        case commonNameMismatch
        case storage
        /// A stored object changed, or its key was taken, between a request's read and its write.
        case conflict
        /// The registry cannot take writes now (its disk is full); reads go on and the same
        /// request may succeed later.
        case unavailable
        case fileSystem
        case configuration
        /// A server's error, received by a client (see ``CharterError/remoteCode``).
        case remote
        /// The server could not be reached.
        case unreachable
        /// The server's answer is not what the protocol says.
        case invalidResponse
        case internalError
    }
}

extension CharterError.Code {
    /// fabric-ca's numeric error code and the HTTP status it is sent with (lib/caerrors).
    ///
    /// One table, so a code never travels with two different statuses.
    public var wire: (fabricCode: Int, httpStatus: Int) {
        switch self {
        case .methodNotAllowed: return (1, 405)
        case .noAuthorizationHeader: return (2, 401)
        case .emptyBody: return (4, 400)
        case .bodyTooLarge: return (5, 413)
        case .invalidBody: return (5, 400)
        case .unknownCA: return (19, 404)
        case .authenticationFailure: return (20, 401)
        case .badCSR: return (31, 400)
        case .invalidProfile: return (0, 400)
        case .invalidHosts: return (0, 400)
        case .invalidRequest: return (0, 400)
        case .missingAttribute: return (0, 400)
        case .authorizationFailure: return (71, 403)
        case .duplicateIdentity: return (74, 409)
        case .duplicateAffiliation: return (60, 409)
        case .unknownIdentity: return (63, 404)
        case .unknownCertificate: return (8, 404)
        case .alreadyRevoked: return (66, 409)
        case .missingRevokeArguments: return (15, 400)
        case .identityRemovalDisabled: return (56, 403)
        case .affiliationRemovalDisabled: return (61, 403)
        case .needsForce: return (64, 400)
        case .unknownAffiliation: return (63, 400)
        case .affiliationNotFound: return (63, 404)
        case .commonNameMismatch: return (77, 403)
        case .storage: return (0, 500)
        case .conflict: return (0, 409)
        case .unavailable: return (0, 503)
        case .fileSystem: return (0, 500)
        case .configuration: return (0, 500)
        case .remote, .unreachable, .invalidResponse: return (0, 502)
        case .internalError: return (0, 500)
        }
    }
}

extension CharterError: CustomStringConvertible, CustomDebugStringConvertible {
    /// The message with the fabric-ca code it travels with (or was received with).
    public var description: String {
        "\(message) (code \(remoteCode ?? code.wire.fabricCode))"
    }

    /// The description with the code's name and where the error was raised.
    public var debugDescription: String {
        "CharterError.\(code.rawValue) at \(file):\(line): \(description)"
    }
}

extension CharterError {
    /// The single authentication failure that goes on the wire; the reason stays in the log.
    public static func authentication(_ detail: String) -> CharterError {
        CharterError(.authenticationFailure, "Authentication failure", logDetail: detail)
    }

    /// An authorization failure; unlike authentication, the caller is known, so the reason is told.
    public static func authorization(_ detail: String) -> CharterError {
        CharterError(.authorizationFailure, "Authorization failure: \(detail)")
    }
}
