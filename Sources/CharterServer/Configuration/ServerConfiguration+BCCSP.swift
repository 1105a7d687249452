// `bccsp:` — fabric-ca's key store setting: SW keeps the CA's and the TLS keys in files of the
// home; PKCS11 makes them in an HSM's token and finds them there by the SHA-256 of their public
// point, as fabric-ca (through Fabric's BCCSP) does.

import CharterPKCS11
import Foundation

extension ServerConfiguration {
    /// The mode a configuration file is written with: the owner's only when it holds a secret (a
    /// database password, the HSM's PIN).
    public var fileMode: mode_t {
        db.datasourceHasPassword || !bccsp.pkcs11.pin.isEmpty ? 0o600 : 0o644
    }

    /// fabric-ca's `bccsp:` section, the keys Charter reads.
    public struct BCCSP: Sendable, Codable {
        /// `SW` or `PKCS11`.
        public var `default` = "SW"
        /// The token.
        public var pkcs11 = PKCS11()

        /// `bccsp.pkcs11`: the module, the token's label and its PIN.
        public struct PKCS11: Sendable, Codable {
            public var library = ""
            public var pin = ""
            public var label = ""
            public init() {}
            public init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                library = try c.decodeIfPresent(String.self, forKey: .library) ?? ""
                pin = try c.decodeIfPresent(ScalarText.self, forKey: .pin)?.text ?? ""
                label = try c.decodeIfPresent(String.self, forKey: .label) ?? ""
            }
        }

        public init() {}
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            `default` = try c.decodeIfPresent(String.self, forKey: .default) ?? "SW"
            pkcs11 = try c.decodeIfPresent(PKCS11.self, forKey: .pkcs11) ?? PKCS11()
        }

        /// True when keys live in an HSM.
        public var usesToken: Bool { `default`.uppercased() == "PKCS11" }

        /// The key store: files, or the token, logged in (a wrong library, label or PIN stops here).
        public func keyStore() throws -> KeyStore {
            try KeyStore(default: `default`, library: pkcs11.library, label: pkcs11.label, pin: pkcs11.pin)
        }
    }
}
