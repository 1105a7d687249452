// Every parser that reads bytes an attacker controls, as one entry point per fuzz target: the
// libFuzzer driver (`Scripts/fuzz.sh`) feeds them random inputs, and the corpus tests replay the
// seeds and every input that ever crashed one. A target may throw any typed error; it must never
// trap, hang or exhaust memory. Two targets drive whole components: `route` sends requests
// through the real router and handlers, `import` imports a fabric-ca registry built from the input.

import CharterACME
import CharterCore
import CharterCryptogen
import CharterIdemix
import CharterMySQL
import CharterPostgres
import CharterServer
import Crypto
import Foundation

/// One fuzzed parser.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// PEM CSRs as enroll and reenroll receive them: decode, parse, verify, SANs.
    case csr
    /// PEM bundles and single blocks (CA chains, keys, certificates).
    case pem
    /// `Authorization` token headers: parse and verify against a request.
    case token
    /// Every request body decoder; the first byte picks the body type.
    case bodies
    /// Durations and time filters from query strings and configs.
    case time
    /// The server configuration file.
    case serverConfig = "server-config"
    /// cryptogen's `crypto-config.yaml`.
    case cryptoConfig = "crypto-config"
    /// What a log follower and the audit read: log entries, checkpoints and signed notes, verifier
    /// keys, and PostgreSQL datasources.
    case transparency
    /// Whole HTTP requests through the API router, authentication and handlers of a real home.
    case route
    /// A fabric-ca SQLite registry built from the input, through `charter server import`.
    case importDB = "import"
    /// Idemix messages as a client or a fabric-ca home hands them over: issuer public keys,
    /// credentials, revocation information, credential requests (JSON), SignerConfigs, token
    /// signatures; the first byte picks the decoder.
    case idemix
    /// ACME requests as a client sends them: JWS bodies (parsed, then verified with their own
    /// key), JWKs, external account bindings, DNS answers and tls-alpn-01 certificates; the first
    /// byte picks the decoder.
    case acme

    /// The route target's server, made on first use and shared by every input of the process.
    static let routeHarness = Task { try await RouteHarness.make() }
    /// The import target's CA home, likewise.
    static let importHarness = Task { try await ImportHarness.make() }

    /// The account key external account bindings are fuzzed against (RFC 8037's example).
    static let fuzzAccountKey = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"

    /// A fixed key for the CRI decoder (its signature check is reached, not passed).
    static let revocationKey = P384.Signing.PrivateKey().publicKey

    /// ``run(_:)`` for a caller outside Swift concurrency (libFuzzer's callback, the replay tool).
    public func runBlocking(_ input: [UInt8]) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await run(input)
            done.signal()
        }
        done.wait()
    }

    /// Runs the parser on `input`; errors are the expected outcome of most inputs.
    public func run(_ input: [UInt8]) async {
        let text = String(decoding: input, as: UTF8.self)
        switch self {
        case .route:
            await (try? Self.routeHarness.value)?.run(input)
        case .importDB:
            await (try? Self.importHarness.value)?.run(input)
        case .csr:
            let request = EnrollmentRequest(certificateRequest: text)
            if let csr = try? request.parsedCSR() {
                let policy = EnrollmentPolicy()
                let identity = Identity(
                    id: SubjectPolicy.commonName(of: csr.subject) ?? "",
                    type: "peer",
                    affiliation: "org1",
                    attributes: [],
                    maxEnrollments: -1,
                    secretHash: ""
                )
                _ = try? policy.issuanceRequest(for: identity, request: request)
            }
        case .pem:
            _ = try? PEMBundle.certificates(in: text)
            _ = PEM.decode(input, type: "CERTIFICATE")
            _ = try? SigningKey(pemEncoded: text)
        case .token:
            if let token = try? AuthorizationToken(header: text) {
                _ = try? token.verify(method: "POST", requestURI: "/register", body: input, acceptingLegacy: true)
            }
            _ = Hex.canonicalSerial(text)
        case .bodies:
            guard let selector = input.first else { return }
            let body = Data(input.dropFirst())
            let decoder = JSONDecoder()
            switch selector % 6 {
            case 0: _ = try? decoder.decode(EnrollmentRequest.self, from: body)
            case 1: _ = try? decoder.decode(RegistrationRequest.self, from: body)
            case 2: _ = try? decoder.decode(RevocationRequest.self, from: body)
            case 3: _ = try? decoder.decode(CRLRequest.self, from: body)
            case 4: _ = try? decoder.decode(IdentityModification.self, from: body)
            default: _ = try? decoder.decode(AffiliationRequest.self, from: body)
            }
        case .idemix:
            guard let selector = input.first else { return }
            let body = Array(input.dropFirst())
            switch selector % 6 {
            case 5: _ = try? Signature(serialized: body)
            case 0: _ = try? IssuerPublicKey(serialized: body)
            case 1: _ = try? Credential(serialized: body)
            case 2: _ = try? CredentialRevocationInformation(serialized: body, key: Self.revocationKey)
            case 3: _ = try? JSONDecoder().decode(CredentialRequest.self, from: Data(body))
            default: _ = try? SignerConfig(json: body)
            }
        case .acme:
            guard let selector = input.first else { return }
            let body = Array(input.dropFirst())
            switch selector % 5 {
            case 0:
                if let jws = try? JSONWebSignature(body: body), let key = jws.header.key {
                    try? jws.verify(with: key)
                    _ = try? jws.payloadObject()
                }
            case 1:
                if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
                    _ = try? JSONWebKey(object)
                }
            case 2:
                if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                    let key = try? JSONWebKey(["kty": "OKP", "crv": "Ed25519", "x": Self.fuzzAccountKey]),
                    let binding = try? ExternalAccountBinding(
                        object,
                        accountKey: key,
                        url: "https://ca/acme/new-account"
                    )
                {
                    try? binding.verify(hmacKey: [1, 2, 3])
                }
            case 3:
                for type in [DNSMessage.RecordType.a, .aaaa, .txt] {
                    _ = try? DNSMessage.answers(in: body, id: 0x1234, type: type)
                }
            default:
                try? KeyAuthorization(token: "t", thumbprint: [1]).checkTLSALPN(certificateDER: body, name: "a.example")
                _ = ACMEAllowList(["*.example.com"]).allows(text)
            }
        case .time:
            _ = try? DurationText.parse(text)
            if let date = try? GoTime.parseFilter(text, now: Date()) { _ = GoTime.format(date) }
            _ = try? EnrollmentID.validate(text)
            _ = try? Affiliation.validate(text)
            _ = try? HostPolicy.subjectAlternativeNames(for: [text])
        case .serverConfig:
            // The file, then the same text as flags and one variable: every way a key arrives.
            let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            for configuration in [
                try? ServerConfiguration.load(yaml: text),
                try? ServerConfiguration.load(
                    yaml: "",
                    environment: ["FABRIC_CA_SERVER_CSR_HOSTS": text],
                    flags: words
                ),
            ] {
                _ = try? configuration?.yaml()
            }
        case .cryptoConfig:
            _ = try? CryptoConfigParser.parse(text)
        case .transparency:
            _ = LogEntry(decoding: input)
            _ = Checkpoint(body: text)
            if let verifier = try? NoteVerifier(verifierKey: text.split(separator: "\n").first.map(String.init) ?? "") {
                _ = verifier.verify(text)
            }
            _ = try? PostgresDataSource(parsing: text)
            _ = try? MySQLDataSource(parsing: text)
            _ = MerkleTree.verifyInclusion(
                leaf: Array(input.prefix(32)),
                index: Int(input.first ?? 0),
                size: input.count,
                proof: [],
                root: []
            )
        }
    }
}
