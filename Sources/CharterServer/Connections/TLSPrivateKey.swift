// The API's TLS private key: PEM from a file, or a key held by an HSM, which signs each handshake
// through the token (swift-nio-ssl's custom key hook) off the event loop.

import CharterCore
import NIOCore
import NIOPosix
import NIOSSL

/// Where the API's TLS key is.
public enum TLSPrivateKey: Sendable {
    /// A PEM key (`tls-key.pem`, or `tls.keyfile`).
    case pem(String)
    /// A key in the token (`bccsp.default: PKCS11`): never in a file.
    case token(SigningKey)

    /// The key as swift-nio-ssl takes it.
    func nioKey() throws -> NIOSSLPrivateKey {
        switch self {
        case .pem(let pem): return try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem)
        case .token(let key): return NIOSSLPrivateKey(customPrivateKey: TokenTLSKey(key: key))
        }
    }
}

/// A token key signing TLS handshakes (ECDSA P-256 with SHA-256, the key issueTLS makes).
struct TokenTLSKey: NIOSSLCustomPrivateKey, Hashable {
    let key: SigningKey

    var signatureAlgorithms: [SignatureAlgorithm] {
        key.algorithm == .p384 ? [.ecdsaSecp384R1Sha384] : [.ecdsaSecp256R1Sha256]
    }

    func sign(channel: any Channel, algorithm: SignatureAlgorithm, data: ByteBuffer) -> EventLoopFuture<ByteBuffer> {
        let key = self.key
        let bytes = Array(data.readableBytesView)
        // A token call may block: never on the event loop.
        return NIOThreadPool.singleton.runIfActive(eventLoop: channel.eventLoop) {
            ByteBuffer(bytes: try key.tlsSignature(over: bytes))
        }
    }

    func decrypt(channel: any Channel, data: ByteBuffer) -> EventLoopFuture<ByteBuffer> {
        channel.eventLoop.makeFailedFuture(CharterError(.internalError, "An ECDSA key does not decrypt"))
    }
}
