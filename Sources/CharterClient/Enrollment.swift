// One enroll or reenroll as fabric-ca-client performs it: make (or keep) the key, build the CSR,
// call the server, and write the MSP only once the server has answered.

import CharterCore
import CharterPKCS11
import Foundation

/// What an enrollment asks for, resolved from flags and the client configuration.
public struct Enrollment: Sendable {
    /// How the call authenticates: the enrollment secret, or the identity being renewed.
    public enum Credential: Sendable {
        case secret(id: String, secret: String)
        case token(ClientIdentity)
    }

    /// The CSR's common name (the enrollment ID).
    public var commonName: String
    /// Subject names (`C`, `ST`, `L`, `O`, `OU` pairs); the server replaces OU.
    public var names: [(String, String)]
    /// Host names and addresses for the SANs.
    public var hosts: [String]
    /// Key algorithm (`ecdsa` or `ed25519`) and ECDSA size (256 or 384).
    public var keyAlgorithm = "ecdsa"
    public var keySize = 256
    /// Keep the MSP's current key (reenroll).
    public var reuseKey = false
    /// Signing profile (`tls` for a TLS certificate).
    public var profile = ""
    /// HSM label, passed through.
    public var label = ""
    /// Attributes to put in the certificate instead of the default set.
    public var attributeRequests: [AttributeRequest]?
    /// The CA to enroll with.
    public var caName = ""
    /// Also write the NodeOUs `config.yaml`.
    public var nodeOUs = false

    /// Creates an enrollment.
    public init(commonName: String, names: [(String, String)], hosts: [String]) {
        self.commonName = commonName
        self.names = names
        self.hosts = hosts
    }

    /// The key to enroll with: the current one when reusing, else a new one from `keys` (a
    /// token makes it inside).
    public func key(existing: SigningKey?, keys: KeyStore = .files) throws -> SigningKey {
        if reuseKey, let existing { return existing }
        let isECDSA = keyAlgorithm.lowercased() == "ecdsa"
        return try keys.generate(try SigningKey.Algorithm(algorithm: keyAlgorithm, size: isECDSA ? keySize : nil))
    }

    /// Enrolls (or reenrolls) and writes the MSP; returns the path of the new certificate.
    public func run(
        _ credential: Credential,
        client: CAClient,
        msp: MSPStore,
        caFileName: String,
        existingKey: SigningKey?
    ) async throws -> String {
        let key = try key(existing: existingKey, keys: msp.keys)
        var request = EnrollmentRequest(
            certificateRequest: try CertificateRequestBuilder.pem(
                key: key,
                commonName: commonName,
                names: names,
                hosts: hosts
            ),
            hosts: hosts,
            profile: profile,
            attributeRequests: attributeRequests,
            caName: caName
        )
        request.label = label
        let response: EnrollmentResponse
        switch credential {
        case .secret(let id, let secret): response = try await client.enroll(id: id, secret: secret, request)
        case .token(let identity): response = try await client.reenroll(request, as: identity)
        }
        guard let pem = Data(base64Encoded: response.cert) else {
            throw CharterError(.invalidResponse, "The certificate is not base64")
        }
        try msp.storeEnrollment(
            certificatePEM: String(decoding: pem, as: UTF8.self),
            key: key,
            serverInfo: response.serverInfo,
            caFileName: caFileName,
            tlsProfile: profile == SigningProfile.tls.name
        )
        if nodeOUs {
            try msp.storeNodeOUs(caFile: msp.caCertificateFile ?? "cacerts/\(caFileName)")
        }
        return "\(msp.directory)/\(msp.certificateFile)"
    }
}
