// An intermediate CA's certificate comes from its parent: the server enrolls (or, to renew,
// reenrolls) with the parent server under the parent's `ca` profile, as fabric-ca-server does
// with `-u https://<id>:<secret>@parent:7054`. The parent may be Charter or fabric-ca.

import CharterClient
import CharterCore
import Foundation
import X509

/// Enrollment of this server's CA key with its parent CA.
enum ParentEnrollment {
    /// The intermediate CA and the PEM of its own certificate.
    struct Enrolled: Sendable {
        var authority: CertificateAuthority
        var certificatePEM: String
    }

    /// Enrolls `key` with the parent named by `intermediate.parentserver.url`.
    static func enroll(key: SigningKey, configuration: ServerConfiguration, files: HomeFiles) async throws -> Enrolled {
        let (url, credentials) = try parent(configuration)
        guard let (id, secret) = credentials else {
            throw CharterError(
                .configuration,
                "intermediate.parentserver.url must carry the enrollment ID and secret: https://<id>:<secret>@<parent>:<port>"
            )
        }
        let csr = try csrPEM(key: key, enrollmentID: id, configuration: configuration)
        return try await withClient(url, configuration, files) { client in
            let response = try await client.enroll(id: id, secret: secret, request(csr, configuration))
            return try accept(response, key: key, parentCAName: configuration.intermediate.parentserver.caname)
        }
    }

    /// Renews an intermediate: reenrolls with the parent, authenticated by the current CA
    /// certificate and key, for the same key and subject.
    static func renew(
        _ current: CertificateAuthority,
        key: SigningKey,
        configuration: ServerConfiguration,
        files: HomeFiles
    )
        async throws -> Enrolled
    {
        let (url, _) = try parent(configuration)
        let csr = try csrPEM(
            key: key,
            enrollmentID: SubjectPolicy.commonName(of: current.certificate.subject) ?? "",
            configuration: configuration
        )
        let identity = ClientIdentity(key: key, certificatePEM: try current.certificate.serializeAsPEM().pemString)
        return try await withClient(url, configuration, files) { client in
            let response = try await client.reenroll(request(csr, configuration), as: identity)
            return try accept(response, key: key, parentCAName: configuration.intermediate.parentserver.caname)
        }
    }

    /// The parent's URL without credentials, and the enrollment ID and secret it carried.
    static func parent(_ configuration: ServerConfiguration) throws -> (URL, (id: String, secret: String)?) {
        let text = configuration.intermediate.parentserver.url
        guard var components = URLComponents(string: text), components.host != nil else {
            throw CharterError(
                .configuration,
                "intermediate.parentserver.url must be https://<enrollment id>:<secret>@<parent host>:<port>"
            )
        }
        let credentials = components.user.flatMap { $0.isEmpty ? nil : ($0, components.password ?? "") }
        components.user = nil
        components.password = nil
        guard let url = components.url else {
            throw CharterError(.configuration, "intermediate.parentserver.url is not a URL")
        }
        return (url, credentials)
    }

    /// The parent URL as it may be written down: without the enrollment secret.
    static func withoutSecret(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = nil
        return components.string ?? text
    }

    static func csrPEM(key: SigningKey, enrollmentID: String, configuration: ServerConfiguration) throws -> String {
        let names = configuration.csr.names.flatMap { name in
            [("C", name.C), ("ST", name.ST), ("L", name.L), ("O", name.O)].compactMap { key, value in
                value.map { (key, $0) }
            }
        }
        let hosts =
            configuration.intermediate.enrollment.hosts.isEmpty
            ? configuration.csr.hosts : configuration.intermediate.enrollment.hosts
        return try CertificateRequestBuilder.pem(key: key, commonName: enrollmentID, names: names, hosts: hosts)
    }

    static func request(_ csr: String, _ configuration: ServerConfiguration) -> EnrollmentRequest {
        let caName = configuration.intermediate.parentserver.caname
        return EnrollmentRequest(
            certificateRequest: csr,
            profile: configuration.intermediate.enrollment.profile,
            caName: caName.isEmpty ? nil : caName
        )
    }

    static func withClient<T: Sendable>(
        _ url: URL,
        _ configuration: ServerConfiguration,
        _ files: HomeFiles,
        _ body: (CAClient) async throws -> T
    ) async throws -> T {
        let tls = configuration.intermediate.tls
        let client = try CAClient(
            url: url,
            trustedCertificates: tls.certfiles.map(files.resolve),
            clientCertificate: tls.client.certfile.isEmpty ? nil : files.resolve(tls.client.certfile),
            clientKey: tls.client.keyfile.isEmpty ? nil : files.resolve(tls.client.keyfile),
            connections: 1
        )
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Checks what the parent returned: a CA certificate for our key, signed by the chain it sent.
    static func accept(_ response: EnrollmentResponse, key: SigningKey, parentCAName: String) throws -> Enrolled {
        guard let certificateData = Data(base64Encoded: response.cert),
            let chainData = Data(base64Encoded: response.serverInfo.caChain)
        else {
            throw CharterError(.invalidResponse, "The parent CA's answer is not base64")
        }
        let certificatePEM = String(decoding: certificateData, as: UTF8.self)
        guard let certificate = try PEMBundle.certificates(in: certificatePEM).first else {
            throw CharterError(.invalidResponse, "The parent CA returned no certificate")
        }
        let parents = try PEMBundle.certificates(in: String(decoding: chainData, as: UTF8.self))
        guard let issuer = parents.first, issuer.subject == certificate.issuer,
            issuer.publicKey.isValidSignature(certificate.signature, for: certificate)
        else {
            throw CharterError(
                .invalidResponse,
                "The certificate the parent CA\(parentCAName.isEmpty ? "" : " '\(parentCAName)'") returned is not signed by the chain it sent"
            )
        }
        let authority = try CertificateAuthority(certificate: certificate, key: key, parents: parents)
        return Enrolled(authority: authority, certificatePEM: try certificate.serializeAsPEM().pemString + "\n")
    }
}
