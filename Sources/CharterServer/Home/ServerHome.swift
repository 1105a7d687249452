// The server's home folder: the CA key and certificate, the server's TLS pair, the secret-hashing
// key, the config and the database. `init` creates what is missing; an existing fabric-ca-server
// home (`ca-cert.pem`, `msp/keystore/*_sk`) is taken over as it is.

import CharterCore
import CharterLDAP
import CharterMySQL
import CharterPKCS11
import CharterPostgres
import CharterStore
import Foundation
import SwiftASN1
import X509

/// Everything the server loads from its home before it can serve.
public struct ServerHome: Sendable {
    /// The home folder.
    public let path: String
    /// The effective configuration.
    public let configuration: ServerConfiguration
    /// The CA.
    public let authority: CertificateAuthority
    /// The registry: SQLite in the home, or a PostgreSQL database shared with other replicas.
    public let registry: any Registry
    /// Secret hashing, keyed by the home's key.
    public let hasher: SecretHasher
    /// Signs the transparency log's checkpoints.
    public let logSigner: NoteSigner
    /// The API's TLS certificate chain (leaf, then CA) and key, when TLS is on.
    public let tls: (chainPEM: String, key: TLSPrivateKey)?
    /// Where the CA's and the TLS keys live (files, or the HSM's token).
    let keys: KeyStore
    /// The LDAP directory that holds this CA's people, when `ldap.enabled`.
    public let directory: LDAPDirectory?
    /// The Idemix issuer: credentials for Fabric's idemix MSP.
    public let idemix: IdemixIssuer
    /// The secret of a bootstrap admin this start created because the home had no identity and
    /// none was given: shown to the operator once, never stored in clear.
    public var generatedBootstrapSecret: String?

    /// The config file name inside the home.
    public static let configFileName = "charter-server-config.yaml"

    /// Loads the home at `path`, creating whatever is missing.
    ///
    /// - Parameters:
    ///   - configuration: the effective configuration (file plus flags).
    ///   - bootstrap: `-b user:pass`, registered as the admin when no such identity exists. With
    ///     none, a home without identities gets `admin` with a random secret
    ///     (``generatedBootstrapSecret``).
    ///   - configFile: the config file written into a new home (another CA's own file name).
    public static func open(
        path: String,
        configuration: ServerConfiguration,
        bootstrap: ServerConfiguration.BootstrapIdentity?,
        hostName: String = ProcessInfo.processInfo.hostName,
        configFile: String = configFileName
    ) async throws -> ServerHome {
        // The CA and the registry first: an unsupported db.type, an unreachable shared database or
        // a parent CA that refuses stops the start before anything is written.
        let files = HomeFiles(root: path)
        let directory = try configuration.ldap.directory(home: files)
        // A wrong HSM library, label or PIN stops the start before anything is made.
        let keys = try configuration.bccsp.keyStore()
        let (authority, made) = try await loadOrMakeAuthority(files: files, configuration: configuration, keys: keys)
        let registry = try await openRegistry(configuration: configuration, home: path)
        // The home and the keystore hold private keys and the database: owner only.
        try files.makeDirectory("", private: true)
        try files.makeDirectory("msp")
        try files.makeDirectory("msp/keystore", private: true)
        try files.makeDirectory("msp/signcerts")
        if !files.exists(configFile) {
            // The parent's enrollment secret serves once, at init: it is not written down.
            var written = configuration
            written.intermediate.parentserver.url = ParentEnrollment.withoutSecret(
                configuration.intermediate.parentserver.url
            )
            try files.write(configFile, try written.yaml(), mode: configuration.fileMode)
        }
        if let made {
            try writeCA(
                key: made.key,
                certificatePEM: made.certificatePEM,
                chainPEM: made.chainPEM,
                files: files,
                configuration: configuration
            )
        }
        let hasher = try SecretHasher(
            hmacKey: try secretHashingKey(files: files, configuration: configuration, keys: keys)
        )
        let idemix = try IdemixIssuer.loadOrCreate(files: files)

        let affiliations = Affiliation.paths(of: configuration.affiliations)
        for path in affiliations { try Affiliation.validate(path) }
        var identities = configuration.registry.identities
        if let bootstrap { identities.append(bootstrap) }
        func identity(_ entry: ServerConfiguration.BootstrapIdentity, generated: Bool) -> Identity {
            Identity(
                id: entry.name,
                type: entry.type,
                affiliation: entry.affiliation,
                attributes: entry.attrs.keys.sorted().map { IdentityAttribute(name: $0, value: entry.attrs[$0] ?? "") },
                maxEnrollments: entry.maxenrollments ?? configuration.registry.maxenrollments,
                secretHash: hasher.hash(entry.pass, generated: generated)
            )
        }
        // Every entry passes the API's rules before any is stored (the keyed hash stands in for
        // bcrypt's, which is computed only for the entries registered).
        for entry in identities {
            try SecretHasher.validate(entry.pass)
            try IdentityRules.validate(identity(entry, generated: true))
        }
        try await registry.addAffiliations(affiliations)
        // Returns false when the identity exists already: a replica sharing the database
        // registered it first.
        func register(_ entry: ServerConfiguration.BootstrapIdentity, generated: Bool) async throws -> Bool {
            do {
                try await registry.insert(identity(entry, generated: generated))
                return true
            } catch let error as CharterError where error.code == .duplicateIdentity {
                return false
            }
        }
        for entry in identities where try await registry.identity(entry.name) == nil {
            _ = try await register(entry, generated: false)
        }
        // A fresh home with no identity given gets an admin with a random secret, told once:
        // no default password is ever baked into an image or a script.
        var generatedSecret: String?
        // One row read, not a count: a start costs the same at any registry size.
        if try await registry.identities(after: nil, limit: 1).isEmpty {
            let secret = SecretHasher.generateSecret()
            if try await register(ServerConfiguration.BootstrapIdentity(name: "admin", pass: secret), generated: true) {
                generatedSecret = secret
            }
        }

        var tls: (chainPEM: String, key: TLSPrivateKey)?
        if configuration.tls.enabled {
            tls = try await loadOrIssueTLS(
                files: files,
                configuration: configuration,
                authority: authority,
                registry: registry,
                keys: keys,
                hostName: hostName
            )
        }
        return ServerHome(
            path: path,
            configuration: configuration,
            authority: authority,
            registry: registry,
            hasher: hasher,
            logSigner: try logSigner(files: files, configuration: configuration, authority: authority, keys: keys),
            tls: tls,
            keys: keys,
            directory: directory,
            idemix: idemix,
            generatedBootstrapSecret: generatedSecret
        )
    }

    /// The SQLite file `db` names (`db.datasource` relative to the home), nil for a shared
    /// database: the registry, its free-space watch and its backup all find it here.
    public static func sqlitePath(configuration: ServerConfiguration, home path: String) throws -> String? {
        try configuration.db.kind() == .sqlite ? HomeFiles(root: path).resolve(configuration.db.datasource) : nil
    }

    /// The registry `db` names: a SQLite file in the home (created with the home folder), or a
    /// PostgreSQL database shared with other replicas. Never a silent fallback: a configuration
    /// that asks for another database does not run on SQLite.
    public static func openRegistry(configuration: ServerConfiguration, home path: String) async throws
        -> any Registry
    {
        let files = HomeFiles(root: path)
        if let database = try sqlitePath(configuration: configuration, home: path) {
            try files.makeDirectory("", private: true)
            return try SQLiteRegistry(path: database)
        }
        let tls = configuration.db.tls
        let certfiles = tls.certfiles.map(files.resolve)
        let (certfile, keyfile) =
            tls.client.certfile.isEmpty
            ? ("", "") : (files.resolve(tls.client.certfile), files.resolve(tls.client.keyfile))
        if try configuration.db.kind() == .mysql {
            var source = try MySQLDataSource(parsing: configuration.db.datasource)
            // fabric-ca's db.tls.enabled registers the files as the driver's `custom` TLS.
            if tls.enabled && source.tls == .disable { source.tls = .custom }
            var material = MySQLRegistry.TLSFiles()
            (material.certfiles, material.clientCertfile, material.clientKeyfile) = (certfiles, certfile, keyfile)
            return try await MySQLRegistry(source, tls: material)
        }
        let source = try PostgresDataSource(parsing: configuration.db.datasource)
        // PostgreSQL's TLS follows sslmode (as in fabric-ca's documented set-up): enabled TLS
        // with sslmode=disable is a contradiction, not a choice to make silently.
        if tls.enabled && source.sslMode == .disable {
            throw CharterError(
                .configuration,
                "db.tls.enabled is true but the PostgreSQL datasource's sslmode is disable: add sslmode=verify-full"
            )
        }
        var material = PostgresRegistry.TLSFiles()
        (material.certfiles, material.clientCertfile, material.clientKeyfile) = (certfiles, certfile, keyfile)
        return try await PostgresRegistry(source, tls: material)
    }

    /// The home's CA certificate file (`ca.certfile`, else `ca-cert.pem`).
    static func certificatePath(_ configuration: ServerConfiguration) -> String {
        configuration.ca.certfile.isEmpty ? "ca-cert.pem" : configuration.ca.certfile
    }

    /// The chain above the CA: `ca.chainfile`, else the `ca-chain.pem` an intermediate keeps.
    static func chainPath(_ configuration: ServerConfiguration) -> String {
        configuration.ca.chainfile.isEmpty ? "ca-chain.pem" : configuration.ca.chainfile
    }

    /// The home's CA, or nil when it has none yet; its key from `keys` (opened from
    /// `configuration.bccsp` when not given).
    static func loadAuthority(
        files: HomeFiles,
        configuration: ServerConfiguration,
        keys: KeyStore? = nil
    ) throws -> CertificateAuthority? {
        let certPath = certificatePath(configuration)
        guard files.exists(certPath) else { return nil }
        guard let certificate = try PEMBundle.certificates(in: try files.read(certPath)).first else {
            throw CharterError(.configuration, "\(files.resolve(certPath)) holds no certificate")
        }
        let chainPath = chainPath(configuration)
        var parents: [Certificate] = []
        if !configuration.ca.chainfile.isEmpty || files.exists(chainPath) {
            parents = try PEMBundle.certificates(in: try files.read(chainPath))
        }
        let key = try findKey(for: certificate, files: files, configuration: configuration, keys: keys)
        return try CertificateAuthority(
            certificate: certificate,
            key: key,
            parents: parents.filter { $0 != certificate }
        )
    }

    /// A CA made for a home that had none, not yet written.
    struct NewAuthority: Sendable {
        var key: SigningKey
        /// The CA's own certificate (`ca-cert.pem`).
        var certificatePEM: String
        /// The chain above it, for an intermediate (`ca-chain.pem`).
        var chainPEM: String?
    }

    /// The home's CA, or a new one when it has none: self-signed, or enrolled with the parent
    /// server when `intermediate.parentserver.url` is set. Writes nothing: a parent that refuses
    /// leaves no half-made home behind.
    static func loadOrMakeAuthority(files: HomeFiles, configuration: ServerConfiguration, keys: KeyStore) async throws
        -> (CertificateAuthority, NewAuthority?)
    {
        if let existing = try loadAuthority(files: files, configuration: configuration, keys: keys) {
            return (existing, nil)
        }
        let key = try keys.generate(try configuration.csr.keyrequest.algorithm)
        if configuration.intermediate.isConfigured {
            let enrolled = try await ParentEnrollment.enroll(key: key, configuration: configuration, files: files)
            let made = NewAuthority(
                key: key,
                certificatePEM: enrolled.certificatePEM,
                chainPEM: enrolled.authority.chainPEM
            )
            return (enrolled.authority, made)
        }
        let authority = try CertificateAuthority.selfSigned(
            subject: try configuration.caSubject(),
            key: key,
            expiry: try DurationText.parse(configuration.csr.ca.expiry),
            pathLength: configuration.csr.ca.pathlength
        )
        return (authority, NewAuthority(key: key, certificatePEM: authority.chainPEM))
    }

    /// Writes a CA into a home where the server looks for it: the key (0600) in the keystore
    /// (none for a key in the HSM), the certificate (and `msp/signcerts`), and the chain above it
    /// when there is one. A new CA and an imported one are written the same way.
    public static func writeCA(
        key: SigningKey,
        certificatePEM: String,
        chainPEM: String?,
        files: HomeFiles,
        configuration: ServerConfiguration
    ) throws {
        if key.isExportable {
            try files.write("msp/keystore/" + Keystore.fileName(for: key.publicKey), key.pkcs8PEM, mode: 0o600)
        }
        try files.write(certificatePath(configuration), certificatePEM, mode: 0o644)
        if let chainPEM { try files.write(chainPath(configuration), chainPEM, mode: 0o644) }
        try files.write("msp/signcerts/cert.pem", certificatePEM, mode: 0o644)
    }

    /// The CA certificate's key: in the HSM's token (found by the SHA-256 of its public point,
    /// where fabric-ca leaves it too), or in `ca.keyfile` or the keystore folder.
    public static func findKey(
        for certificate: Certificate,
        files: HomeFiles,
        configuration: ServerConfiguration,
        keys: KeyStore? = nil
    ) throws -> SigningKey {
        if configuration.bccsp.usesToken {
            guard let key = try (keys ?? configuration.bccsp.keyStore()).tokenKey(for: certificate.publicKey) else {
                throw CharterError(
                    .configuration,
                    "The token '\(configuration.bccsp.pkcs11.label)' holds no key for the CA certificate (CKA_ID: the SHA-256 of its public key)"
                )
            }
            return key
        }
        let keyfile = configuration.ca.keyfile
        let candidates =
            keyfile.isEmpty ? Keystore.candidates(in: files.resolve("msp/keystore")) : [files.resolve(keyfile)]
        guard let (key, _) = Keystore.key(matching: certificate.publicKey, among: candidates) else {
            throw CharterError(
                .configuration,
                "No private key matching the CA certificate was found (looked at \(candidates.isEmpty ? "msp/keystore/*_sk" : candidates.joined(separator: ", ")))"
            )
        }
        return key
    }

    /// The key generated secrets are hashed under: `ca.hashkeyfile` or the home's file, or, with an
    /// HSM, derived at start from the token's `secret-hashing` Ed25519 key (its deterministic
    /// signature of a fixed label), so it is never written anywhere.
    static func secretHashingKey(files: HomeFiles, configuration: ServerConfiguration, keys: KeyStore) throws
        -> [UInt8]
    {
        guard configuration.bccsp.usesToken, configuration.ca.hashkeyfile.isEmpty else {
            return try loadOrCreateSecretKey(files: files, configured: configuration.ca.hashkeyfile)
        }
        let key = try tokenKey(
            "secret-hashing",
            files: files,
            keys: keys,
            consequence: "a new one would invalidate every server-generated secret"
        )
        return SecretHasher.derivedKey(signature: try key.signatureDER(over: SecretHasher.derivationLabel))
    }

    /// The key generated secrets are hashed under. One that exists but cannot be read or parsed
    /// is an error: replacing it would silently invalidate every generated secret.
    static func loadOrCreateSecretKey(files: HomeFiles, configured: String = "") throws -> [UInt8] {
        try loadOrCreateKey(
            files: files,
            name: configured.isEmpty ? "msp/keystore/secret-hashing.key" : configured,
            mustExist: !configured.isEmpty,
            setting: "ca.hashkeyfile",
            consequence: "a new key would invalidate every server-generated secret",
            generate: SecretHasher.generateKey
        )
    }

    /// The Ed25519 seed the transparency log's checkpoints are signed with (`log.keyfile`, else
    /// `msp/keystore/log-signing.key`): replicas share it, as they share the CA key.
    static func loadOrCreateLogKey(files: HomeFiles, configured: String) throws -> [UInt8] {
        let seed = try loadOrCreateKey(
            files: files,
            name: configured.isEmpty ? "msp/keystore/log-signing.key" : configured,
            mustExist: !configured.isEmpty,
            setting: "log.keyfile",
            consequence: "a new key would make every follower of the log distrust it",
            generate: NoteSigner.generateSeed
        )
        guard seed.count == 32 else {
            throw CharterError(.configuration, "The log signing key must be 32 bytes (64 hex digits)")
        }
        return seed
    }

    /// The signer of the CA's log checkpoints: `log.origin` (else `charter/<CA key identifier>`)
    /// with the home's log key.
    static func logSigner(
        files: HomeFiles,
        configuration: ServerConfiguration,
        authority: CertificateAuthority,
        keys: KeyStore? = nil
    ) throws -> NoteSigner {
        let name =
            configuration.log.origin.isEmpty
            ? "charter/" + Hex.encode(authority.subjectKeyIdentifier) : configuration.log.origin
        if configuration.bccsp.usesToken && configuration.log.keyfile.isEmpty {
            return try NoteSigner(
                name: name,
                key: try tokenKey(
                    "log-signing",
                    files: files,
                    keys: keys ?? configuration.bccsp.keyStore(),
                    consequence: "a new one would make every follower of the log distrust it"
                )
            )
        }
        return try NoteSigner(
            name: name,
            seed: try loadOrCreateLogKey(files: files, configured: configuration.log.keyfile)
        )
    }

    /// An Ed25519 key of the server's own in the HSM's token (`log-signing`, `secret-hashing`):
    /// found by the public key the home keeps in `msp/keystore/<name>.pub` (hex; replicas share it
    /// as they share the CA certificate), or made there once.
    static func tokenKey(_ name: String, files: HomeFiles, keys: KeyStore, consequence: String) throws -> SigningKey {
        guard case .token(let token) = keys else {
            throw CharterError(.internalError, "The \(name) key is looked for in a token, but the key store is files")
        }
        let publicFile = "msp/keystore/\(name).pub"
        if files.exists(publicFile) {
            guard let point = Hex.decode(try files.read(publicFile).trimmingCharacters(in: .whitespacesAndNewlines)),
                let key = try token.key(publicPoint: point)
            else {
                throw CharterError(
                    .configuration,
                    "The token '\(token.label)' holds no key for \(files.resolve(publicFile)): \(consequence)"
                )
            }
            return try SigningKey(external: key)
        }
        let key = try SigningKey(external: try token.generateKey(.ed25519))
        try files.write(publicFile, Hex.encode(key.publicPoint) + "\n", mode: 0o644)
        return key
    }

    /// The log signer of an existing home, without opening its registry.
    public static func logSigner(home: String, configuration: ServerConfiguration) throws -> NoteSigner {
        let files = HomeFiles(root: home)
        guard let authority = try loadAuthority(files: files, configuration: configuration) else {
            throw CharterError(.configuration, "\(home) has no CA")
        }
        return try logSigner(files: files, configuration: configuration, authority: authority)
    }

    /// A hex key file of the home (0600), created when missing unless it must exist.
    static func loadOrCreateKey(
        files: HomeFiles,
        name: String,
        mustExist: Bool,
        setting: String,
        consequence: String,
        generate: () -> [UInt8]
    ) throws -> [UInt8] {
        if mustExist && !files.exists(name) {
            throw CharterError(.configuration, "\(setting) \(files.resolve(name)) does not exist")
        }
        if files.exists(name) {
            let text = try files.read(name).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let key = Hex.decode(text), key.count >= 32 else {
                throw CharterError(
                    .configuration,
                    "\(files.resolve(name)) is not a hex key of 32 bytes or more; restore it from a backup (\(consequence))"
                )
            }
            try FileWriter.restrict(files.resolve(name), mode: 0o600)
            return key
        }
        let key = generate()
        try files.write(name, Hex.encode(key) + "\n", mode: 0o600)
        return key
    }

    /// The API's TLS pair: configured files, or the home's pair, re-issued by the CA when missing,
    /// within its renewal window, or signed by another CA. Every certificate the server issues is
    /// recorded, this one too.
    static func loadOrIssueTLS(
        files: HomeFiles,
        configuration: ServerConfiguration,
        authority: CertificateAuthority,
        registry: any Registry,
        keys: KeyStore,
        hostName: String
    ) async throws -> (chainPEM: String, key: TLSPrivateKey) {
        if !configuration.tls.certfile.isEmpty {
            return (try files.read(configuration.tls.certfile), .pem(try files.read(configuration.tls.keyfile)))
        }
        if files.exists("tls-cert.pem"),
            let pem = try? files.read("tls-cert.pem"),
            let existing = try? PEMBundle.certificates(in: pem).first,
            authority.didIssue(existing),
            existing.notValidAfter > Date().addingTimeInterval(try renewBefore(configuration).timeInterval)
        {
            if let key = try keys.tokenKey(for: existing.publicKey) { return (pem + authority.chainPEM, .token(key)) }
            if files.exists("tls-key.pem") { return (pem + authority.chainPEM, .pem(try files.read("tls-key.pem"))) }
        }
        return try await issueTLS(
            files: files,
            configuration: configuration,
            authority: authority,
            registry: registry,
            keys: keys,
            hostName: hostName
        )
    }

    /// `tls.renewbefore`, checked.
    static func renewBefore(_ configuration: ServerConfiguration) throws -> Duration {
        try DurationText.parse(configuration.tls.renewbefore)
    }

    /// A new TLS pair for the API, issued by the CA under the `tls` profile, recorded, then written.
    static func issueTLS(
        files: HomeFiles,
        configuration: ServerConfiguration,
        authority: CertificateAuthority,
        registry: any Registry,
        keys: KeyStore,
        hostName: String
    ) async throws -> (chainPEM: String, key: TLSPrivateKey) {
        // The TLS key stays ECDSA P-256 whatever the CA's algorithm (an Ed25519 CA still signs it
        // with Ed25519): BoringSSL-based clients, Charter's own included, do not offer Ed25519 in
        // the TLS handshake. With an HSM it is made in the token.
        let key = try keys.generate(.p256)
        var hosts = [hostName, "localhost", "127.0.0.1", "::1"] + configuration.csr.hosts
        hosts = hosts.filter { !$0.isEmpty }
        var profile = SigningProfile.tls
        if let configured = configuration.signing.profiles[SigningProfile.tls.name] {
            profile.expiry = try DurationText.parse(configured.expiry)
        }
        let issued = try authority.issue(
            IssuanceRequest(
                publicKey: key.publicKey,
                subject: try SubjectPolicy.subject(
                    from: try configuration.caSubject(),
                    enrollmentID: hostName,
                    type: "",
                    affiliation: ""
                ),
                // The server is no gateway member: no service names, only its own hosts.
                subjectAlternativeNames: try GatewayPolicy().subjectAlternativeNames(
                    hosts: hosts,
                    profile: SigningProfile.tls.name,
                    type: "",
                    affiliation: ""
                ),
                profile: profile
            )
        )
        try await registry.record(CertificateRecord(issued, enrollmentID: hostName, caName: configuration.ca.name))
        try files.write("tls-cert.pem", issued.pem, mode: 0o644)
        guard key.isExportable else {
            // A stale key file of an earlier software pair must not be taken for this one.
            try? FileManager.default.removeItem(atPath: files.resolve("tls-key.pem"))
            return (issued.pem + authority.chainPEM, .token(key))
        }
        try files.write("tls-key.pem", key.pkcs8PEM, mode: 0o600)
        return (issued.pem + authority.chainPEM, .pem(key.pkcs8PEM))
    }

    /// The API's TLS pair re-issued now (the running server's renewal), when the CA issued it.
    public func renewedTLS(hostName: String = ProcessInfo.processInfo.hostName) async throws -> (
        chainPEM: String, key: TLSPrivateKey
    ) {
        try await Self.issueTLS(
            files: HomeFiles(root: path),
            configuration: configuration,
            authority: authority,
            registry: registry,
            keys: keys,
            hostName: hostName
        )
    }
}

extension ServerConfiguration {
    /// The CA subject from `csr.cn` and `csr.names`.
    func caSubject() throws -> DistinguishedName {
        let pairs = csr.names.flatMap { name in
            [("C", name.C), ("ST", name.ST), ("L", name.L), ("O", name.O), ("OU", name.OU)].compactMap { key, value in
                value.map { (key, $0) }
            }
        }
        return try SubjectPolicy.name(SubjectPolicy.Fields(commonName: csr.cn, names: pairs))
    }
}
