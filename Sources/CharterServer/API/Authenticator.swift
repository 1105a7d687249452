// Who is calling: Basic authentication with an enrollment secret (enroll), or a token signed by
// the key of a certificate this CA issued and still stands behind (every other call).

import CharterCore
import CharterIdemix
import CharterLDAP
import CharterStore
import Crypto
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
    /// The CA's Idemix issuer key: fabric-ca also takes an Idemix signature as a token.
    let idemixIssuer: IssuerPublicKey
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
        if header.hasPrefix("idemix.") { return try await idemixToken(header, request: request, body: body) }
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

    /// fabric-ca's Idemix token, `idemix.1.<enrollment ID>.<base64 signature>`: a signature of
    /// knowledge of a credential of this CA's issuer disclosing the enrollment ID, over the SHA-256
    /// of `method.b64(URI).b64(body)`. The identity must hold an unrevoked credential and not be
    /// revoked. The check (a pairing and some twenty multiplications) runs off the event loop.
    func idemixToken(_ header: String, request: Request, body: [UInt8]) async throws -> Identity {
        let parts = header.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else {
            throw CharterError.authentication(
                "Invalid Idemix token format; token format must be: 'idemix.<version>.<enrollment ID>.<base64 encoding of Idemix signature bytes>'"
            )
        }
        guard parts[1] == "1" else {
            throw CharterError.authentication("Invalid version found in the Idemix token. Version must be 1")
        }
        let id = parts[2]
        guard parts[3].utf8.count <= 16_384, let bytes = Data(base64Encoded: parts[3]) else {
            throw CharterError.authentication("The Idemix token's signature is not base64")
        }
        guard try await registry.goodIdemixCredentials(of: id) > 0 else {
            throw CharterError.authentication("Enrollment ID '\(id)' does not have any Idemix credentials")
        }
        let uri = Data((request.head.path ?? "/").utf8).base64EncodedString()
        let message = Array(
            SHA256.hash(data: Array("\(request.method.rawValue).\(uri).\(Data(body).base64EncodedString())".utf8))
        )
        let issuer = idemixIssuer
        let enrollmentID = Scalar(hashing: Array(id.utf8))
        do {
            try await NIOThreadPool.singleton.runIfActive {
                try Signature(serialized: Array(bytes)).verify(
                    issuer: issuer,
                    message: message,
                    disclosed: [2: enrollmentID]
                )
            }
        } catch let error as IdemixError {
            throw CharterError.authentication("Failed to verify the Idemix token: \(error)")
        }
        if let directory { return try Self.identity(of: try await directory.lookup(id)) }
        guard let identity = try await registry.identity(id) else {
            throw CharterError.authentication("The Idemix token names no registered identity")
        }
        guard !identity.revoked else { throw CharterError.authentication("Identity '\(id)' is revoked") }
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
