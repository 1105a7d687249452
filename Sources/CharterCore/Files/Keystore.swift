// Private key files as fabric-ca and its client keep them: `keystore/<hex SHA-256 of the public
// key>_sk`, PKCS#8 or SEC1 PEM. The server home and the client's MSP folders find their keys here.

import Crypto
import Foundation
import X509

/// Naming and finding key files.
public enum Keystore {
    /// fabric-ca's key file name: hex SHA-256 of the uncompressed public point, then `_sk`.
    public static func fileName(for publicKey: Certificate.PublicKey) -> String {
        Hex.encode(SHA256.hash(data: publicKey.ecPoint)) + "_sk"
    }

    /// The `*_sk` files of a folder, sorted; none when it does not exist.
    public static func candidates(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix("_sk") }.sorted().map { "\(folder)/\($0)" }
    }

    /// The first of `paths` holding a private key whose public key is `publicKey`; unreadable or
    /// foreign files are passed over.
    public static func key(matching publicKey: Certificate.PublicKey, among paths: [String]) -> (
        key: SigningKey, path: String
    )? {
        for path in paths {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let key = try? SigningKey(pemEncoded: text), key.publicKey == publicKey
            {
                return (key, path)
            }
        }
        return nil
    }
}
