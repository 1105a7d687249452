// An MSP folder as fabric-ca-client lays it out: signcerts/cert.pem, keystore/<id>_sk, cacerts,
// tlscacerts, intermediatecerts, crls, the Idemix issuer keys and user/. Every file is written to
// a temporary name and renamed, and only after the server answered, so a failed call leaves
// nothing behind.

import CharterCore
import CharterPKCS11
import Foundation
import SwiftASN1
import X509

/// Reads and writes one MSP folder.
public struct MSPStore: Sendable {
    /// The MSP folder.
    public let directory: String
    /// Where the enrollment certificate goes, relative to the MSP (`--mycertfile`).
    public let certificateFile: String
    /// Where the key goes, relative to the MSP (`--myskfile`); nil: `keystore/<hash>_sk`.
    public let keyFile: String?
    /// Where the root CA certificate goes, relative to the MSP (`--mycacertfile`); nil:
    /// `[tls]cacerts/<host>-<port>[-<caname>].pem`.
    public let caCertificateFile: String?
    /// Where the identity's private key lives: the keystore folder, or a token.
    public let keys: KeyStore

    /// Creates a store for a folder (which need not exist yet), with fabric-ca-client 1.5.20's
    /// optional custom file locations, each relative to the MSP folder and kept inside it.
    public init(
        directory: String,
        certificateFile: String? = nil,
        keyFile: String? = nil,
        caCertificateFile: String? = nil,
        keys: KeyStore = .files
    ) throws {
        for path in [certificateFile, keyFile, caCertificateFile].compactMap({ $0 }) {
            let elements = path.split(separator: "/").map(String.init)
            if elements.isEmpty || elements.contains(where: { PathElement.problem(with: $0) != nil }) {
                throw CharterError(.invalidRequest, "'\(path)' is not a file path inside the MSP folder")
            }
        }
        self.directory = directory
        self.certificateFile = certificateFile ?? "signcerts/cert.pem"
        self.keyFile = keyFile
        self.caCertificateFile = caCertificateFile
        self.keys = keys
    }

    /// The identity this MSP holds: its signing certificate and the key that matches it.
    public func identity() throws -> ClientIdentity {
        let certPath = "\(directory)/\(certificateFile)"
        guard let pem = try? String(contentsOfFile: certPath, encoding: .utf8),
            let certificate = try? Certificate(pemEncoded: pem)
        else {
            throw CharterError(.configuration, "No enrollment certificate at \(certPath): enroll first")
        }
        if case .token(let token) = keys {
            guard let key = try keys.tokenKey(for: certificate.publicKey) else {
                throw CharterError(.configuration, "No key in the token '\(token.label)' matches \(certPath)")
            }
            return ClientIdentity(key: key, certificatePEM: pem)
        }
        guard let (key, _) = keyFile(for: certificate.publicKey) else {
            throw CharterError(.configuration, "No private key in \(directory) matches \(certPath)")
        }
        return ClientIdentity(key: key, certificatePEM: pem)
    }

    /// The key file whose key matches `publicKey`: the custom key file, or one in keystore/.
    func keyFile(for publicKey: Certificate.PublicKey) -> (key: SigningKey, path: String)? {
        let candidates = keyFile.map { ["\(directory)/\($0)"] } ?? Keystore.candidates(in: "\(directory)/keystore")
        return Keystore.key(matching: publicKey, among: candidates)
    }

    /// Writes an enrollment's certificate, key and CA chain; on reenroll, removes the key of the
    /// certificate it replaces (fabric-ca-client leaves old keys piling up).
    public func storeEnrollment(
        certificatePEM: String,
        key: SigningKey,
        serverInfo: ServerInfo,
        caFileName: String,
        tlsProfile: Bool
    )
        throws
    {
        let previous = (try? String(contentsOfFile: "\(directory)/\(certificateFile)", encoding: .utf8))
            .flatMap { try? Certificate(pemEncoded: $0) }
        let oldKey = previous.flatMap { keyFile(for: $0.publicKey) }
        // A token's key stays in the token: no file is written, none removed.
        let keyPath = key.isExportable ? keyFile ?? "keystore/\(Keystore.fileName(for: key.publicKey))" : nil
        if let keyPath { try write(keyPath, key.pkcs8PEM, mode: 0o600) }
        try write(certificateFile, certificatePEM, mode: 0o644)
        try storeCAInfo(serverInfo, caFileName: caFileName, tlsProfile: tlsProfile)
        if let keyPath, let (_, path) = oldKey, path != "\(directory)/\(keyPath)" {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Writes the CA chain (roots and intermediates apart) and the Idemix issuer keys when present.
    public func storeCAInfo(_ info: ServerInfo, caFileName: String, tlsProfile: Bool) throws {
        guard let chainData = Data(base64Encoded: info.caChain) else {
            throw CharterError(.invalidResponse, "The server's CAChain is not base64")
        }
        let certificates = try PEMBundle.certificates(in: String(decoding: chainData, as: UTF8.self))
        var roots: [String] = []
        var intermediates: [String] = []
        for certificate in certificates {
            let pem = PEM.encode(try certificate.derBytes, type: "CERTIFICATE")
            let aki = (try? certificate.extensions.authorityKeyIdentifier)?.keyIdentifier
            let ski = (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            if aki == nil || aki == ski { roots.append(pem) } else { intermediates.append(pem) }
        }
        let prefix = tlsProfile ? "tls" : ""
        let file = tlsProfile ? "tls-\(caFileName)" : caFileName
        if !roots.isEmpty {
            try write(caCertificateFile ?? "\(prefix)cacerts/\(file)", roots.joined(), mode: 0o644)
        }
        if !intermediates.isEmpty {
            try write("\(prefix)intermediatecerts/\(file)", intermediates.joined(), mode: 0o644)
        }
        if let key = Data(base64Encoded: info.issuerPublicKey), !key.isEmpty {
            try write("IssuerPublicKey", key, mode: 0o644)
        }
        if let key = Data(base64Encoded: info.issuerRevocationPublicKey), !key.isEmpty {
            try write("IssuerRevocationPublicKey", key, mode: 0o644)
        }
        // fabric-ca-client always leaves these four folders, empty or not.
        for name in ["cacerts", "keystore", "signcerts", "user"] { try folder(name) }
    }

    /// Writes the `config.yaml` Fabric NodeOUs need, every OU identified by the root CA file.
    public func storeNodeOUs(caFile: String) throws {
        try write("config.yaml", NodeOUsConfig.yaml(caCertificate: caFile), mode: 0o644)
    }

    /// Writes `crls/crl.pem`.
    public func storeCRL(_ pem: String) throws {
        try write("crls/crl.pem", pem, mode: 0o644)
    }

    /// Creates a folder of the MSP; the MSP itself and its keystore are the owner's only, as
    /// fabric-ca-client makes them.
    func folder(_ relative: String) throws {
        try FileWriter.makeFolder(directory, mode: 0o700, enforce: true)
        guard !relative.isEmpty else { return }
        let isPrivate = relative == "keystore"
        try FileWriter.makeFolder("\(directory)/\(relative)", mode: isPrivate ? 0o700 : 0o755, enforce: isPrivate)
    }

    func write(_ relative: String, _ text: String, mode: mode_t) throws {
        try write(relative, Data(text.utf8), mode: mode)
    }

    func write(_ relative: String, _ data: Data, mode: mode_t) throws {
        try folder((relative as NSString).deletingLastPathComponent)
        try FileWriter.write(data, to: "\(directory)/\(relative)", mode: mode)
    }
}

extension Certificate {
    var derBytes: [UInt8] {
        get throws {
            var serializer = DER.Serializer()
            try serializer.serialize(self)
            return serializer.serializedBytes
        }
    }
}
