// A signing profile: the key usages, extended key usages, lifetime and backdate of one kind of
// certificate, as fabric-ca's `signing.profiles` configures them.

import Foundation
import X509

/// How one kind of leaf certificate is shaped.
public struct SigningProfile: Sendable, Hashable {
    /// The name a request selects it by (`""` is the default profile).
    public var name: String
    /// Key usage bits.
    public var keyUsage: KeyUsage
    /// Extended key usages; empty means no EKU extension.
    public var extendedKeyUsages: [ExtendedKeyUsage.Usage]
    /// How long a certificate lives, before clamping to the CA.
    public var expiry: Duration
    /// How far NotBefore is set in the past, before clamping to the CA.
    public var backdate: Duration
    /// Whether leaves carry a Subject Key Identifier (fabric-ca: yes; cryptogen: no).
    public var subjectKeyIdentifier: Bool = true
    /// Set for profiles that issue CA certificates (fabric-ca's `caconstraint.isca`): intermediate CAs.
    public var certificateAuthority: CAConstraint?

    /// What a CA profile allows the issued CA to do.
    public struct CAConstraint: Sendable, Hashable {
        /// The issued CA's path length at most; nil: only the issuer's own limit applies.
        public var maxPathLength: Int?

        /// Creates a constraint.
        public init(maxPathLength: Int?) {
            self.maxPathLength = maxPathLength
        }
    }

    /// Creates a profile.
    public init(
        name: String,
        keyUsage: KeyUsage,
        extendedKeyUsages: [ExtendedKeyUsage.Usage] = [],
        expiry: Duration = defaultExpiry,
        backdate: Duration = ValidityWindow.defaultBackdate
    ) {
        self.name = name
        self.keyUsage = keyUsage
        self.extendedKeyUsages = extendedKeyUsages
        self.expiry = expiry
        self.backdate = backdate
    }

    /// A leaf's lifetime unless configured otherwise: fabric-ca's one year (`8760h`).
    public static let defaultExpiry: Duration = .hours(8760)

    /// fabric-ca's default profile: digital signature only, one year.
    public static let enrollment = SigningProfile(name: "", keyUsage: KeyUsage(digitalSignature: true))

    /// fabric-ca's `tls` profile: usable as a TLS server and client certificate.
    public static let tls = SigningProfile(
        name: "tls",
        keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true, keyAgreement: true),
        extendedKeyUsages: [.serverAuth, .clientAuth]
    )

    /// fabric-ca's `ca` profile: intermediate CAs that may sign leaves but no further CAs, 5 years.
    public static let intermediateCA: SigningProfile = {
        var profile = SigningProfile(
            name: "ca",
            keyUsage: KeyUsage(keyCertSign: true, cRLSign: true),
            expiry: .hours(43_800)
        )
        profile.certificateAuthority = CAConstraint(maxPathLength: 0)
        return profile
    }()

    /// Builds a profile from fabric-ca's `usage` words (`digital signature`, `server auth`, …).
    public init(name: String, usages: [String], expiry: Duration, backdate: Duration) throws {
        var keyUsage = KeyUsage()
        var extended: [ExtendedKeyUsage.Usage] = []
        for usage in usages {
            switch usage.lowercased().trimmingSpaces {
            case "signing", "digital signature": keyUsage.digitalSignature = true
            case "content commitment", "non repudiation": keyUsage.nonRepudiation = true
            case "key encipherment": keyUsage.keyEncipherment = true
            case "data encipherment": keyUsage.dataEncipherment = true
            case "key agreement": keyUsage.keyAgreement = true
            case "cert sign": keyUsage.keyCertSign = true
            case "crl sign": keyUsage.cRLSign = true
            case "encipher only": keyUsage.encipherOnly = true
            case "decipher only": keyUsage.decipherOnly = true
            case "server auth": extended.append(.serverAuth)
            case "client auth": extended.append(.clientAuth)
            case "code signing": extended.append(.codeSigning)
            case "email protection": extended.append(.emailProtection)
            case "timestamping": extended.append(.timeStamping)
            case "ocsp signing": extended.append(.ocspSigning)
            case "any": extended.append(.any)
            default:
                throw CharterError(.configuration, "Signing profile '\(name)': unknown usage '\(usage)'")
            }
        }
        self.init(name: name, keyUsage: keyUsage, extendedKeyUsages: extended, expiry: expiry, backdate: backdate)
    }
}
