// Files that hold several PEM blocks: CA chains, cacerts folders, fabric-ca's chainfile.

import SwiftASN1
import X509

/// Reads every certificate of a PEM bundle.
public enum PEMBundle {
    /// The certificates in order; other block types (keys) are skipped.
    public static func certificates(in text: String) throws -> [Certificate] {
        do {
            return try PEMDocument.parseMultiple(pemString: text)
                .filter { $0.discriminator == "CERTIFICATE" }
                .map { try Certificate(derEncoded: $0.derBytes) }
        } catch {
            throw CharterError(.configuration, "Not a PEM certificate bundle: \(error)")
        }
    }
}
