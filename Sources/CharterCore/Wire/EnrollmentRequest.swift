// The JSON bodies of fabric-ca's enroll and reenroll calls, and what they return.

import Crypto
import Foundation
import X509

/// One attribute an enrollment asks to have in its certificate.
public struct AttributeRequest: Sendable, Hashable, Codable {
    /// The attribute name.
    public var name: String
    /// When true, a missing attribute is skipped instead of failing the enrollment.
    public var optional: Bool?

    /// Creates a request.
    public init(name: String, optional: Bool? = nil) {
        self.name = name
        self.optional = optional
    }
}

/// The body of `POST /enroll` and `POST /reenroll`. Every field may be absent or JSON null.
public struct EnrollmentRequest: Sendable, Codable {
    /// Host names for the SAN; when absent, the CSR's own SANs are used.
    public var hosts: [String]?
    /// The PEM CSR.
    public var certificateRequest: String?
    /// Signing profile name (`""` or absent: default).
    public var profile: String?
    /// HSM label; accepted and ignored, as by fabric-ca's software CA.
    public var label: String?
    /// Attributes to put in the certificate instead of the `ecert` default set.
    public var attributeRequests: [AttributeRequest]?
    /// The CA to enroll with; absent or empty selects the default CA.
    public var caName: String?

    /// Creates a request.
    public init(
        certificateRequest: String,
        hosts: [String]? = nil,
        profile: String? = nil,
        attributeRequests: [AttributeRequest]? = nil,
        caName: String? = nil
    ) {
        self.certificateRequest = certificateRequest
        self.hosts = hosts
        self.profile = profile
        self.attributeRequests = attributeRequests
        self.caName = caName
    }

    enum CodingKeys: String, CodingKey {
        case hosts
        case certificateRequest = "certificate_request"
        case profile
        case label
        case attributeRequests = "attr_reqs"
        case caName = "CAName"
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoFields(decoder)
        hosts = try c.decodeGoField([String].self, CodingKeys.hosts.rawValue)
        certificateRequest = try c.decodeGoField(String.self, CodingKeys.certificateRequest.rawValue)
        profile = try c.decodeGoField(String.self, CodingKeys.profile.rawValue)
        label = try c.decodeGoField(String.self, CodingKeys.label.rawValue)
        attributeRequests = try c.decodeGoField([AttributeRequest].self, CodingKeys.attributeRequests.rawValue)
        caName = try c.decodeGoField(String.self, CodingKeys.caName.rawValue)
    }

    /// Parses and checks the CSR: PEM, signature by its own key, P-256, P-384 or Ed25519.
    public func parsedCSR() throws -> CertificateSigningRequest {
        guard let pem = certificateRequest, !pem.isEmpty else {
            throw CharterError(.badCSR, "CSR Decode failed: the request has no certificate_request")
        }
        // Both block names in use (`NEW CERTIFICATE REQUEST` comes from older tools).
        guard
            let der = PEM.decode(pem.utf8, type: "CERTIFICATE REQUEST")
                ?? PEM.decode(pem.utf8, type: "NEW CERTIFICATE REQUEST")
        else {
            throw CharterError(.badCSR, "CSR Decode failed: no PEM CERTIFICATE REQUEST block")
        }
        return try Self.checkedCSR(der: der)
    }

    /// Parses a DER CSR and checks it: signed by its own key, which is P-256, P-384 or Ed25519.
    public static func checkedCSR(der: some DataProtocol) throws -> CertificateSigningRequest {
        let csr: CertificateSigningRequest
        do {
            csr = try CertificateSigningRequest(derEncoded: Array(der))
        } catch {
            throw CharterError(.badCSR, "CSR Decode failed: \(error)")
        }
        guard csr.publicKey.algorithm != nil else {
            throw CharterError(.badCSR, "CSR Decode failed: the key must be ECDSA P-256, P-384 or Ed25519")
        }
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw CharterError(.badCSR, "CSR Decode failed: the CSR's signature does not verify with its own key")
        }
        return csr
    }
}

/// What `cainfo`, `enroll` and `reenroll` say about the CA.
public struct ServerInfo: Sendable, Codable, Hashable {
    /// The CA name (`""` for the default CA).
    public var caName: String
    /// Base64 of the PEM chain, the CA first.
    public var caChain: String
    /// Base64 of the serialised Idemix issuer public key (empty when the CA has none).
    public var issuerPublicKey: String
    /// Base64 of the PEM of the Idemix revocation public key (P-384).
    public var issuerRevocationPublicKey: String
    /// Server version (`""` in enroll results, as fabric-ca sends).
    public var version: String

    /// Creates the info.
    public init(
        caName: String,
        caChainPEM: String,
        version: String,
        issuerPublicKey: [UInt8] = [],
        issuerRevocationPublicKeyPEM: String = ""
    ) {
        self.caName = caName
        self.caChain = Data(caChainPEM.utf8).base64EncodedString()
        self.issuerPublicKey = Data(issuerPublicKey).base64EncodedString()
        self.issuerRevocationPublicKey = Data(issuerRevocationPublicKeyPEM.utf8).base64EncodedString()
        self.version = version
    }

    /// The JSON fabric-ca writes, keys in its order; written by hand, as it is on every enrollment.
    public var wireJSON: String {
        #"{"CAName":\#(GoJSON.quote(caName)),"CAChain":"\#(caChain)","IssuerPublicKey":"\#(issuerPublicKey)","#
            + #""IssuerRevocationPublicKey":"\#(issuerRevocationPublicKey)","Version":\#(GoJSON.quote(version))}"#
    }

    enum CodingKeys: String, CodingKey {
        case caName = "CAName"
        case caChain = "CAChain"
        case issuerPublicKey = "IssuerPublicKey"
        case issuerRevocationPublicKey = "IssuerRevocationPublicKey"
        case version = "Version"
    }
}

/// The result of a successful enroll or reenroll.
public struct EnrollmentResponse: Sendable, Codable {
    /// Base64 of the certificate PEM.
    public var cert: String
    /// The CA's details, including the chain to write into `cacerts/`.
    public var serverInfo: ServerInfo

    /// Creates a response.
    public init(certificatePEM: String, serverInfo: ServerInfo) {
        self.cert = Data(certificatePEM.utf8).base64EncodedString()
        self.serverInfo = serverInfo
    }

    /// The JSON fabric-ca writes (`Cert`, then `ServerInfo`), by hand.
    public var wireJSON: String {
        #"{"Cert":"\#(cert)","ServerInfo":\#(serverInfo.wireJSON)}"#
    }

    enum CodingKeys: String, CodingKey {
        case cert = "Cert"
        case serverInfo = "ServerInfo"
    }
}
