// `charter enroll --enrollment.type idemix`: fabric-ca-client's two rounds (a nonce, then a
// credential request proving knowledge of a fresh secret), the same `msp/user/SignerConfig`,
// `IssuerPublicKey` and `IssuerRevocationPublicKey` — and, unlike fabric-ca-client, the issuer key,
// the credential and the revocation information are all verified before anything is written.
// `--idemix.fabricmsp` also writes the folder a Fabric idemix MSP loads as it is.

import CharterCore
import CharterIdemix
import Crypto
import Foundation

/// An Idemix enrollment.
public struct IdemixEnrollment: Sendable {
    /// The identity enrolling and its secret.
    public var id: String
    public var secret: String
    public var caName: String
    /// A folder to write as Fabric's idemix MSP (`msp/IssuerPublicKey`, `msp/RevocationPublicKey`,
    /// `user/SignerConfig` in protobuf); nil for none.
    public var fabricMSP: String?

    /// Creates an enrollment.
    public init(id: String, secret: String, caName: String, fabricMSP: String?) {
        self.id = id
        self.secret = secret
        self.caName = caName
        self.fabricMSP = fabricMSP
    }

    /// fabric-ca's `IdemixEnrollmentResponseNet`.
    struct Response: Decodable, Sendable {
        var credential: String
        var attributes: [String: AttributeValue]?
        var information: String
        var nonce: String
        var caInfo: ServerInfo

        enum CodingKeys: String, CodingKey {
            case credential = "Credential", attributes = "Attrs", information = "CRI", nonce = "Nonce"
            case caInfo = "CAInfo"
        }
    }

    /// An attribute as fabric-ca sends it: text, or a number for the role.
    enum AttributeValue: Decodable, Sendable {
        case text(String)
        case number(Int)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        var text: String {
            switch self {
            case .text(let text): text
            case .number(let number): String(number)
            }
        }
    }

    /// Enrolls and writes the MSP; returns the SignerConfig's path.
    public func run(client: CAClient, msp: MSPStore, caFileName: String) async throws -> String {
        struct Body: Encodable {
            var request: CredentialRequest?
            var caname: String
        }
        let authentication = CAClient.Authentication.basic(user: id, secret: secret)
        let first: Response = try await client.call(
            "POST",
            "/idemix/credential",
            body: try CAClient.json(Body(request: nil, caname: caName)),
            authentication: authentication
        )
        let issuer: IssuerPublicKey
        do {
            issuer = try IssuerPublicKey(serialized: Self.base64(first.caInfo.issuerPublicKey, "IssuerPublicKey"))
        } catch let error as IdemixError {
            throw CharterError(.invalidResponse, "The CA's Idemix issuer public key is not valid: \(error)")
        }
        let secretKey = Scalar.random()
        let request = CredentialRequest(secret: secretKey, nonce: try Self.base64(first.nonce, "Nonce"), issuer: issuer)
        let second: Response = try await client.call(
            "POST",
            "/idemix/credential",
            body: try CAClient.json(Body(request: request, caname: caName)),
            authentication: authentication
        )
        let config = try verify(second, secret: secretKey, issuer: issuer)
        try msp.storeCAInfo(second.caInfo, caFileName: caFileName, tlsProfile: false)
        try msp.write("user/SignerConfig", Data(config.json), mode: 0o600)
        if let fabricMSP {
            let folder = try MSPStore(directory: fabricMSP)
            try folder.write("msp/IssuerPublicKey", Data(issuer.serialized), mode: 0o644)
            try folder.write(
                "msp/RevocationPublicKey",
                Data(try Self.base64(second.caInfo.issuerRevocationPublicKey, "IssuerRevocationPublicKey")),
                mode: 0o644
            )
            try folder.write("user/SignerConfig", Data(config.protobuf), mode: 0o600)
        }
        return "\(msp.directory)/user/SignerConfig"
    }

    /// Checks what came back: the credential for this secret, its attributes as the server lists
    /// them, and the revocation information's signature.
    func verify(_ response: Response, secret: Scalar, issuer: IssuerPublicKey) throws -> SignerConfig {
        let attributes = response.attributes ?? [:]
        let credentialBytes = try Self.base64(response.credential, "Credential")
        let informationBytes = try Self.base64(response.information, "CRI")
        let ou = attributes["OU"]?.text ?? ""
        let role = Int(attributes["Role"]?.text ?? "") ?? 0
        let enrollmentID = attributes["EnrollmentID"]?.text ?? ""
        let handle = attributes["RevocationHandle"]?.text ?? ""
        do {
            let credential = try Credential(serialized: credentialBytes)
            try credential.verify(secret: secret, issuer: issuer)
            let expected = FabricAttributes(
                organizationalUnit: ou,
                role: role,
                enrollmentID: enrollmentID,
                revocationHandle: handle
            )
            for (name, value) in zip(issuer.attributeNames, credential.attributes)
            where expected.value(named: name) != value {
                throw IdemixError.invalidProof("the credential's \(name) is not the one the CA lists")
            }
            let revocationPEM = String(
                decoding: try Self.base64(response.caInfo.issuerRevocationPublicKey, "IssuerRevocationPublicKey"),
                as: UTF8.self
            )
            _ = try CredentialRevocationInformation(
                serialized: informationBytes,
                key: try P384.Signing.PublicKey(pemRepresentation: revocationPEM)
            )
        } catch let error as IdemixError {
            throw CharterError(.invalidResponse, "The CA's Idemix credential does not verify: \(error)")
        }
        return SignerConfig(
            credential: credentialBytes,
            secret: secret.bytes,
            organizationalUnit: ou,
            role: role,
            enrollmentID: enrollmentID,
            revocationInformation: informationBytes,
            revocationHandle: handle
        )
    }

    static func base64(_ text: String, _ name: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text), !data.isEmpty else {
            throw CharterError(.invalidResponse, "The CA's \(name) is missing or not base64")
        }
        return Array(data)
    }
}
