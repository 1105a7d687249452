// fabric-ca's token authentication: `Authorization: b64(certPEM).b64(signature)`, where the
// signature covers the request so a captured header cannot be replayed against another body.

import Crypto
import Foundation
import X509

/// A parsed token from an `Authorization` header.
///
/// Two signed payloads exist:
/// - current: `METHOD.b64(requestURI).b64(body).b64(certPEM)` (fabric-ca-client 1.4+);
/// - legacy:  `b64(body).b64(certPEM)` (fabric-sdk-py and clients before 1.4). It binds neither
///   method nor URI, so a token captured from an empty-body GET also authorizes a DELETE: it is
///   accepted only when the server is told to (as fabric-ca 1.5.14+ does).
/// The body is the raw request bytes, never a re-encoding of the parsed JSON.
public struct AuthorizationToken: Sendable {
    /// The certificate part exactly as sent (base64 of the PEM), which is also what was signed.
    public let encodedCertificate: Substring
    /// The caller's certificate.
    public let certificate: Certificate
    /// The PEM the caller sent.
    public let certificatePEM: String
    /// DER ECDSA signature, or the 64 bytes of an Ed25519 one.
    public let signature: [UInt8]

    /// A token's certificate part, parsed: the same caller sends the same bytes with every request.
    public struct ParsedCertificate: Sendable {
        /// The certificate.
        public let certificate: Certificate
        /// Its PEM, as sent.
        public let pem: String
    }

    /// Parses a header value; throws an authentication failure on anything malformed.
    ///
    /// - Parameter certificates: parsed certificate parts by their text, so a caller's certificate
    ///   is decoded once rather than on every request; parse failures are never kept.
    public init(header: String, certificates: BoundedCache<String, ParsedCertificate>? = nil) throws {
        let bytes = header.utf8
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")),
            !bytes[bytes.index(after: dot)...].contains(UInt8(ascii: "."))
        else {
            throw CharterError.authentication("Invalid token in authorization header: expected two dot-separated parts")
        }
        let encodedCertificate = header[..<dot]
        guard let signatureData = Data(base64Encoded: String(header[header.index(after: dot)...])) else {
            throw CharterError.authentication("Invalid token in authorization header: not base64")
        }
        let parsed =
            try certificates?.value(for: String(encodedCertificate), Self.parseCertificate)
            ?? Self.parseCertificate(String(encodedCertificate))
        self.certificate = parsed.certificate
        self.certificatePEM = parsed.pem
        self.encodedCertificate = encodedCertificate
        self.signature = Array(signatureData)
    }

    static func parseCertificate(_ encoded: String) throws -> ParsedCertificate {
        guard let pemData = Data(base64Encoded: encoded) else {
            throw CharterError.authentication("Invalid token in authorization header: not base64")
        }
        guard let der = PEM.decode(pemData, type: "CERTIFICATE") else {
            throw CharterError.authentication("Invalid token in authorization header: no PEM certificate")
        }
        do {
            return ParsedCertificate(
                certificate: try Certificate(derEncoded: der),
                pem: String(decoding: pemData, as: UTF8.self)
            )
        } catch {
            throw CharterError.authentication(
                "Invalid token in authorization header: the certificate does not parse: \(error)"
            )
        }
    }

    /// Verifies the signature against the request: the current format, and the legacy one only
    /// when `acceptingLegacy`.
    public func verify(method: String, requestURI: String, body: some DataProtocol, acceptingLegacy: Bool) throws {
        let encodedBody = Data(body).base64EncodedString()
        let current = "\(method).\(Data(requestURI.utf8).base64EncodedString()).\(encodedBody).\(encodedCertificate)"
        if isValid(payload: Data(current.utf8)) { return }
        if isValid(payload: Data("\(encodedBody).\(encodedCertificate)".utf8)) {
            guard acceptingLegacy else {
                throw CharterError.authentication(
                    "Legacy token (no method or URI signed) refused; set FABRIC_CA_SERVER_COMPATIBILITY_MODE_V1_3=true "
                        + "or compatibility.v1_3 to accept it"
                )
            }
            return
        }
        throw CharterError.authentication("Token signature does not verify for \(method) \(requestURI)")
    }

    /// ECDSA over SHA-256 (either curve), or Ed25519 over the payload itself (Fabric 3).
    func isValid(payload: Data) -> Bool {
        if let key = Curve25519.Signing.PublicKey(certificate.publicKey) {
            return key.isValidSignature(signature, for: payload)
        }
        let digest = SHA256.hash(data: payload)
        if let key = P256.Signing.PublicKey(certificate.publicKey),
            let signature = try? P256.Signing.ECDSASignature(derRepresentation: self.signature)
        {
            return key.isValidSignature(signature, for: digest)
        }
        if let key = P384.Signing.PublicKey(certificate.publicKey),
            let signature = try? P384.Signing.ECDSASignature(derRepresentation: self.signature)
        {
            return key.isValidSignature(signature, for: digest)
        }
        return false
    }

    /// Builds a header value in the current format, as fabric-ca-client 1.5 sends it.
    public static func header(
        key: SigningKey,
        certificatePEM: String,
        method: String,
        requestURI: String,
        body: some DataProtocol
    ) throws -> String {
        let encodedCertificate = Data(certificatePEM.utf8).base64EncodedString()
        let payload =
            "\(method).\(Data(requestURI.utf8).base64EncodedString()).\(Data(body).base64EncodedString()).\(encodedCertificate)"
        let signature = try key.signatureDER(over: Data(payload.utf8))
        return "\(encodedCertificate).\(Data(signature).base64EncodedString())"
    }
}
