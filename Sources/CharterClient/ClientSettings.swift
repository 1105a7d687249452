// fabric-ca-client-config.yaml: the defaults a client home keeps (URL, MSP folder, TLS trust,
// CSR fields), written on first use like fabric-ca-client does, read on every later command.

import CharterConfiguration
import CharterCore
import Foundation
import Yams

/// The client configuration file of a home folder.
public struct ClientSettings: Codable, Sendable {
    public var url: String?
    public var mspdir: String?
    public var caname: String?
    public var tls: TLS?
    public var csr: CSR?
    /// Enrollment defaults: the signing profile and HSM label.
    public var enrollment: EnrollmentDefaults?
    /// Enrollment output files relative to the MSP (fabric-ca-client 1.5.20).
    public var mycertfile: String?
    public var myskfile: String?
    public var mycacertfile: String?
    /// Where keys live (`bccsp.default`: SW or PKCS11).
    public var bccsp: BCCSP?

    /// fabric-ca-client's `bccsp:` section, the keys Charter reads.
    public struct BCCSP: Codable, Sendable {
        public var `default`: String?
        public var pkcs11: PKCS11?
        /// Creates an empty section.
        public init() {}
        /// `bccsp.pkcs11`: the module, the token's label and its PIN.
        public struct PKCS11: Codable, Sendable {
            public var library: String?
            public var pin: String?
            public var label: String?
        }
    }

    public struct TLS: Codable, Sendable {
        public var certfiles: [String]?
        public var client: Client?
        /// Creates TLS settings.
        public init(certfiles: [String]? = nil) { self.certfiles = certfiles }
        public struct Client: Codable, Sendable {
            public var certfile: String?
            public var keyfile: String?
        }
    }

    public struct CSR: Codable, Sendable {
        public var cn: String?
        public var names: [[String: String?]]?
        public var hosts: [String]?
        public var keyrequest: KeyRequest?
        /// The subject names fabric-ca-client's default configuration sends (the server replaces OU).
        public static let defaultNames: [[String: String?]] = [
            ["C": "US", "ST": "North Carolina", "L": nil, "O": "Hyperledger", "OU": "Fabric"]
        ]

        /// Creates CSR defaults: fabric-ca-client's names, an ECDSA P-256 key.
        public init(cn: String? = nil, size: Int = 256) {
            self.cn = cn
            self.names = Self.defaultNames
            self.keyrequest = KeyRequest(algo: "ecdsa", size: size)
        }
        public struct KeyRequest: Codable, Sendable {
            public var algo: String?
            public var size: Int?
            public var reusekey: Bool?
        }
    }

    public struct EnrollmentDefaults: Codable, Sendable {
        public var profile: String?
        public var label: String?
        /// `x509` (the default) or `idemix`.
        public var type: String?
    }

    /// Creates empty settings.
    public init() {}

    /// The file name fabric-ca-client uses.
    public static let fileName = "fabric-ca-client-config.yaml"

    /// Reads a settings file and the `FABRIC_CA_CLIENT_*` variables through
    /// ``ConfigurationKeys/client``; a missing file gives the variables' settings alone. A key
    /// Charter does not implement, set to a value that asks for something, is an error naming it.
    public static func load(_ path: String, environment: [String: String] = [:]) throws -> ClientSettings {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        do {
            let checked = try ConfigurationKeys.client.prepare(yaml: text, environment: environment)
            return try YAMLDecoder().decode(ClientSettings.self, from: checked)
        } catch let error as CharterError {
            throw CharterError(error.code, "\(path): \(error.message)")
        } catch {
            throw CharterError(.configuration, "Invalid client configuration \(path): \(error)")
        }
    }

    /// Writes the file with a header saying what it is.
    public func write(to path: String) throws {
        let body = try YAMLEncoder().encode(self)
        let text = """
            # Charter client configuration for this home (fabric-ca-client-config.yaml keys).
            # Flags on the command line override these values; url never stores a secret.

            """ + body
        try FileWriter.makeFolder((path as NSString).deletingLastPathComponent, mode: 0o700)
        try FileWriter.write(text, to: path, mode: 0o644)
    }
}
