// Everything that decides what an enrollment's certificate looks like, applied in one pass:
// CSR checks, CN rule, profile, SANs (hosts or CSR, plus gateway names), subject and attributes.

import X509

/// Turns an authenticated identity's enrollment request into an ``IssuanceRequest``.
public struct EnrollmentPolicy: Sendable {
    /// Profiles by name; `""` is the default profile.
    public var profiles: [String: SigningProfile]
    /// Gateway service names added to matching enrollments.
    public var gateway: GatewayPolicy
    /// The key algorithms this CA issues for; a network that must be NIST-free or Ed25519-free
    /// lists only what it allows.
    public var keyAlgorithms: Set<SigningKey.Algorithm>

    /// Creates a policy; the default and `tls` profiles exist unless overridden.
    public init(
        profiles: [SigningProfile] = [],
        gateway: GatewayPolicy = GatewayPolicy(),
        keyAlgorithms: Set<SigningKey.Algorithm> = Set(SigningKey.Algorithm.allCases)
    ) {
        self.keyAlgorithms = keyAlgorithms
        var byName = [
            SigningProfile.enrollment.name: SigningProfile.enrollment, SigningProfile.tls.name: SigningProfile.tls,
        ]
        for profile in profiles { byName[profile.name] = profile }
        self.profiles = byName
        self.gateway = gateway
    }

    /// The profile a request names; an unknown name is a client error.
    public func profile(named name: String?) throws -> SigningProfile {
        let key = name ?? ""
        guard let profile = profiles[key] else {
            let known = profiles.keys.filter { !$0.isEmpty }.sorted().joined(separator: ", ")
            throw CharterError(.invalidProfile, "Invalid profile: '\(key)' (this CA has: default, \(known))")
        }
        return profile
    }

    /// Checks the request against the identity and builds what the authority signs.
    public func issuanceRequest(for identity: Identity, request: EnrollmentRequest) throws -> IssuanceRequest {
        let csr = try request.parsedCSR()
        guard let algorithm = csr.publicKey.algorithm, keyAlgorithms.contains(algorithm) else {
            let accepted = keyAlgorithms.map(\.rawValue).sorted().joined(separator: ", ")
            throw CharterError(
                .invalidRequest,
                "This CA does not issue for \(csr.publicKey.algorithm?.rawValue ?? "this kind of") keys (accepted: \(accepted))"
            )
        }
        guard SubjectPolicy.commonName(of: csr.subject) == identity.id else {
            throw CharterError(
                .commonNameMismatch,
                "The CSR subject common name must equal the enrollment ID '\(identity.id)'"
            )
        }
        let profile = try profile(named: request.profile)
        if profile.certificateAuthority != nil, !AccessControl.hasPower(identity, ReservedAttribute.intermediateCA) {
            throw CharterError(
                .authorizationFailure,
                "Identity '\(identity.id)' may not enroll as an intermediate CA (it lacks hf.IntermediateCA=true)"
            )
        }
        // The request's hosts, else the CSR's own SANs: either way validated once, here.
        let validated: [GeneralName]
        if let hosts = request.hosts, !hosts.isEmpty {
            validated = try HostPolicy.subjectAlternativeNames(for: hosts)
        } else {
            let requested: [GeneralName]
            do {
                requested =
                    try csr.attributes.extensionRequest?.extensions.subjectAlternativeNames.map(Array.init) ?? []
            } catch {
                throw CharterError(.badCSR, "The CSR's extension request does not parse: \(error)")
            }
            validated = try HostPolicy.subjectAlternativeNames(requested: requested)
        }
        let names = try gateway.appendingServices(
            to: validated,
            profile: profile.name,
            type: identity.type,
            affiliation: identity.affiliation
        )
        return IssuanceRequest(
            publicKey: csr.publicKey,
            subject: try SubjectPolicy.subject(
                from: csr.subject,
                enrollmentID: identity.id,
                type: identity.type,
                affiliation: identity.affiliation
            ),
            subjectAlternativeNames: names,
            profile: profile,
            attributes: try AttributeExtension.select(from: identity.attributes, requests: request.attributeRequests)
        )
    }
}
