// The fabric-ca REST endpoints Charter serves: cainfo, enroll, reenroll, register.

import CharterCore
import CharterStore
import Foundation
import Hummingbird
import NIOPosix

/// The API's state and handlers; routing lives in ``APIRouter``.
struct CAService: Sendable {
    let authority: CertificateAuthority
    let registry: any Registry
    let hasher: SecretHasher
    let policy: EnrollmentPolicy
    let authenticator: Authenticator
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    /// The CA's transparency log.
    let log: TransparencyLog
    /// Computed once: the base64 chain is the same in every response.
    let enrollmentServerInfo: ServerInfo
    /// The Idemix issuer keys.
    let idemix: IdemixIssuer
    /// How long an Idemix nonce may be answered.
    let nonceLifetime: Duration
    /// Revocation handles per epoch.
    let revocationHandlePool: Int
    /// The largest request body accepted.
    static let maxBodySize = 1 << 20

    init(home: ServerHome, metrics: ServerMetrics) throws {
        let configuration = home.configuration
        self.authority = home.authority
        self.registry = home.registry
        self.hasher = home.hasher
        self.log = try TransparencyLog(registry: home.registry, signer: home.logSigner)
        self.configuration = configuration
        self.metrics = metrics
        self.enrollmentServerInfo = ServerInfo(
            caName: configuration.ca.name,
            caChainPEM: home.authority.chainPEM,
            version: "",
            issuerPublicKey: home.idemix.key.publicKey.serialized,
            issuerRevocationPublicKeyPEM: home.idemix.revocationPublicKeyPEM
        )
        self.idemix = home.idemix
        self.nonceLifetime = try configuration.idemix.nonceLifetime()
        self.revocationHandlePool = try configuration.idemix.poolSize()
        guard configuration.idemix.curve.lowercased() == "amcl.fp256bn" else {
            throw CharterError(.configuration, "idemix.curve: Charter issues Idemix credentials on amcl.Fp256bn only")
        }
        self.policy = EnrollmentPolicy(
            profiles: try configuration.signingProfiles(),
            gateway: GatewayPolicy(rules: configuration.gateways),
            keyAlgorithms: try configuration.acceptedKeyAlgorithms()
        )
        self.authenticator = Authenticator(
            registry: home.registry,
            directory: home.directory,
            hasher: home.hasher,
            authority: home.authority,
            passwordAttempts: configuration.cfg.identities.passwordattempts,
            acceptsLegacyTokens: configuration.compatibility.v1_3,
            metrics: metrics,
            idemixIssuer: home.idemix.key.publicKey
        )
    }

    func serverInfo(version: String) -> ServerInfo {
        var info = enrollmentServerInfo
        info.version = version
        return info
    }

    // MARK: cainfo

    func caInfo(_ request: Request, context: CharterRequestContext) async throws -> Response {
        let body = try await Self.collect(request)
        if request.method == .post, !body.isEmpty {
            struct CAInfoRequest: Decodable { var caname: String? }
            try checkCAName(try Self.decode(CAInfoRequest.self, from: body).caname)
        }
        let response = Envelope.success(json: serverInfo(version: CharterVersion.protocolVersion).wireJSON)
        if request.method == .head {
            return Response(status: .ok, headers: response.headers)
        }
        return response
    }

    // MARK: enroll / reenroll

    /// Basic authentication comes from the header: the body is read only once the caller is known.
    func enroll(_ request: Request, context: CharterRequestContext) async throws -> Response {
        let identity = try await authenticator.basic(request)
        context.audit.record(identity.id)
        do {
            let body = try await Self.collect(request)
            let enrollment = try Self.decode(EnrollmentRequest.self, from: body)
            try checkCAName(enrollment.caName)
            if identity.hasReachedMaxEnrollments {
                throw CharterError.authentication(
                    "Identity '\(identity.id)' has reached its maximum of \(identity.maxEnrollments) enrollments"
                )
            }
            return try await issue(for: identity, enrollment, countsAsEnrollment: true, context: context)
        } catch {
            // The secret was right: the attempt counted before checking it is not a wrong one.
            try? await registry.resetLoginAttempts(identity.id)
            throw error
        }
    }

    func reenroll(_ request: Request, context: CharterRequestContext) async throws -> Response {
        let (caller, body) = try await tokenCaller(request, context: context)
        let enrollment = try Self.decode(EnrollmentRequest.self, from: body)
        try checkCAName(enrollment.caName)
        return try await issue(for: caller, enrollment, countsAsEnrollment: false, context: context)
    }

    /// Issue, record (committed), and only then answer: a certificate not on record never leaves.
    func issue(
        for identity: Identity,
        _ enrollment: EnrollmentRequest,
        countsAsEnrollment: Bool,
        context: CharterRequestContext
    ) async throws -> Response {
        let issuance = try policy.issuanceRequest(for: identity, request: enrollment)
        let start = Date()
        let issued = try authority.issue(issuance)
        // As fabric-ca 1.5.8+: say when the CA's own expiry cut the certificate's lifetime short.
        if issued.window.notAfter < start.addingTimeInterval(issuance.profile.expiry.timeInterval - 1) {
            context.logger.warning(
                "certificate lifetime cut to the CA's NotAfter: renew the CA",
                metadata: [
                    "enrollment_id": "\(identity.id)",
                    "not_after": "\(GoTime.format(issued.window.notAfter))",
                    "ca_not_after": "\(GoTime.format(authority.validity.notAfter))",
                ]
            )
        }
        let record = CertificateRecord(issued, enrollmentID: identity.id, caName: configuration.ca.name)
        try await metrics.timeDatabase("record_enrollment") {
            if authenticator.directory != nil {
                // The directory's people have no registry row to count enrollments on.
                try await registry.record(record)
            } else {
                try await registry.recordEnrollment(
                    EnrollmentRecord(certificate: record, countsAsEnrollment: countsAsEnrollment)
                )
            }
        }
        metrics.countIssued(
            ca: configuration.ca.name,
            profile: issued.profile,
            type: identity.type,
            reenroll: !countsAsEnrollment
        )
        return Envelope.success(
            json: EnrollmentResponse(certificatePEM: issued.pem, serverInfo: serverInfo(version: "")).wireJSON,
            status: .created
        )
    }

    // MARK: register

    func register(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("Registering identities")
        let (registrar, body) = try await tokenCaller(request, context: context)
        let (identity, secret) = try await registerIdentity(
            try Self.decode(RegistrationRequest.self, from: body),
            registrar: registrar
        )
        return try Envelope.success(
            RegistrationResponse(secret: secret),
            status: .created,
            headers: [.location: "/api/v1/identities/\(identity.id)"]
        )
    }

    /// Checks and stores a new identity for `register` and `POST /identities`; returns it with its secret.
    func registerIdentity(_ registration: RegistrationRequest, registrar: Identity) async throws -> (Identity, String) {
        try checkCAName(registration.caName)
        guard let id = registration.id, !id.isEmpty else {
            throw CharterError(.invalidRequest, "The registration request has no 'id'")
        }
        try EnrollmentID.validate(id)
        let type = registration.type.flatMap { $0.isEmpty ? nil : $0 } ?? "client"
        try EnrollmentID.validateType(type)
        let affiliation = registration.affiliation.flatMap { $0.isEmpty ? nil : $0 } ?? registrar.affiliation
        let requested = registration.attributes ?? []
        try IdentityRules.validate(attributes: requested)
        try AccessControl.checkRegistration(
            registrar: registrar,
            type: type,
            affiliation: affiliation,
            attributes: requested
        )
        let maxEnrollments = try resolveMaxEnrollments(registration.maxEnrollments ?? 0)

        let generated = registration.secret?.isEmpty ?? true
        if !generated, let chosen = registration.secret { try SecretHasher.validate(chosen) }
        let secret = generated ? SecretHasher.generateSecret() : (registration.secret ?? "")
        let hasher = self.hasher
        let secretHash =
            generated
            ? hasher.hash(secret, generated: true)
            : try await NIOThreadPool.singleton.runIfActive { hasher.hash(secret, generated: false) }

        // fabric-ca adds the identity's own facts as ecert attributes.
        let attributes =
            requested + [
                IdentityAttribute(name: ReservedAttribute.enrollmentID, value: id, ecert: true),
                IdentityAttribute(name: ReservedAttribute.type, value: type, ecert: true),
                IdentityAttribute(name: ReservedAttribute.affiliation, value: affiliation, ecert: true),
            ]
        let identity = Identity(
            id: id,
            type: type,
            affiliation: affiliation,
            attributes: attributes,
            maxEnrollments: maxEnrollments,
            secretHash: secretHash
        )
        try IdentityRules.validate(identity)
        try await registry.insert(identity)
        metrics.countRegistration(ca: configuration.ca.name)
        return (identity, secret)
    }

    /// 0 means the CA's default; a CA limit caps what a registrar may grant.
    func resolveMaxEnrollments(_ requested: Int) throws -> Int {
        let limit = configuration.registry.maxenrollments
        if requested == 0 { return limit }
        guard requested >= -1 else {
            throw CharterError(
                .invalidRequest,
                "max_enrollments must be -1 (unlimited), 0 (CA default) or positive, not \(requested)"
            )
        }
        if limit >= 0 && (requested == -1 || requested > limit) {
            throw CharterError(
                .invalidRequest,
                "max_enrollments \(requested) exceeds this CA's limit of \(limit) (registry.maxenrollments)"
            )
        }
        return requested
    }

    // MARK: request helpers

    /// fabric-ca answers the registry's writes and listings with "not supported" when its people
    /// are in an LDAP directory; so does Charter, saying why.
    func requireLocalRegistry(_ action: String) throws {
        guard authenticator.directory != nil else { return }
        throw CharterError(
            .invalidRequest,
            "\(action) is not available: this CA's identities are in an LDAP directory (ldap.enabled) and are managed there"
        )
    }

    func checkCAName(_ name: String?) throws {
        guard let name, !name.isEmpty, name != configuration.ca.name else { return }
        throw CharterError(.unknownCA, "CA '\(name)' does not exist")
    }

    static func collect(_ request: Request) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: maxBodySize)
        return Array(buffer.readableBytesView)
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws -> T {
        guard !body.isEmpty else {
            throw CharterError(.emptyBody, "Empty request body")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw CharterError(.invalidBody, "Invalid request body: \(ConfigurationErrorText.describe(error))")
        } catch {
            throw CharterError(.invalidBody, "Invalid request body: \(error)")
        }
    }
}

extension ServerConfiguration {
    /// The configured signing profiles as the core models them.
    func signingProfiles() throws -> [SigningProfile] {
        func profile(_ name: String, _ entry: Profile) throws -> SigningProfile {
            var profile = try SigningProfile(
                name: name,
                usages: entry.usage,
                expiry: try DurationText.parse(entry.expiry),
                backdate: try entry.backdate.map(DurationText.parse) ?? ValidityWindow.defaultBackdate
            )
            if let constraint = entry.caconstraint, constraint.isca {
                guard constraint.maxpathlen >= 0 else {
                    throw CharterError(.configuration, "Signing profile '\(name)': maxpathlen may not be negative")
                }
                profile.certificateAuthority = SigningProfile.CAConstraint(
                    maxPathLength: constraint.maxpathlen > 0 || constraint.maxpathlenzero ? constraint.maxpathlen : nil
                )
            }
            return profile
        }
        return try [profile("", signing.default)]
            + signing.profiles.sorted { $0.key < $1.key }.map { try profile($0.key, $0.value) }
    }
}
