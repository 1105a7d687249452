// Moves a fabric-ca-server into Charter: its CA key and certificate, its TLS pair, the
// configuration keys Charter shares, and every identity, affiliation and certificate of its
// registry. Everything is read and checked before the first byte is written (users and
// certificates in passes that keep nothing but refusals, then read again to be written in
// batches, so memory holds one batch whatever the registry's size); a failure while writing
// removes what the import made, so a home is imported whole or not at all.

import CharterCore
import CharterServer
import CharterStore
import Foundation
import X509

/// One import from a fabric-ca-server home.
public struct FabricCAImporter: Sendable {
    /// The fabric-ca-server home (`fabric-ca-server-config.yaml`, `ca-cert.pem`, `msp/keystore`).
    public var source: String
    /// fabric-ca's registry; nil: the SQLite file its configuration names.
    public var sourceDatabase: FabricCADatabase?
    /// The new Charter home; it must not exist or be empty.
    public var target: String
    /// The target's `db` section; nil: SQLite in the new home.
    public var targetDB: ServerConfiguration.DB?
    /// Import the rows that pass Charter's input rules and list the others; false refuses the
    /// whole import when any row breaks one.
    public var skipInvalid: Bool

    /// What the import carried over.
    public struct Summary: Sendable, Hashable {
        /// Identities, with their secrets, counts and states.
        public var identities = 0
        /// Affiliations.
        public var affiliations = 0
        /// Certificates, good and revoked.
        public var certificates = 0
        /// Of which revoked.
        public var revoked = 0
        /// Rows left out (only with ``FabricCAImporter/skipInvalid``).
        public var refused: [ImportRefusal] = []
    }

    /// Describes an import.
    public init(
        source: String,
        sourceDatabase: FabricCADatabase? = nil,
        target: String,
        targetDB: ServerConfiguration.DB? = nil,
        skipInvalid: Bool = false
    ) {
        self.source = source
        self.sourceDatabase = sourceDatabase
        self.target = target
        self.targetDB = targetDB
        self.skipInvalid = skipInvalid
    }

    /// Runs the import.
    public func run() async throws -> Summary {
        try refuseExistingHome()
        let sourceFiles = HomeFiles(root: source)
        let configPath = sourceFiles.resolve("fabric-ca-server-config.yaml")
        var configuration =
            FileManager.default.fileExists(atPath: configPath)
            ? try ServerConfiguration.load(contentsOf: configPath) : ServerConfiguration()

        // The CA and TLS pairs, matched by public key in fabric-ca's keystore.
        let caCertPath = sourceFiles.resolve(
            configuration.ca.certfile.isEmpty ? "ca-cert.pem" : configuration.ca.certfile
        )
        let caPEM = try TextFile.read(caCertPath, as: "the fabric-ca CA certificate")
        guard let caCertificate = try PEMBundle.certificates(in: caPEM).first else {
            throw CharterError(.configuration, "\(caCertPath) holds no certificate")
        }
        // With PKCS11, fabric-ca left the key in the token, where the server finds it (by the
        // SHA-256 of the certificate's public point) and keeps signing with it.
        let keystore =
            configuration.ca.keyfile.isEmpty
            ? Keystore.candidates(in: sourceFiles.resolve("msp/keystore"))
            : [sourceFiles.resolve(configuration.ca.keyfile)]
        let caKey: SigningKey
        if configuration.bccsp.usesToken {
            caKey = try ServerHome.findKey(for: caCertificate, files: sourceFiles, configuration: configuration)
        } else {
            guard let (key, _) = Keystore.key(matching: caCertificate.publicKey, among: keystore) else {
                throw CharterError(.configuration, "No key in \(source)/msp/keystore matches the CA certificate")
            }
            caKey = key
        }
        let chainPEM =
            configuration.ca.chainfile.isEmpty
            ? nil : try TextFile.read(sourceFiles.resolve(configuration.ca.chainfile))
        var tlsPair: (certificate: String, key: String)?
        let tlsCertPath = sourceFiles.resolve(
            configuration.tls.certfile.isEmpty ? "tls-cert.pem" : configuration.tls.certfile
        )
        if FileManager.default.fileExists(atPath: tlsCertPath),
            let tlsCertificate = try PEMBundle.certificates(in: try TextFile.read(tlsCertPath)).first
        {
            let candidates =
                configuration.tls.keyfile.isEmpty ? keystore : [sourceFiles.resolve(configuration.tls.keyfile)]
            if let (key, _) = Keystore.key(matching: tlsCertificate.publicKey, among: candidates) {
                tlsPair = (try TextFile.read(tlsCertPath), key.pkcs8PEM)
            }
        }

        // fabric-ca's Idemix issuer keys, checked before anything is written (a home made before
        // fabric-ca had Idemix has none, and the server makes new ones).
        let hasIdemix = IdemixIssuer.files.contains(where: sourceFiles.exists)
        if hasIdemix { _ = try IdemixIssuer.load(from: sourceFiles, describing: source) }

        // The registry, checked in full before anything is written: users and certificates in
        // batches, nothing kept but the refusals and the certificate counts of revoked identities.
        let database = try sourceDatabase ?? defaultDatabase(configuration, sourceFiles)
        let plan = ImportPlan(try await database.read())
        let defaultCAName = configuration.ca.name
        var revokedUsers = Set<String>()
        try await database.users(batch: Self.batchSize) { batch in
            for user in batch where user.state < 0 { revokedUsers.insert(user.id) }
        }
        var issued: [String: Int] = [:]
        var refused = plan.refused
        var certificateRefusals: [ImportRefusal] = []
        try await database.certificates(batch: Self.batchSize) { batch in
            for row in batch where revokedUsers.contains(row.id) { issued[row.id, default: 0] += 1 }
            certificateRefusals += await Self.convert(batch, defaultCAName: defaultCAName).refused
        }
        try await database.users(batch: Self.batchSize) { batch in
            for user in batch { _ = plan.identity(user, certificatesIssued: issued[user.id] ?? 0, into: &refused) }
        }
        refused += certificateRefusals
        if !refused.isEmpty && !skipInvalid {
            throw CharterError(
                .invalidRequest,
                "\(refused.count) rows of the fabric-ca registry break Charter's input rules; nothing was written. Fix them in fabric-ca, or import the others with --skip-invalid:\n"
                    + refused.map(\.description).joined(separator: "\n")
            )
        }

        // The target: fabric-ca's files under the names Charter takes over, its configuration
        // with paths that now point inside the new home.
        configuration.db = targetDB ?? ServerConfiguration.DB()
        configuration.ca.certfile = ""
        configuration.ca.keyfile = ""
        configuration.ca.chainfile = chainPEM == nil ? "" : "ca-chain.pem"
        configuration.tls.certfile = ""
        configuration.tls.keyfile = ""
        let registry = try await ServerHome.openRegistry(configuration: configuration, home: target)
        var identities = 0
        var certificates = 0
        var revoked = 0
        guard try await registry.counts() == RegistryCounts(identities: 0, certificates: 0, affiliations: 0) else {
            throw CharterError(.configuration, "The target registry already holds data: import into an empty one")
        }
        do {
            let files = HomeFiles(root: target)
            try files.makeDirectory("", private: true)
            try files.makeDirectory("msp")
            try files.makeDirectory("msp/keystore", private: true)
            try files.makeDirectory("msp/signcerts")
            try files.write(ServerHome.configFileName, try configuration.yaml(), mode: configuration.fileMode)
            try ServerHome.writeCA(
                key: caKey,
                certificatePEM: caPEM,
                chainPEM: chainPEM,
                files: files,
                configuration: configuration
            )
            if let tlsPair {
                try files.write("tls-cert.pem", tlsPair.certificate, mode: 0o644)
                try files.write("tls-key.pem", tlsPair.key, mode: 0o600)
            }
            if hasIdemix { try IdemixIssuer.copy(from: sourceFiles, to: files) }
            try await registry.addAffiliations(plan.affiliations)
            try await database.users(batch: Self.batchSize) { batch in
                var ignored: [ImportRefusal] = []
                let accepted = batch.compactMap {
                    plan.identity($0, certificatesIssued: issued[$0.id] ?? 0, into: &ignored)
                }
                try await registry.insert(accepted)
                identities += accepted.count
            }
            // Each batch is committed while the next is read and converted.
            var committing: Task<Void, any Error>?
            do {
                try await database.certificates(batch: Self.batchSize) { batch in
                    let records = await Self.convert(batch, defaultCAName: defaultCAName).records
                    try await committing?.value
                    committing = Task { try await registry.record(records) }
                    certificates += records.count
                    revoked += records.count { $0.isRevoked }
                }
                try await committing?.value
            } catch {
                // Nothing may still write once the home is removed.
                _ = try? await committing?.value
                throw error
            }
            // Load the result as the server will: it must start on what was written.
            _ = try await ServerHome.open(path: target, configuration: configuration, bootstrap: nil)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw error
        }
        return Summary(
            identities: identities,
            affiliations: plan.affiliations.count,
            certificates: certificates,
            revoked: revoked,
            refused: refused
        )
    }

    /// Users or certificates read, converted and committed at a time.
    static let batchSize = 5_000

    /// The records of a batch and its refusals, converted on every core: parsing the
    /// certificates is most of an import's work.
    static func convert(
        _ batch: [FabricCACertificate],
        defaultCAName: String
    ) async -> (records: [CertificateRecord], refused: [ImportRefusal]) {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let share = (batch.count + cores - 1) / cores
        let parts = await withTaskGroup(of: (Int, [CertificateRecord], [ImportRefusal]).self) { group in
            for (part, start) in stride(from: 0, to: batch.count, by: max(1, share)).enumerated() {
                let rows = batch[start..<min(start + share, batch.count)]
                group.addTask {
                    var refused: [ImportRefusal] = []
                    let records = rows.compactMap {
                        ImportPlan.record($0, defaultCAName: defaultCAName, into: &refused)
                    }
                    return (part, records, refused)
                }
            }
            var parts: [(Int, [CertificateRecord], [ImportRefusal])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }
        }
        return (parts.flatMap(\.1), parts.flatMap(\.2))
    }

    /// An existing, non-empty target is never touched.
    func refuseExistingHome() throws {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: target) else { return }
        guard entries.isEmpty else {
            throw CharterError(
                .configuration,
                "\(target) already exists and is not empty: import into a new home (nothing was written)"
            )
        }
    }

    func defaultDatabase(_ configuration: ServerConfiguration, _ files: HomeFiles) throws -> FabricCADatabase {
        guard try configuration.db.kind() == .sqlite else {
            throw CharterError(
                .configuration,
                "The fabric-ca registry is on \(configuration.db.type): give it with --from-db (its datasource)"
            )
        }
        let name = configuration.db.datasource == "charter.db" ? "fabric-ca-server.db" : configuration.db.datasource
        return .sqlite(path: files.resolve(name))
    }
}
