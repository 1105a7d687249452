// The server's configuration: fabric-ca-server-config.yaml's keys for what Charter supports, plus
// Charter's own (gateway service names, backdate). Every field has fabric-ca's default.

import CharterConfiguration
import CharterCore
import CharterMySQL
import CharterPostgres
import Foundation
import Yams

/// Server settings, decoded from YAML and overridden by command-line flags.
public struct ServerConfiguration: Sendable, Codable {
    /// Listening port of the API.
    public var port: Int = 7054
    /// Listening address of the API.
    public var address: String = "0.0.0.0"
    /// Debug logging.
    public var debug: Bool = false
    /// Log level (`debug`, `info`, `warning`, `error`, `critical`); empty: `info`, or `debug`
    /// with ``debug``. The `--loglevel` flag wins over it.
    public var loglevel: String = ""
    /// TLS of the API.
    public var tls = TLS()
    /// The CA's name and files.
    public var ca = CA()
    /// CRL settings.
    public var crl = CRL()
    /// Registry defaults and bootstrap identities.
    public var registry = Registry()
    /// The database.
    public var db = DB()
    /// The affiliation tree created at start.
    public var affiliations: [String: [String]] = ["org1": ["department1", "department2"], "org2": ["department1"]]
    /// Signing profiles.
    public var signing = Signing()
    /// The CA certificate request used when the home has no CA yet.
    public var csr = CSR()
    /// Behaviour switches.
    public var cfg = Cfg()
    /// The operations listener (health, version, metrics).
    public var operations = Operations()
    /// Gateway service names added to matching certificates' SANs.
    public var gateways: [GatewayRule] = []
    /// Old-client compatibility switches.
    public var compatibility = Compatibility()
    /// Connection timeouts and limits of the API listener.
    public var connections = Connections()
    /// Key algorithms the CA issues for (`P-256`, `P-384`, `Ed25519`); all by default.
    public var keyalgorithms: [String] = SigningKey.Algorithm.allCases.map(\.rawValue)
    /// More CAs in this server, one config file each (fabric-ca's `cafiles`), relative to the home.
    public var cafiles: [String] = []
    /// That many more CAs, generated as `ca1…caN` under `<home>/ca/` (fabric-ca's `cacount`).
    public var cacount: Int = 0
    /// The parent this CA enrolls with when it is an intermediate.
    public var intermediate = Intermediate()
    /// The transparency log of this CA's issuances and revocations.
    public var log = Log()
    /// An LDAP directory as the registry of people (fabric-ca's `ldap:` section).
    public var ldap = LDAP()
    /// Where the CA's and the API's TLS keys live: files, or an HSM (fabric-ca's `bccsp:`).
    public var bccsp = BCCSP()
    /// `idemix:` — fabric-ca's Idemix issuer settings.
    public var idemix = Idemix()
    /// `acme:` — Charter's ACME server for TLS certificates.
    public var acme = ACME()

    /// The defaults.
    public init() {}

    /// Reads a YAML file through ``ConfigurationKeys/server``: keys that are missing keep their
    /// defaults; `FABRIC_CA_SERVER_*` variables and `--<key> value` flags set keys over the
    /// file's values; a key neither fabric-ca nor Charter has, or one Charter does not implement
    /// set to a value that asks for something (`bccsp.default: PKCS11`), is an error naming it.
    public static func load(
        yaml: String,
        environment: [String: String] = [:],
        flags: [String] = []
    ) throws -> ServerConfiguration {
        let checked = try ConfigurationKeys.server.prepare(yaml: yaml, environment: environment, flags: flags)
        do {
            return try YAMLDecoder().decode(ServerConfiguration.self, from: checked)
        } catch let error as DecodingError {
            throw CharterError(
                .configuration,
                "Invalid server configuration: \(ConfigurationErrorText.describe(error))"
            )
        } catch {
            throw CharterError(.configuration, "Invalid server configuration: \(error)")
        }
    }

    /// Reads a configuration file, with variables and flags as ``load(yaml:environment:flags:)``
    /// takes them; a missing or unreadable file, and every error in it, names the file.
    public static func load(
        contentsOf path: String,
        environment: [String: String] = [:],
        flags: [String] = []
    ) throws -> ServerConfiguration {
        let text = try TextFile.read(path, as: "the configuration file")
        do {
            return try load(yaml: text, environment: environment, flags: flags)
        } catch let error as CharterError {
            throw CharterError(error.code, "\(path): \(error.message)")
        }
    }

    /// The configuration as YAML, written into a new home so operators can see and edit it.
    public func yaml() throws -> String {
        try YAMLEncoder().encode(self)
    }

    enum CodingKeys: String, CodingKey {
        case port, address, debug, loglevel, tls, ca, crl, registry, db, affiliations, signing, csr, cfg, operations,
            gateways
        case compatibility, connections, keyalgorithms, cafiles, cacount, intermediate, log, ldap, bccsp, idemix, acme
    }

    /// ``keyalgorithms`` as the core models them; an unknown name is an error at start.
    public func acceptedKeyAlgorithms() throws -> Set<SigningKey.Algorithm> {
        Set(
            try keyalgorithms.map { name in
                guard
                    let algorithm = SigningKey.Algorithm.allCases.first(where: {
                        $0.rawValue.lowercased() == name.lowercased()
                    })
                else {
                    throw CharterError(.configuration, "keyalgorithms: '\(name)' is not one of P-256, P-384, Ed25519")
                }
                return algorithm
            }
        )
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ServerConfiguration()
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? d.port
        address = try c.decodeIfPresent(String.self, forKey: .address) ?? d.address
        debug = try c.decodeIfPresent(Bool.self, forKey: .debug) ?? d.debug
        loglevel = try c.decodeIfPresent(String.self, forKey: .loglevel) ?? d.loglevel
        tls = try c.decodeIfPresent(TLS.self, forKey: .tls) ?? d.tls
        ca = try c.decodeIfPresent(CA.self, forKey: .ca) ?? d.ca
        crl = try c.decodeIfPresent(CRL.self, forKey: .crl) ?? d.crl
        registry = try c.decodeIfPresent(Registry.self, forKey: .registry) ?? d.registry
        db = try c.decodeIfPresent(DB.self, forKey: .db) ?? d.db
        affiliations =
            try c.decodeIfPresent([String: [String]?].self, forKey: .affiliations)?.mapValues { $0 ?? [] }
            ?? d.affiliations
        signing = try c.decodeIfPresent(Signing.self, forKey: .signing) ?? d.signing
        csr = try c.decodeIfPresent(CSR.self, forKey: .csr) ?? d.csr
        cfg = try c.decodeIfPresent(Cfg.self, forKey: .cfg) ?? d.cfg
        operations = try c.decodeIfPresent(Operations.self, forKey: .operations) ?? d.operations
        gateways = try c.decodeIfPresent([GatewayRule].self, forKey: .gateways) ?? d.gateways
        compatibility = try c.decodeIfPresent(Compatibility.self, forKey: .compatibility) ?? d.compatibility
        connections = try c.decodeIfPresent(Connections.self, forKey: .connections) ?? d.connections
        keyalgorithms = try c.decodeIfPresent([String].self, forKey: .keyalgorithms) ?? d.keyalgorithms
        cafiles = try c.decodeIfPresent([String]?.self, forKey: .cafiles).flatMap { $0 } ?? d.cafiles
        cacount = try c.decodeIfPresent(Int?.self, forKey: .cacount).flatMap { $0 } ?? d.cacount
        intermediate = try c.decodeIfPresent(Intermediate.self, forKey: .intermediate) ?? d.intermediate
        log = try c.decodeIfPresent(Log.self, forKey: .log) ?? d.log
        ldap = try c.decodeIfPresent(LDAP.self, forKey: .ldap) ?? d.ldap
        bccsp = try c.decodeIfPresent(BCCSP.self, forKey: .bccsp) ?? d.bccsp
        idemix = try c.decodeIfPresent(Idemix.self, forKey: .idemix) ?? d.idemix
        acme = try c.decodeIfPresent(ACME.self, forKey: .acme) ?? d.acme
    }
}

extension ServerConfiguration {
    /// `tls:` — TLS of the API listener; on by default in Charter (off in fabric-ca).
    public struct TLS: Sendable, Codable {
        public var enabled: Bool = true
        /// PEM certificate; empty: the home's `tls-cert.pem`, issued by the CA.
        public var certfile: String = ""
        /// PEM key; empty: the home's `tls-key.pem`.
        public var keyfile: String = ""
        /// Client certificates: fabric-ca's `tls.clientauth`.
        public var clientauth = ClientAuth()
        /// How long before its NotAfter a TLS certificate the CA issued is re-issued, while the
        /// server runs (Charter; fabric-ca's expires unnoticed).
        public var renewbefore: String = "720h"
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
            certfile = try c.decodeIfPresent(String.self, forKey: .certfile) ?? ""
            keyfile = try c.decodeIfPresent(String.self, forKey: .keyfile) ?? ""
            clientauth = try c.decodeIfPresent(ClientAuth.self, forKey: .clientauth) ?? ClientAuth()
            renewbefore = try c.decodeIfPresent(String.self, forKey: .renewbefore) ?? "720h"
        }
    }

    /// `tls.clientauth`: `NoClientCert` (default) or `RequireAndVerifyClientCert` against `certfiles`
    /// (the CA's own certificate when empty).
    public struct ClientAuth: Sendable, Codable {
        public var type: String = "NoClientCert"
        public var certfiles: [String] = []
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? "NoClientCert"
            certfiles = try c.decodeIfPresent([String]?.self, forKey: .certfiles).flatMap { $0 } ?? []
        }
    }

    /// `ca:` — which CA this server is.
    public struct CA: Sendable, Codable {
        /// The CA name clients select with `caname`; empty is fine for a single CA.
        public var name: String = ""
        /// CA key file; empty: `msp/keystore/*_sk` in the home.
        public var keyfile: String = ""
        /// CA certificate file; empty: `ca-cert.pem` in the home.
        public var certfile: String = ""
        /// Parent chain file for an intermediate CA.
        public var chainfile: String = ""
        /// How long before the CA certificate expires the server warns, at start and daily (Charter).
        public var expirywarning: String = "90d"
        /// The key that hashes server-generated secrets (Charter); empty:
        /// `msp/keystore/secret-hashing.key` in the home. Replicas share it (a mounted secret).
        public var hashkeyfile: String = ""
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
            keyfile = try c.decodeIfPresent(String.self, forKey: .keyfile) ?? ""
            certfile = try c.decodeIfPresent(String.self, forKey: .certfile) ?? ""
            chainfile = try c.decodeIfPresent(String.self, forKey: .chainfile) ?? ""
            expirywarning = try c.decodeIfPresent(String.self, forKey: .expirywarning) ?? "90d"
            hashkeyfile = try c.decodeIfPresent(String.self, forKey: .hashkeyfile) ?? ""
        }
    }

    /// `crl:` — next-update distance of generated CRLs.
    public struct CRL: Sendable, Codable {
        public var expiry: String = "24h"
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            expiry = try c.decodeIfPresent(String.self, forKey: .expiry) ?? "24h"
        }
    }

    /// `registry:` — enrollment limits and identities created at start.
    public struct Registry: Sendable, Codable {
        /// Default and ceiling of max enrollments; -1 unlimited.
        public var maxenrollments: Int = -1
        /// Identities created at start if missing.
        public var identities: [BootstrapIdentity] = []
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxenrollments = try c.decodeIfPresent(Int.self, forKey: .maxenrollments) ?? -1
            identities = try c.decodeIfPresent([BootstrapIdentity].self, forKey: .identities) ?? []
        }
    }

    /// One entry of `registry.identities`.
    public struct BootstrapIdentity: Sendable, Codable {
        public var name: String
        public var pass: String
        public var type: String = "client"
        public var affiliation: String = ""
        public var maxenrollments: Int?
        /// Attribute values; YAML booleans and numbers are kept as their text.
        public var attrs: [String: String] = [:]

        public init(name: String, pass: String) {
            self.name = name
            self.pass = pass
            self.attrs = Dictionary(uniqueKeysWithValues: ReservedAttribute.bootstrapAdmin.map { ($0.name, $0.value) })
        }

        /// The bootstrap admin of `-b <name>:<secret>`, with every `hf.*` power; neither part may be empty.
        public init(parsing text: String) throws {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
                colon != text.index(before: text.endIndex)
            else {
                throw CharterError(
                    .invalidRequest,
                    "-b takes <name>:<secret> with neither empty, e.g. -b admin:adminpw"
                )
            }
            self.init(name: String(text[..<colon]), pass: String(text[text.index(after: colon)...]))
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            pass = try c.decode(String.self, forKey: .pass)
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? "client"
            affiliation = try c.decodeIfPresent(String.self, forKey: .affiliation) ?? ""
            maxenrollments = try c.decodeIfPresent(Int.self, forKey: .maxenrollments)
            attrs = try c.decodeIfPresent([String: ScalarText].self, forKey: .attrs)?.mapValues(\.text) ?? [:]
        }
    }

    /// `db:` — the registry: an embedded SQLite file (default), or a PostgreSQL or MySQL
    /// database shared by several replicas, with fabric-ca's keys.
    public struct DB: Sendable, Codable {
        /// `sqlite3` (also `sqlite`), `postgres` or `mysql`; anything else is refused at start.
        public var type: String = "sqlite3"
        /// SQLite: a file name relative to the home. PostgreSQL: libpq's `host=… port=… user=…
        /// password=… dbname=… sslmode=…` or a `postgres://` URL. MySQL: the Go driver's
        /// `user:password@tcp(host:port)/dbname?parseTime=true`.
        public var datasource: String = "charter.db"
        /// TLS to the database server.
        public var tls = ClientTLS()
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? "sqlite3"
            datasource = try c.decodeIfPresent(String.self, forKey: .datasource) ?? "charter.db"
            tls = try c.decodeIfPresent(ClientTLS.self, forKey: .tls) ?? ClientTLS()
        }

        /// The databases Charter keeps its registry in.
        public enum Kind: Sendable {
            /// One server's embedded file.
            case sqlite
            /// A PostgreSQL database several replicas share.
            case postgres
            /// A MySQL or MariaDB database several replicas share.
            case mysql
        }

        /// The kind `type` names; throws for a type Charter does not have, never falling back.
        public func kind() throws -> Kind {
            switch type.lowercased() {
            case "sqlite3", "sqlite": return .sqlite
            case "postgres", "postgresql": return .postgres
            case "mysql": return .mysql
            default:
                throw CharterError(
                    .configuration,
                    "db.type '\(type)' is not supported: use sqlite3 (embedded), postgres or mysql (several replicas)"
                )
            }
        }

        /// The datasource as it may be logged: a database password never is.
        public var redactedDatasource: String {
            switch try? kind() {
            case .postgres: return (try? PostgresDataSource(parsing: datasource).redacted) ?? "(unparsable datasource)"
            case .mysql: return (try? MySQLDataSource(parsing: datasource).redacted) ?? "(unparsable datasource)"
            case .sqlite, nil: return datasource
            }
        }

        /// True when the datasource holds a password: a file that keeps it is the owner's only.
        public var datasourceHasPassword: Bool {
            switch try? kind() {
            case .postgres: return (try? PostgresDataSource(parsing: datasource).password) != nil
            case .mysql: return (try? MySQLDataSource(parsing: datasource).password) != nil
            case .sqlite, nil: return false
            }
        }
    }

    /// `db.tls` and `intermediate.tls`: the roots the other server's certificate must chain to and
    /// an optional client pair.
    public struct ClientTLS: Sendable, Codable {
        /// `db.tls.enabled`: TLS to MySQL with these files (fabric-ca's `tls=custom`).
        public var enabled = false
        public var certfiles: [String] = []
        public var client = ClientTLSPair()
        enum CodingKeys: String, CodingKey { case enabled, certfiles, client }
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
            certfiles = try c.decodeIfPresent([String]?.self, forKey: .certfiles).flatMap { $0 } ?? []
            client = try c.decodeIfPresent(ClientTLSPair.self, forKey: .client) ?? ClientTLSPair()
        }
        /// `enabled` is written only when set: it is a key of `db.tls` alone.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            if enabled { try c.encode(enabled, forKey: .enabled) }
            try c.encode(certfiles, forKey: .certfiles)
            try c.encode(client, forKey: .client)
        }
    }

    /// `….tls.client`: the certificate and key Charter presents to the other server.
    public struct ClientTLSPair: Sendable, Codable {
        public var certfile = ""
        public var keyfile = ""
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            certfile = try c.decodeIfPresent(String.self, forKey: .certfile) ?? ""
            keyfile = try c.decodeIfPresent(String.self, forKey: .keyfile) ?? ""
        }
    }

    /// `log:` — the transparency log (Charter): its name, signing key and checkpoint interval.
    public struct Log: Sendable, Codable {
        /// The log's origin line and key name; empty: `charter/<CA key identifier>`.
        public var origin = ""
        /// The Ed25519 seed file (hex); empty: `msp/keystore/log-signing.key` in the home.
        public var keyfile = ""
        /// How often a new checkpoint is signed when the log grew.
        public var checkpointinterval = "10s"
        /// Reads of the log need a token of this CA (off: a consortium's members follow it freely).
        public var readauth = false
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            origin = try c.decodeIfPresent(String.self, forKey: .origin) ?? ""
            keyfile = try c.decodeIfPresent(String.self, forKey: .keyfile) ?? ""
            checkpointinterval = try c.decodeIfPresent(String.self, forKey: .checkpointinterval) ?? "10s"
            readauth = try c.decodeIfPresent(Bool.self, forKey: .readauth) ?? false
        }
    }

    /// `intermediate:` — fabric-ca's keys for a CA whose certificate comes from a parent CA.
    public struct Intermediate: Sendable, Codable {
        public var parentserver = ParentServer()
        public var enrollment = IntermediateEnrollment()
        public var tls = ClientTLS()
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            parentserver = try c.decodeIfPresent(ParentServer.self, forKey: .parentserver) ?? ParentServer()
            enrollment =
                try c.decodeIfPresent(IntermediateEnrollment.self, forKey: .enrollment) ?? IntermediateEnrollment()
            tls = try c.decodeIfPresent(ClientTLS.self, forKey: .tls) ?? ClientTLS()
        }

        /// True when this CA is an intermediate of a parent server.
        public var isConfigured: Bool { !parentserver.url.isEmpty }
    }

    /// `intermediate.parentserver`: `https://<id>:<secret>@parent:7054` and the parent's CA name.
    public struct ParentServer: Sendable, Codable {
        public var url = ""
        public var caname = ""
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            url = try c.decodeIfPresent(String?.self, forKey: .url).flatMap { $0 } ?? ""
            caname = try c.decodeIfPresent(String?.self, forKey: .caname).flatMap { $0 } ?? ""
        }
    }

    /// `intermediate.enrollment`: the request made to the parent.
    public struct IntermediateEnrollment: Sendable, Codable {
        public var hosts: [String] = []
        public var profile = "ca"
        public var label = ""
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            hosts = try c.decodeIfPresent([String]?.self, forKey: .hosts).flatMap { $0 } ?? []
            profile = try c.decodeIfPresent(String?.self, forKey: .profile).flatMap { $0 } ?? "ca"
            if profile.isEmpty { profile = "ca" }
            label = try c.decodeIfPresent(String?.self, forKey: .label).flatMap { $0 } ?? ""
        }
    }

    /// `signing:` — the default profile and named ones.
    public struct Signing: Sendable, Codable {
        public var `default` = Profile(usage: ["digital signature"], expiry: "8760h")
        public var profiles: [String: Profile] = [
            "tls": Profile(
                usage: ["signing", "key encipherment", "server auth", "client auth", "key agreement"],
                expiry: "8760h"
            ),
            // fabric-ca's: intermediate CAs that sign leaves only.
            "ca": Profile(
                usage: ["cert sign", "crl sign"],
                expiry: "43800h",
                caconstraint: CAConstraint(isca: true, maxpathlen: 0, maxpathlenzero: true)
            ),
        ]
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Signing()
            self.default = try c.decodeIfPresent(Profile.self, forKey: .default) ?? d.default
            self.profiles = try c.decodeIfPresent([String: Profile].self, forKey: .profiles) ?? d.profiles
        }
    }

    /// One signing profile.
    public struct Profile: Sendable, Codable {
        public var usage: [String]
        public var expiry: String
        /// How far NotBefore is set in the past (Charter; fabric-ca has no such key).
        public var backdate: String?
        /// fabric-ca's `caconstraint`: set on profiles that issue intermediate CAs.
        public var caconstraint: CAConstraint?
        public init(usage: [String], expiry: String, backdate: String? = nil, caconstraint: CAConstraint? = nil) {
            self.usage = usage
            self.expiry = expiry
            self.backdate = backdate
            self.caconstraint = caconstraint
        }
    }

    /// `caconstraint:` — `isca` makes the profile issue CA certificates; `maxpathlen` caps their
    /// path length, 0 meaning "no cap" unless `maxpathlenzero` says it is a real 0 (fabric-ca's rule).
    public struct CAConstraint: Sendable, Codable {
        public var isca: Bool = false
        public var maxpathlen: Int = 0
        public var maxpathlenzero: Bool = false
        public init(isca: Bool, maxpathlen: Int, maxpathlenzero: Bool) {
            self.isca = isca
            self.maxpathlen = maxpathlen
            self.maxpathlenzero = maxpathlenzero
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            isca = try c.decodeIfPresent(Bool.self, forKey: .isca) ?? false
            maxpathlen = try c.decodeIfPresent(Int.self, forKey: .maxpathlen) ?? 0
            maxpathlenzero = try c.decodeIfPresent(Bool.self, forKey: .maxpathlenzero) ?? false
        }
    }

    /// `csr:` — the CA's own certificate request.
    public struct CSR: Sendable, Codable {
        public var cn: String = "charter-ca"
        public var names: [Name] = [Name()]
        public var hosts: [String] = []
        public var ca = CAExpiry()
        /// The CA's key: fabric-ca's `ecdsa` with `size` 256 or 384, or `ed25519` (Fabric 3).
        public var keyrequest = KeyRequest()
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = CSR()
            cn = try c.decodeIfPresent(String.self, forKey: .cn) ?? d.cn
            names = try c.decodeIfPresent([Name].self, forKey: .names) ?? d.names
            hosts = try c.decodeIfPresent([String].self, forKey: .hosts) ?? []
            ca = try c.decodeIfPresent(CAExpiry.self, forKey: .ca) ?? d.ca
            keyrequest = try c.decodeIfPresent(KeyRequest.self, forKey: .keyrequest) ?? d.keyrequest
        }
    }

    /// `csr.keyrequest`.
    public struct KeyRequest: Sendable, Codable {
        public var algo: String = "ecdsa"
        public var size: Int?
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            algo = try c.decodeIfPresent(String.self, forKey: .algo) ?? "ecdsa"
            size = try c.decodeIfPresent(Int.self, forKey: .size)
        }

        /// The algorithm it names.
        public var algorithm: SigningKey.Algorithm {
            get throws { try SigningKey.Algorithm(algorithm: algo, size: size) }
        }
    }

    /// One `csr.names` entry.
    public struct Name: Sendable, Codable {
        public var C: String? = "US"
        public var ST: String? = "North Carolina"
        public var L: String?
        public var O: String? = "Hyperledger"
        public var OU: String? = "Fabric"
        public init() {}
    }

    /// `csr.ca` — the CA certificate's lifetime and path length.
    public struct CAExpiry: Sendable, Codable {
        public var expiry: String = "131400h"
        public var pathlength: Int = 1
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            expiry = try c.decodeIfPresent(String.self, forKey: .expiry) ?? "131400h"
            pathlength = try c.decodeIfPresent(Int.self, forKey: .pathlength) ?? 1
        }
    }

    /// `cfg:` — identity behaviour.
    public struct Cfg: Sendable, Codable {
        public var identities = Identities()
        public var affiliations = Affiliations()
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            identities = try c.decodeIfPresent(Identities.self, forKey: .identities) ?? Identities()
            affiliations = try c.decodeIfPresent(Affiliations.self, forKey: .affiliations) ?? Affiliations()
        }
        public struct Identities: Sendable, Codable {
            /// Wrong secrets allowed before the identity is locked; fabric-ca's default is 10.
            public var passwordattempts: Int = 10
            /// Whether `DELETE /identities/{id}` is allowed (fabric-ca's default: no).
            public var allowremove: Bool = false
            public init() {}
            public init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                passwordattempts = try c.decodeIfPresent(Int.self, forKey: .passwordattempts) ?? 10
                allowremove = try c.decodeIfPresent(Bool.self, forKey: .allowremove) ?? false
            }
        }
        public struct Affiliations: Sendable, Codable {
            /// Whether `DELETE /affiliations/{name}` is allowed (fabric-ca's default: no).
            public var allowremove: Bool = false
            public init() {}
            public init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                allowremove = try c.decodeIfPresent(Bool.self, forKey: .allowremove) ?? false
            }
        }
    }

    /// `compatibility:` — what old clients need and a secure default refuses.
    public struct Compatibility: Sendable, Codable {
        /// Accept legacy tokens, which sign neither method nor URI (fabric-sdk-py sends only
        /// those). Off by default, as in fabric-ca 1.5.14+; `FABRIC_CA_SERVER_COMPATIBILITY_MODE_V1_3=true` turns it on.
        public var v1_3: Bool = false
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            v1_3 = try c.decodeIfPresent(Bool.self, forKey: .v1_3) ?? false
        }
    }

    /// `connections:` — how long a client may take and how many may be connected (Charter's keys).
    /// Durations are Go-style (`10s`, `1m`).
    public struct Connections: Sendable, Codable {
        /// From TCP accept to a finished TLS handshake.
        public var handshaketimeout: String = "10s"
        /// From a request's first byte to its last (head and body).
        public var requesttimeout: String = "30s"
        /// How long a keep-alive connection may sit between requests.
        public var idletimeout: String = "60s"
        /// Connections served at once; further ones wait in the listen backlog.
        public var maxconnections: Int = 4096
        /// After SIGTERM or SIGINT: how long requests in flight may take to finish.
        public var shutdowntimeout: String = "10s"
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Connections()
            handshaketimeout = try c.decodeIfPresent(String.self, forKey: .handshaketimeout) ?? d.handshaketimeout
            requesttimeout = try c.decodeIfPresent(String.self, forKey: .requesttimeout) ?? d.requesttimeout
            idletimeout = try c.decodeIfPresent(String.self, forKey: .idletimeout) ?? d.idletimeout
            maxconnections = try c.decodeIfPresent(Int.self, forKey: .maxconnections) ?? d.maxconnections
            shutdowntimeout = try c.decodeIfPresent(String.self, forKey: .shutdowntimeout) ?? d.shutdowntimeout
        }
    }

    /// `operations:` — where health and metrics are served.
    public struct Operations: Sendable, Codable {
        public var listenAddress: String = "127.0.0.1:9443"
        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            listenAddress = try c.decodeIfPresent(String.self, forKey: .listenAddress) ?? "127.0.0.1:9443"
        }
    }
}

/// A YAML scalar of any kind read as its text (`true`, `1`, `"*"`).
struct ScalarText: Codable, Sendable {
    var text: String
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let bool = try? c.decode(Bool.self) {
            text = bool ? "true" : "false"
        } else if let int = try? c.decode(Int.self) {
            text = String(int)
        } else {
            text = try c.decode(String.self)
        }
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}

/// Human wording for decoding errors: which key, what was wrong.
enum ConfigurationErrorText {
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "at '\(path(context))': \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "at '\(path(context))': missing key '\(key.stringValue)'"
        @unknown default:
            return "\(error)"
        }
    }
}
