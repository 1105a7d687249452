// Writes a fabric-ca 1.5 server home of any size: a CA (`ca-cert.pem`, its key in
// `msp/keystore`) and `fabric-ca-server.db` holding N certificates signed by that CA, one
// identity per `--per-identity` certificates, a share of them revoked. fabric-ca-server serves
// it as it is, and `charter server import` turns it into a Charter registry (SQLite, PostgreSQL
// or MySQL), so both servers are measured on the same data and the import at size.
// Usage: RegistryGenerator <count> <folder> [--revoked-share 0.1] [--per-identity 10]

import CharterCore
import Foundation
import GRDB
import X509

@main
struct RegistryGenerator {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var revokedShare = 0.1
        var perIdentity = 10
        while let flag = arguments.firstIndex(where: { $0.hasPrefix("--") }), flag + 1 < arguments.count {
            switch arguments[flag] {
            case "--revoked-share": revokedShare = Double(arguments[flag + 1]) ?? -1
            case "--per-identity": perIdentity = Int(arguments[flag + 1]) ?? 0
            default: revokedShare = -1
            }
            arguments.removeSubrange(flag...(flag + 1))
        }
        guard arguments.count == 2, let count = Int(arguments[0]), count > 0, perIdentity > 0,
            (0...1).contains(revokedShare)
        else {
            FileHandle.standardError.write(
                Data(
                    "usage: RegistryGenerator <count> <folder> [--revoked-share 0.1] [--per-identity 10]\n".utf8
                )
            )
            exit(2)
        }
        let start = Date()
        let home = try FabricCAHome(folder: arguments[1])
        try await home.write(count: count, perIdentity: perIdentity, revokedShare: revokedShare)
        print(
            "generated=\(count) identities=\(home.identityCount(count, perIdentity)) "
                + "seconds=\(Int(Date().timeIntervalSince(start)))"
        )
    }
}

/// The home being written.
struct FabricCAHome {
    let folder: String
    let authority: CertificateAuthority
    let database: DatabaseQueue

    /// fabric-ca's default affiliations, which its server makes in a new registry.
    static let affiliations: [(String, String?)] = [
        ("org1", nil), ("org1.department1", "org1"), ("org1.department2", "org1"), ("org2", nil),
        ("org2.department1", "org2"),
    ]

    init(folder: String) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: "\(folder)/msp/keystore", withIntermediateDirectories: true)
        let key = SigningKey.generate()
        authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.subject(
                from: .init(),
                enrollmentID: "fabric-ca-server",
                type: "",
                affiliation: ""
            ),
            key: key
        )
        try authority.chainPEM.write(toFile: "\(folder)/ca-cert.pem", atomically: true, encoding: .utf8)
        let keyPath = "\(folder)/msp/keystore/\(Keystore.fileName(for: key.publicKey))"
        _ = FileManager.default.createFile(
            atPath: keyPath,
            contents: Data(key.pkcs8PEM.utf8),
            attributes: [.posixPermissions: 0o600]
        )
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // A generated file: nothing to protect from a crash while it is written.
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
        }
        database = try DatabaseQueue(path: "\(folder)/fabric-ca-server.db", configuration: configuration)
    }

    func identityCount(_ count: Int, _ perIdentity: Int) -> Int { (count + perIdentity - 1) / perIdentity }

    /// fabric-ca 1.5's tables, as its server creates them.
    func createTables() throws {
        try database.inDatabase { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (id VARCHAR(255), token bytea, type VARCHAR(256), affiliation VARCHAR(1024),
                        attributes TEXT, state INTEGER, max_enrollments INTEGER, level INTEGER DEFAULT 0,
                        incorrect_password_attempts INTEGER DEFAULT 0, PRIMARY KEY (id));
                    CREATE TABLE affiliations (name VARCHAR(1024) NOT NULL UNIQUE, prekey VARCHAR(1024),
                        level INTEGER DEFAULT 0);
                    CREATE TABLE certificates (id VARCHAR(255), serial_number blob NOT NULL,
                        authority_key_identifier blob NOT NULL, ca_label blob, status blob NOT NULL, reason int,
                        expiry timestamp, revoked_at timestamp, pem blob NOT NULL, level INTEGER DEFAULT 0,
                        PRIMARY KEY(serial_number, authority_key_identifier));
                    CREATE TABLE credentials (id VARCHAR(255), revocation_handle blob NOT NULL, cred blob NOT NULL,
                        ca_label blob, status blob NOT NULL, reason int, expiry timestamp, revoked_at timestamp,
                        level INTEGER DEFAULT 0, PRIMARY KEY(revocation_handle));
                    CREATE TABLE revocation_authority_info (epoch INTEGER, next_handle INTEGER,
                        lasthandle_in_pool INTEGER, level INTEGER DEFAULT 0, PRIMARY KEY(epoch));
                    CREATE TABLE nonces (val VARCHAR(1024) NOT NULL UNIQUE, expiry timestamp,
                        level INTEGER DEFAULT 0, PRIMARY KEY(val));
                    CREATE TABLE properties (property VARCHAR(255), value VARCHAR(256), PRIMARY KEY(property));
                    INSERT INTO properties VALUES ('identity.level', '2'), ('affiliation.level', '1'),
                        ('certificate.level', '1'), ('credential.level', '1'), ('rcinfo.level', '1'),
                        ('nonce.level', '1');
                    """
            )
        }
    }

    func write(count: Int, perIdentity: Int, revokedShare: Double) async throws {
        try createTables()
        // One bcrypt hash for every identity: the secrets are the benchmark's, not a test of bcrypt.
        let hasher = try SecretHasher(hmacKey: SecretHasher.generateKey())
        let adminToken = hasher.hash("adminpw", generated: false)
        let userToken = hasher.hash("userpw", generated: false)
        let identities = identityCount(count, perIdentity)
        try await database.write { db in
            for (name, parent) in Self.affiliations {
                try db.execute(sql: "INSERT INTO affiliations VALUES (?, ?, 1)", arguments: [name, parent ?? ""])
            }
            let registrar =
                #"[{"name":"hf.Registrar.Roles","value":"*"},{"name":"hf.Registrar.DelegateRoles","value":"*"},{"name":"hf.Revoker","value":"1"},{"name":"hf.IntermediateCA","value":"1"},{"name":"hf.GenCRL","value":"1"},{"name":"hf.Registrar.Attributes","value":"*"},{"name":"hf.AffiliationMgr","value":"1"}]"#
            try db.execute(
                sql: "INSERT INTO users VALUES ('admin', ?, 'client', '', ?, 0, -1, 2, 0)",
                arguments: [Data(adminToken.utf8), registrar]
            )
            let insert = try db.makeStatement(sql: "INSERT INTO users VALUES (?, ?, 'client', ?, ?, ?, -1, 2, 0)")
            let token = Data(userToken.utf8)
            for number in 0..<identities {
                let id = Self.user(number)
                let affiliation = number % 2 == 0 ? "org1.department1" : "org2.department1"
                let attributes =
                    #"[{"name":"hf.EnrollmentID","value":"\#(id)","ecert":true},{"name":"hf.Type","value":"client","ecert":true},{"name":"hf.Affiliation","value":"\#(affiliation)","ecert":true}]"#
                let issued = min(perIdentity, count - number * perIdentity)
                try insert.execute(arguments: [id, token, affiliation, attributes, issued])
            }
        }
        // A few subject keys serve every certificate: what is measured is per certificate, not per key.
        let keys = (0..<16).map { _ in SigningKey.generate().publicKey }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let batch = 20_000
        let revokedEvery = revokedShare > 0 ? max(1, Int((1 / revokedShare).rounded())) : 0
        let now = Date()
        var written = 0
        while written < count {
            let size = min(batch, count - written)
            let offset = written
            let authority = self.authority
            let rows = try await withThrowingTaskGroup(of: [Row].self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var part: [Row] = []
                        for index in stride(from: worker, to: size, by: workers) {
                            let number = offset + index
                            part.append(
                                try Self.certificate(
                                    number,
                                    authority: authority,
                                    key: keys[number % keys.count],
                                    owner: Self.user(number / perIdentity),
                                    revoked: revokedEvery > 0 && number % revokedEvery == revokedEvery / 2,
                                    now: now
                                )
                            )
                        }
                        return part
                    }
                }
                var all: [Row] = []
                for try await part in group { all += part }
                return all
            }
            try await database.write { db in
                let insert = try db.makeStatement(
                    sql: "INSERT INTO certificates VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, 1)"
                )
                for row in rows {
                    try insert.execute(
                        arguments: [
                            row.id, row.serial, row.aki, row.status, row.reason, row.expiry, row.revokedAt, row.pem,
                        ]
                    )
                }
            }
            written += size
            FileHandle.standardError.write(Data("generated \(written)/\(count)\r".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    static func user(_ number: Int) -> String { "user\(number)" }

    /// One `certificates` row, as fabric-ca writes it.
    struct Row: Sendable {
        var id, serial, aki, status: String
        var reason: Int
        var expiry, revokedAt, pem: String
    }

    static func certificate(
        _ number: Int,
        authority: CertificateAuthority,
        key: Certificate.PublicKey,
        owner: String,
        revoked: Bool,
        now: Date
    ) throws -> Row {
        var profile = number % 3 == 0 ? SigningProfile.tls : SigningProfile.enrollment
        // Lifetimes of one week to two years, so expiry windows hold some of every size.
        profile.expiry = .hours(Int64(24 * (7 + number % 720)))
        let issued = try authority.issue(
            IssuanceRequest(
                publicKey: key,
                subject: try SubjectPolicy.subject(
                    from: .init(),
                    enrollmentID: owner,
                    type: "client",
                    affiliation: "org1"
                ),
                subjectAlternativeNames: profile.name == "tls" ? [.dnsName("\(owner).example.com")] : [],
                profile: profile
            ),
            now: now
        )
        return Row(
            id: owner,
            serial: issued.serialHex,
            aki: issued.authorityKeyIdentifierHex,
            status: revoked ? "revoked" : "good",
            reason: revoked ? 1 : 0,
            expiry: goTime(issued.certificate.notValidAfter),
            revokedAt: revoked ? goTime(now) : "0001-01-01 00:00:00+00:00",
            pem: issued.pem
        )
    }

    /// How fabric-ca's SQLite driver writes a time.
    static func goTime(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, time) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (year, month, day) = CivilDate.civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60))+00:00"
    }
}
