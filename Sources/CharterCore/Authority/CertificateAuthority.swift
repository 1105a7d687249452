// The issuing authority: a CA certificate with its key, and the one place that turns a checked
// request into a signed certificate. The server and cryptogen both issue through it.

import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority able to sign leaf certificates.
public struct CertificateAuthority: Sendable {
    /// The CA's own certificate.
    public let certificate: Certificate
    /// The CA certificate in PEM, followed by its parents up to the root (`CAChain` on the wire).
    public let chainPEM: String
    /// The CA's subject key identifier, which becomes every leaf's authority key identifier.
    public let subjectKeyIdentifier: [UInt8]
    /// The CA's validity, the outer bound of every leaf's.
    public let validity: ValidityWindow
    /// How many CAs may follow this one in a chain (BasicConstraints); nil: no limit. A CA with 0
    /// signs leaves only.
    public let pathLength: Int?
    let key: SigningKey

    /// The CA key's algorithm, which everything the CA signs is signed with.
    public var keyAlgorithm: SigningKey.Algorithm { key.algorithm }

    /// Pairs a CA certificate with its key, refusing a key that does not match the certificate.
    public init(certificate: Certificate, key: SigningKey, parents: [Certificate] = []) throws {
        guard certificate.publicKey == key.publicKey else {
            throw CharterError(.configuration, "The CA key does not match the CA certificate's public key")
        }
        guard let constraints = try? certificate.extensions.basicConstraints,
            case .isCertificateAuthority(let pathLength) = constraints
        else {
            throw CharterError(.configuration, "The CA certificate is not a CA (BasicConstraints CA:TRUE is missing)")
        }
        self.pathLength = pathLength
        self.certificate = certificate
        self.key = key
        self.chainPEM =
            try ([certificate] + parents).map { try $0.serializeAsPEM().pemString }.joined(separator: "\n")
            + "\n"
        self.subjectKeyIdentifier =
            (try? certificate.extensions.subjectKeyIdentifier).map { Array($0.keyIdentifier) }
            ?? Array(Self.subjectKeyIdentifier(for: certificate.publicKey).keyIdentifier)
        self.validity = ValidityWindow(notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter)
    }

    /// A CA certificate's lifetime unless configured otherwise: fabric-ca's 15 years (`131400h`).
    public static let defaultExpiry: Duration = .hours(131_400)

    /// A new self-signed root CA, shaped like fabric-ca's by default (KeyUsage cert+CRL sign,
    /// CA:TRUE with path length 1, SHA-1 SKI); cryptogen's CAs pass their own usages and SKI.
    public static func selfSigned(
        subject: DistinguishedName,
        key: SigningKey = .generate(),
        now: Date = Date(),
        backdate: Duration = ValidityWindow.defaultBackdate,
        expiry: Duration = defaultExpiry,
        pathLength: Int? = 1,
        keyUsage: KeyUsage = KeyUsage(keyCertSign: true, cRLSign: true),
        extendedKeyUsages: [ExtendedKeyUsage.Usage] = [],
        subjectKeyIdentifier: [UInt8]? = nil,
        validFrom: Date? = nil
    ) throws -> CertificateAuthority {
        var window = ValidityWindow(now: now, backdate: backdate, expiry: expiry)
        if let validFrom { window.notBefore = validFrom }
        var extensions = Certificate.Extensions()
        try extensions.append(Certificate.Extension(keyUsage, critical: true))
        if !extendedKeyUsages.isEmpty {
            try extensions.append(Certificate.Extension(ExtendedKeyUsage(extendedKeyUsages), critical: false))
        }
        try extensions.append(
            Certificate.Extension(BasicConstraints.isCertificateAuthority(maxPathLength: pathLength), critical: true)
        )
        let ski =
            subjectKeyIdentifier.map { SubjectKeyIdentifier(keyIdentifier: $0[...]) }
            ?? Self.subjectKeyIdentifier(for: key.publicKey)
        try extensions.append(Certificate.Extension(ski, critical: false))
        let certificate = try Certificate(
            version: .v3,
            serialNumber: SerialNumberGenerator.next(),
            publicKey: key.publicKey,
            notValidBefore: window.notBefore,
            notValidAfter: window.notAfter,
            issuer: subject,
            subject: subject,
            signatureAlgorithm: key.signatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: key.certificateKey
        )
        return try CertificateAuthority(certificate: certificate, key: key)
    }

    /// Signs a certificate for a request that policy has already approved: a leaf, or an
    /// intermediate CA when the profile is a CA profile.
    ///
    /// The validity window is computed here, from the CA's own, so no caller can issue a
    /// certificate that starts before or ends after its CA; path lengths are enforced here too,
    /// so a CA whose path length is 0 never signs another CA.
    public func issue(_ request: IssuanceRequest, now: Date = Date()) throws -> IssuedCertificate {
        let constraints: BasicConstraints
        if let caConstraint = request.profile.certificateAuthority {
            guard pathLength != 0 else {
                throw CharterError(
                    .authorizationFailure,
                    "This CA's path length is 0: it may not issue CA certificates"
                )
            }
            let limits = [caConstraint.maxPathLength, pathLength.map { $0 - 1 }].compactMap { $0 }
            constraints = .isCertificateAuthority(maxPathLength: limits.min())
        } else {
            constraints = .notCertificateAuthority
        }
        let window = try ValidityWindow(
            now: now,
            backdate: request.profile.backdate,
            expiry: request.profile.expiry,
            issuer: validity
        )
        let serial = SerialNumberGenerator.next()
        var extensions = Certificate.Extensions()
        try extensions.append(Certificate.Extension(request.profile.keyUsage, critical: true))
        if !request.profile.extendedKeyUsages.isEmpty {
            try extensions.append(
                Certificate.Extension(ExtendedKeyUsage(request.profile.extendedKeyUsages), critical: false)
            )
        }
        try extensions.append(Certificate.Extension(constraints, critical: true))
        if request.profile.subjectKeyIdentifier || request.profile.certificateAuthority != nil {
            try extensions.append(
                Certificate.Extension(
                    request.subjectKeyIdentifier ?? Self.subjectKeyIdentifier(for: request.publicKey),
                    critical: false
                )
            )
        }
        try extensions.append(
            Certificate.Extension(
                AuthorityKeyIdentifier(keyIdentifier: subjectKeyIdentifier[...]),
                critical: false
            )
        )
        if !request.subjectAlternativeNames.isEmpty {
            try extensions.append(
                Certificate.Extension(SubjectAlternativeNames(request.subjectAlternativeNames), critical: false)
            )
        }
        if let attributes = request.attributes {
            try extensions.append(attributes.certificateExtension)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: serial,
            publicKey: request.publicKey,
            notValidBefore: window.notBefore,
            notValidAfter: window.notAfter,
            issuer: certificate.subject,
            subject: request.subject,
            signatureAlgorithm: key.signatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: key.certificateKey
        )
        return try IssuedCertificate(
            certificate: certificate,
            authorityKeyIdentifier: subjectKeyIdentifier,
            profile: request.profile.name,
            window: window
        )
    }

    /// This root CA re-issued for a new lifetime: same subject, key, SKI, key usages, EKUs, path
    /// length and NotBefore, a new serial and NotAfter. Every certificate the old one signed still
    /// verifies against it (same issuer name, key and key identifier) and still lies inside its
    /// validity, so a CA renewed before it expires keeps its network working. An intermediate is
    /// renewed by its parent instead.
    public func renewed(now: Date = Date(), expiry: Duration = defaultExpiry) throws -> CertificateAuthority {
        guard certificate.issuer == certificate.subject,
            certificate.publicKey.isValidSignature(
                certificate.signature,
                for: certificate
            )
        else {
            throw CharterError(
                .configuration,
                "The CA certificate is not self-signed: an intermediate CA is renewed by reenrolling with its parent"
            )
        }
        let constraints = try certificate.extensions.basicConstraints
        guard case .isCertificateAuthority(let pathLength) = constraints else {
            throw CharterError(.configuration, "The CA certificate is not a CA (BasicConstraints CA:TRUE is missing)")
        }
        return try Self.selfSigned(
            subject: certificate.subject,
            key: key,
            now: now,
            expiry: expiry,
            pathLength: pathLength,
            keyUsage: try certificate.extensions.keyUsage ?? KeyUsage(keyCertSign: true, cRLSign: true),
            extendedKeyUsages: (try certificate.extensions.extendedKeyUsage).map(Array.init) ?? [],
            subjectKeyIdentifier: subjectKeyIdentifier,
            validFrom: certificate.notValidBefore
        )
    }

    /// A signature by the CA key with its certificate signature algorithm (for CRLs and other
    /// CA-signed structures): DER ECDSA, low-S, or raw Ed25519.
    public func sign(_ bytes: some DataProtocol) throws -> [UInt8] {
        try key.signature(over: bytes, sha384: key.algorithm == .p384)
    }

    /// The SKI Charter gives a key: SHA-256 of the 32 raw bytes for Ed25519, as Fabric 3's
    /// cryptogen computes it, and fabric-ca's SHA-1 of the public key bits for ECDSA.
    public static func subjectKeyIdentifier(for publicKey: Certificate.PublicKey) -> SubjectKeyIdentifier {
        guard let algorithm = publicKey.algorithm else { return SubjectKeyIdentifier(hash: publicKey) }
        return subjectKeyIdentifier(point: publicKey.ecPoint, algorithm: algorithm)
    }

    /// The same identifier from a key's point (``SigningKey/publicPoint``): SHA-1 of the point is
    /// what swift-certificates hashes from an ECDSA key's SPKI.
    static func subjectKeyIdentifier(point: [UInt8], algorithm: SigningKey.Algorithm) -> SubjectKeyIdentifier {
        if algorithm == .ed25519 {
            return SubjectKeyIdentifier(keyIdentifier: ArraySlice(SHA256.hash(data: point)))
        }
        return SubjectKeyIdentifier(keyIdentifier: ArraySlice(Insecure.SHA1.hash(data: point)))
    }

    /// True when `certificate` carries a valid signature by this CA's key and names it as issuer.
    public func didIssue(_ leaf: Certificate) -> Bool {
        leaf.issuer == certificate.subject && certificate.publicKey.isValidSignature(leaf.signature, for: leaf)
    }
}

/// What the authority needs to sign a leaf: everything already decided by policy.
public struct IssuanceRequest: Sendable {
    /// The subject's public key (from the CSR).
    public let publicKey: Certificate.PublicKey
    /// The key's identifier, when the caller holds the key and so its point.
    let subjectKeyIdentifier: SubjectKeyIdentifier?
    /// The subject name, already built by ``SubjectPolicy``.
    public var subject: DistinguishedName
    /// SAN entries, already validated by ``HostPolicy``.
    public var subjectAlternativeNames: [GeneralName]
    /// The profile that fixes usages, lifetime and backdate.
    public var profile: SigningProfile
    /// The Fabric attribute extension, when the identity has attributes to carry.
    public var attributes: AttributeExtension?

    /// Creates a request.
    public init(
        publicKey: Certificate.PublicKey,
        subject: DistinguishedName,
        subjectAlternativeNames: [GeneralName] = [],
        profile: SigningProfile,
        attributes: AttributeExtension? = nil
    ) {
        self.publicKey = publicKey
        self.subjectKeyIdentifier = nil
        self.subject = subject
        self.subjectAlternativeNames = subjectAlternativeNames
        self.profile = profile
        self.attributes = attributes
    }

    /// Creates a request for a key the caller made (cryptogen): its identifier comes from the
    /// point the key already holds.
    public init(
        subjectKey: SigningKey,
        subject: DistinguishedName,
        subjectAlternativeNames: [GeneralName] = [],
        profile: SigningProfile,
        attributes: AttributeExtension? = nil
    ) {
        self.publicKey = subjectKey.publicKey
        self.subjectKeyIdentifier = CertificateAuthority.subjectKeyIdentifier(
            point: subjectKey.publicPoint,
            algorithm: subjectKey.algorithm
        )
        self.subject = subject
        self.subjectAlternativeNames = subjectAlternativeNames
        self.profile = profile
        self.attributes = attributes
    }
}

/// A signed certificate with the facts the registry records about it.
public struct IssuedCertificate: Sendable {
    /// The certificate.
    public let certificate: Certificate
    /// PEM with a trailing newline, as clients write it to `signcerts/cert.pem`.
    public let pem: String
    /// Serial number in fabric-ca's stored form: lower-case hex, no leading zeros.
    public let serialHex: String
    /// The issuing CA's key identifier, lower-case hex.
    public let authorityKeyIdentifierHex: String
    /// The signing profile's name.
    public let profile: String
    /// The validity actually written into the certificate.
    public let window: ValidityWindow

    /// Wraps a certificate, computing the recorded forms of its identifiers.
    public init(certificate: Certificate, authorityKeyIdentifier: [UInt8], profile: String, window: ValidityWindow)
        throws
    {
        self.certificate = certificate
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.pem = PEM.encode(serializer.serializedBytes, type: "CERTIFICATE")
        self.serialHex = Hex.canonicalSerial(Hex.encode(certificate.serialNumber.bytes)) ?? "0"
        self.authorityKeyIdentifierHex = Hex.encode(authorityKeyIdentifier)
        self.profile = profile
        self.window = window
    }
}
