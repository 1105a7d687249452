// The CA's Idemix issuer keys, stored as fabric-ca stores them: the public keys at the top of the
// home (`IssuerPublicKey`, `IssuerRevocationPublicKey`), the secret ones in `msp/keystore`
// (`IssuerSecretKey`, `IssuerRevocationPrivateKey`) — readable by the owner only, where fabric-ca
// leaves them world-readable.

import CharterCore
import CharterIdemix
import Crypto
import Foundation

/// The issuer key pair and the revocation key of one CA.
public struct IdemixIssuer: Sendable {
    public let key: IssuerKey
    public let revocationKey: P384.Signing.PrivateKey

    static let publicKeyFile = "IssuerPublicKey"
    static let secretKeyFile = "msp/keystore/IssuerSecretKey"
    static let revocationPublicKeyFile = "IssuerRevocationPublicKey"
    static let revocationPrivateKeyFile = "msp/keystore/IssuerRevocationPrivateKey"
    /// The four files, as fabric-ca names them.
    public static let files = [publicKeyFile, secretKeyFile, revocationPublicKeyFile, revocationPrivateKeyFile]

    /// The revocation public key as `/cainfo` serves it (PEM, then base64).
    public var revocationPublicKeyPEM: String { revocationKey.publicKey.pemRepresentation + "\n" }

    /// Loads the keys of the home at `files`, or makes and stores them when none exists. Some but
    /// not all of them, or any that does not parse or match, stops the start: replacing them would
    /// invalidate every credential issued.
    static func loadOrCreate(files: HomeFiles) throws -> IdemixIssuer {
        if Self.files.contains(where: files.exists) { return try load(from: files, describing: files.resolve("")) }
        let issuer = IdemixIssuer(key: IssuerKey.generate(), revocationKey: P384.Signing.PrivateKey())
        try issuer.write(to: files)
        return issuer
    }

    /// Reads and checks the four files.
    public static func load(from files: HomeFiles, describing home: String) throws -> IdemixIssuer {
        func bytes(_ name: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: files.resolve(name)) else {
                throw CharterError(
                    .configuration,
                    "The Idemix issuer key file \(files.resolve(name)) is missing or unreadable; the other Idemix key files exist in \(home)"
                )
            }
            return Array(data)
        }
        let key: IssuerKey
        do {
            key = try IssuerKey(secret: try bytes(secretKeyFile), publicKey: try bytes(publicKeyFile))
        } catch let error as IdemixError {
            throw CharterError(.configuration, "The Idemix issuer key in \(home) cannot be used: \(error)")
        }
        let revocationKey: P384.Signing.PrivateKey
        do {
            let privatePEM = String(decoding: try bytes(revocationPrivateKeyFile), as: UTF8.self)
            let publicPEM = String(decoding: try bytes(revocationPublicKeyFile), as: UTF8.self)
            revocationKey = try revocationPrivateKey(pem: privatePEM)
            let publicKey = try P384.Signing.PublicKey(pemRepresentation: publicPEM)
            guard publicKey.rawRepresentation == revocationKey.publicKey.rawRepresentation else {
                throw CharterError(.configuration, "the revocation public key is not the private key's")
            }
        } catch let error as CharterError {
            throw CharterError(.configuration, "The Idemix revocation key in \(home) cannot be used: \(error.message)")
        } catch {
            throw CharterError(
                .configuration,
                "The Idemix revocation key in \(home) is not a P-384 key in PEM: \(error)"
            )
        }
        return IdemixIssuer(key: key, revocationKey: revocationKey)
    }

    /// The revocation private key from PEM. fabric-ca writes SEC1 DER under a `PRIVATE KEY`
    /// label (PKCS#8's), so the DER is read for what it is whatever the label says.
    static func revocationPrivateKey(pem: String) throws -> P384.Signing.PrivateKey {
        if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) { return key }
        let body = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: body) else {
            throw CharterError(.configuration, "the revocation private key is not PEM")
        }
        return try P384.Signing.PrivateKey(derRepresentation: der)
    }

    /// Copies a home's four files byte for byte (fabric-ca's into a new Charter home), secret
    /// ones owner-only; the caller has loaded them (``load(from:describing:)``) first.
    public static func copy(from source: HomeFiles, to target: HomeFiles) throws {
        for name in files {
            guard let data = FileManager.default.contents(atPath: source.resolve(name)) else {
                throw CharterError(.configuration, "\(source.resolve(name)) cannot be read")
            }
            try FileWriter.write(data, to: target.resolve(name), mode: name.hasPrefix("msp/keystore/") ? 0o600 : 0o644)
        }
    }

    /// Writes the four files into a home.
    public func write(to files: HomeFiles) throws {
        try FileWriter.write(key.publicKey.serialized, to: files.resolve(Self.publicKeyFile), mode: 0o644)
        try FileWriter.write(key.secret.bytes, to: files.resolve(Self.secretKeyFile), mode: 0o600)
        try files.write(Self.revocationPublicKeyFile, revocationPublicKeyPEM, mode: 0o644)
        try files.write(Self.revocationPrivateKeyFile, revocationKey.pemRepresentation + "\n", mode: 0o600)
    }

    /// The credential revocation information of `epoch`, signed now.
    func revocationInformation(epoch: Int) throws -> [UInt8] {
        try CredentialRevocationInformation(epoch: Int64(epoch), key: revocationKey).serialized
    }
}
