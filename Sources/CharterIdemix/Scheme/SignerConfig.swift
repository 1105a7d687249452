// An idemix signer's configuration: the credential, the secret and what the credential certifies.
// Fabric reads it as protobuf (`IdemixMSPSignerConfig` in `user/SignerConfig`); fabric-ca-client
// writes the same fields as JSON, which is what `charter enroll` keeps in `msp/user/SignerConfig`.

import Foundation

/// The signer of an idemix MSP.
public struct SignerConfig: Sendable, Equatable {
    public var credential: [UInt8]
    public var secret: [UInt8]
    public var organizationalUnit: String
    /// The role bit mask certified (1 member, 2 admin).
    public var role: Int
    public var enrollmentID: String
    public var revocationInformation: [UInt8]
    public var revocationHandle: String

    /// Collects the fields.
    public init(
        credential: [UInt8],
        secret: [UInt8],
        organizationalUnit: String,
        role: Int,
        enrollmentID: String,
        revocationInformation: [UInt8],
        revocationHandle: String
    ) {
        self.credential = credential
        self.secret = secret
        self.organizationalUnit = organizationalUnit
        self.role = role
        self.enrollmentID = enrollmentID
        self.revocationInformation = revocationInformation
        self.revocationHandle = revocationHandle
    }

    /// Fabric's `IdemixMSPSignerConfig`, what a peer CLI or SDK loads with `CORE_PEER_LOCALMSPTYPE=idemix`.
    public var protobuf: [UInt8] {
        var writer = ProtobufWriter()
        writer.bytes(1, credential)
        writer.bytes(2, secret)
        writer.string(3, organizationalUnit)
        writer.integer(4, Int64(role))
        writer.string(5, enrollmentID)
        writer.bytes(6, revocationInformation)
        writer.string(7, revocationHandle)
        return writer.bytes
    }

    /// fabric-ca-client's JSON (Go's field names, `omitempty`, curve named).
    public var json: [UInt8] {
        var object: [String: Any] = ["curveID": "amcl.Fp256bn"]
        if !credential.isEmpty { object["Cred"] = Base64.encode(credential) }
        if !secret.isEmpty { object["Sk"] = Base64.encode(secret) }
        if !organizationalUnit.isEmpty { object["organizational_unit_identifier"] = organizationalUnit }
        if role != 0 { object["role"] = role }
        if !enrollmentID.isEmpty { object["enrollment_id"] = enrollmentID }
        if !revocationInformation.isEmpty {
            object["credential_revocation_information"] = Base64.encode(revocationInformation)
        }
        if !revocationHandle.isEmpty { object["revocation_handle"] = revocationHandle }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return Array(data)
    }

    /// Reads fabric-ca-client's JSON form.
    public init(json data: [UInt8]) throws(IdemixError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any] else {
            throw .malformed("the SignerConfig is not a JSON object")
        }
        func bytes(_ key: String) throws(IdemixError) -> [UInt8] {
            guard let text = object[key] as? String else { return [] }
            guard let bytes = Base64.decode(text) else { throw .malformed("\(key) is not base64") }
            return bytes
        }
        self.init(
            credential: try bytes("Cred"),
            secret: try bytes("Sk"),
            organizationalUnit: object["organizational_unit_identifier"] as? String ?? "",
            role: object["role"] as? Int ?? 0,
            enrollmentID: object["enrollment_id"] as? String ?? "",
            revocationInformation: try bytes("credential_revocation_information"),
            revocationHandle: object["revocation_handle"] as? String ?? ""
        )
    }
}
