// Who is calling: Basic authentication with an enrollment secret (enroll), or a token signed by
// the key of a certificate this CA issued and still stands behind (every other call).

import CharterCore
import CharterLDAP
import CharterStore
import Foundation
import Hummingbird
import NIOPosix

/// Authenticates API callers against the registry, or the LDAP directory when there is one.
struct Authenticator: Sendable {
    let registry: any Registry
    /// With `ldap.enabled`, the people: secrets are checked by binding, identities read there.
    let directory: LDAPDirectory?
    let hasher: SecretHasher
    let authority: CertificateAuthority
    /// Wrong secrets allowed before an identity is locked out.
    let passwordAttempts: Int
    /// Whether legacy tokens (which sign neither method nor URI) are accepted: fabric-ca's
    /// `FABRIC_CA_SERVER_COMPATIBILITY_MODE_V1_3`, off by default.
    let acceptsLegacyTokens: Bool
    let metrics: ServerMetrics
    /// Callers' certificates as parsed from their tokens (a few hundred identities send the same
    /// bytes with every request); revocation and the signature are still checked every time.
    let certificates = BoundedCache<String, AuthorizationToken.ParsedCertificate>(capacity: 256)

    /// Basic authentication: the identity whose secret matches.
    ///
    /// The attempt is counted before the secret is checked, in one conditional update, so N
    /// concurrent wrong guesses get no more than `passwordAttempts` tries between them. A correct
    /// secret leaves the count raised by one: recording the enrollment sets it back to zero, and
    /// a caller whose request then fails calls ``Registry/resetLoginAttempts(_:)``.
    func basic(_ request: Request) async throws -> Identity {
        let header = try authorizationHeader(request)
        guard header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        else {
            throw CharterError.authentication("The authorization header is not Basic user:secret")
        }
        let id = String(decoded[..<colon])
        let secret = String(decoded[decoded.index(after: colon)...])
        if let directory {
            return try Self.identity(of: try await directory.authenticate(id, password: secret))
        }
        guard let identity = try await metrics.timeDatabase("identity_lookup", { try await registry.identity(id) })
        else {
            throw CharterError.authentication("Unknown identity '\(id)'")
        }
        if identity.revoked {
            throw CharterError.authentication("Identity '\(id)' is revoked")
        }
        guard let attempt = try await registry.countLoginAttempt(id, limit: passwordAttempts) else {
            throw CharterError.authentication("Identity '\(id)' is locked: \(passwordAttempts) wrong secrets in a row")
        }
        guard try await verify(secret, identity.secretHash) else {
            throw CharterError.authentication("Wrong secret for '\(id)' (attempt \(attempt))")
        }
        return identity
    }

    /// Token authentication: the identity named by a valid, recorded, unrevoked certificate.
    func token(_ request: Request, body: [UInt8]) async throws -> Identity {
        let header = try authorizationHeader(request)
        let token = try AuthorizationToken(header: header, certificates: certificates)
        try token.verify(
            method: request.method.rawValue,
            requestURI: request.head.path ?? "/",
            body: body,
            acceptingLegacy: acceptsLegacyTokens
        )
        let now = Date()
        guard token.certificate.notValidBefore <= now, now <= token.certificate.notValidAfter else {
            throw CharterError.authentication("The token's certificate is expired or not yet valid")
        }
        let serial = Hex.canonicalSerial(Hex.encode(token.certificate.serialNumber.bytes)) ?? ""
        let aki = Hex.encode(authority.subjectKeyIdentifier)
        guard
            let (record, owner) = try await metrics.timeDatabase(
                "token_lookup",
                { try await registry.certificateAndOwner(serial: serial, authorityKeyIdentifier: aki) }
            )
        else {
            throw CharterError.authentication("The token's certificate \(serial) is not on record")
        }
        // A certificate byte-identical to the one this CA recorded when it issued it needs no
        // second signature check; any other encoding must verify against the CA key.
        guard record.pem == token.certificatePEM || authority.didIssue(token.certificate) else {
            throw CharterError.authentication("The token's certificate was not issued by this CA")
        }
        guard !record.isRevoked else {
            throw CharterError.authentication("The certificate in the authorization header is a revoked certificate")
        }
        if let directory {
            guard let name = SubjectPolicy.commonName(of: token.certificate.subject), name == record.enrollmentID else {
                throw CharterError.authentication("The token's certificate does not name its owner")
            }
            return try Self.identity(of: try await directory.lookup(name))
        }
        guard let identity = owner, SubjectPolicy.commonName(of: token.certificate.subject) == identity.id else {
            throw CharterError.authentication("The token's certificate names no registered identity")
        }
        guard !identity.revoked else {
            throw CharterError.authentication("Identity '\(identity.id)' is revoked")
        }
        return identity
    }

    /// A directory user as an identity. Its affiliation is its DN's `OU=` path and becomes OUs of
    /// its certificates, so it passes the rule every affiliation passes: an `ou=admin` in the
    /// directory must not make an organisation admin.
    static func identity(of user: LDAPUser) throws -> Identity {
        let identity = user.identity
        if !identity.affiliation.isEmpty {
            do {
                try Affiliation.validate(identity.affiliation)
            } catch let error as CharterError {
                throw CharterError.authorization("the directory entry \(user.dn) gives: \(error.message)")
            }
        }
        return identity
    }

    func authorizationHeader(_ request: Request) throws -> String {
        guard let header = request.headers[.authorization], !header.isEmpty else {
            throw CharterError(.noAuthorizationHeader, "No authorization header")
        }
        return header
    }

    /// bcrypt costs ~60 ms of CPU: it runs on the thread pool, never on an event loop.
    func verify(_ secret: String, _ stored: String) async throws -> Bool {
        guard SecretHasher.isExpensive(stored) else {
            return hasher.verify(secret, against: stored)
        }
        let hasher = self.hasher
        return try await NIOThreadPool.singleton.runIfActive { hasher.verify(secret, against: stored) }
    }
}
