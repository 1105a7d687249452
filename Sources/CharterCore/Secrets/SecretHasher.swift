// How enrollment secrets are stored: bcrypt for secrets people chose, a keyed hash for the long
// random secrets the server generates itself.

import Crypto
import Foundation
import HummingbirdBcrypt

/// Hashes and checks enrollment secrets.
///
/// - A user-chosen secret may be guessable, so it is stored as bcrypt (cost 10, `$2a$`/`$2b$`
///   both verify, so a fabric-ca database can be imported as it is).
/// - A secret the server generates has at least 128 random bits: brute force is out of reach
///   whatever the hash, so it is stored as HMAC-SHA-256 under a key kept in the server home, and
///   its enrollment skips bcrypt's ~60 ms of CPU.
///
/// bcrypt is slow on purpose: callers run ``hash(_:generated:)`` and ``verify(_:against:)`` off the
/// event loop when ``isExpensive(_:)`` says so.
public struct SecretHasher: Sendable {
    static let hmacPrefix = "hmac-sha256$"
    /// The bcrypt cost; fabric-ca uses Go's default, 10.
    public let bcryptCost: UInt8
    let key: SymmetricKey

    /// Creates a hasher with the home's HMAC key (32 bytes or more).
    public init(hmacKey: [UInt8], bcryptCost: UInt8 = 10) throws {
        guard hmacKey.count >= 32 else {
            throw CharterError(.configuration, "The secret-hashing key must have at least 32 bytes")
        }
        guard (4...31).contains(bcryptCost) else {
            throw CharterError(.configuration, "bcrypt cost must lie between 4 and 31, not \(bcryptCost)")
        }
        self.key = SymmetricKey(data: hmacKey)
        self.bcryptCost = bcryptCost
    }

    /// What an HSM's Ed25519 key signs to derive the HMAC key (Ed25519 signatures are
    /// deterministic: the same key gives the same HMAC key at every start, and nothing is stored).
    public static let derivationLabel = Array("charter secret-hashing key v1".utf8)

    /// The HMAC key derived from the token key's signature of ``derivationLabel``.
    public static func derivedKey(signature: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: Array("charter secret-hashing\n".utf8) + signature))
    }

    /// A new random key for ``init(hmacKey:bcryptCost:)``.
    public static func generateKey() -> [UInt8] {
        SecureRandom.bytes(count: 32)
    }

    /// A new server-generated secret: 24 characters of a 62-letter alphabet, about 143 bits.
    public static func generateSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        // Bytes below 248 (4 × 62) map evenly onto the alphabet; the few above are drawn again.
        var secret: [Character] = []
        while secret.count < 24 {
            for byte in SecureRandom.bytes(count: 32) where byte < 248 && secret.count < 24 {
                secret.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return String(secret)
    }

    /// The stored form of a secret.
    public func hash(_ secret: String, generated: Bool) -> String {
        if generated {
            return Self.hmacPrefix + Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: key))
        }
        return Bcrypt.hash(secret, cost: bcryptCost)
    }

    /// True when `secret` matches the stored hash.
    public func verify(_ secret: String, against stored: String) -> Bool {
        if stored.hasPrefix(Self.hmacPrefix) {
            guard let expected = Hex.decode(String(stored.dropFirst(Self.hmacPrefix.count))) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Data(secret.utf8), using: key)
        }
        guard stored.hasPrefix("$2") else { return false }
        return Bcrypt.verify(secret, hash: stored)
    }

    /// bcrypt reads no more than this many bytes of a secret.
    public static let maximumSecretLength = 72

    /// Throws a 400 when `secret` may not be an enrollment secret: empty, holding NUL (C code
    /// would see a shorter secret), or longer than bcrypt reads (the rest would be ignored).
    public static func validate(_ secret: String) throws {
        guard !secret.isEmpty else { throw CharterError(.invalidRequest, "An enrollment secret may not be empty") }
        guard !secret.utf8.contains(0) else {
            throw CharterError(.invalidRequest, "An enrollment secret may not contain a NUL character")
        }
        guard secret.utf8.count <= maximumSecretLength else {
            throw CharterError(
                .invalidRequest,
                "An enrollment secret may have at most \(maximumSecretLength) bytes (bcrypt ignores the rest)"
            )
        }
    }

    /// The highest bcrypt cost a stored hash may carry: cost 16 takes seconds a check, and a hash
    /// of cost 31 (which bcrypt accepts) would hold a thread for days on every enrollment.
    public static let maximumStoredBcryptCost = 15

    /// Throws a 400 unless `stored` is a hash ``verify(_:against:)`` can check in bounded time: a
    /// bcrypt hash (`$2a$`, `$2b$` or `$2y$`, cost 4 to ``maximumStoredBcryptCost``, 53
    /// characters of bcrypt's base64) or this hasher's own keyed form. Imported registries are
    /// another program's data: nothing in them reaches the bcrypt code unchecked.
    public static func validateStored(_ stored: String) throws {
        let bytes = Array(stored.utf8)
        if stored.hasPrefix(hmacPrefix) {
            let digest = bytes.dropFirst(hmacPrefix.utf8.count)
            if digest.count == 64, Hex.decode(String(decoding: digest, as: UTF8.self)) != nil { return }
        } else if bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]),
            bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"),
            DecimalInteger.parse(String(decoding: bytes[4..<6], as: UTF8.self), in: 4...maximumStoredBcryptCost) != nil,
            bytes[7...].allSatisfy(isBcryptBase64)
        {
            return
        }
        throw CharterError(
            .invalidRequest,
            "The stored secret is not a bcrypt hash of cost 4 to \(maximumStoredBcryptCost) nor a Charter keyed hash"
        )
    }

    static func isBcryptBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return false
        }
    }

    /// True when checking against this stored hash costs bcrypt time.
    public static func isExpensive(_ stored: String) -> Bool {
        !stored.hasPrefix(hmacPrefix)
    }
}
