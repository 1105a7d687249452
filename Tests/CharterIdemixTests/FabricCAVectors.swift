// The Idemix values fabric-ca v1.5.5 produced (Tests/Fixtures/fabric-ca), read for the tests.

import Foundation

enum FabricCAVectors {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func fixture(_ path: String) throws -> Data {
        try Data(contentsOf: repository.appendingPathComponent("Tests/Fixtures/fabric-ca/" + path))
    }

    /// The JSON body of one side of a recorded exchange.
    static func exchange(_ name: String, _ side: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: try fixture("idemix-1.5.5/\(name).json")) as? [String: Any]
        let message = object?[side] as? [String: Any]
        return message?["body_json"] as? [String: Any] ?? [:]
    }

    static func base64(_ text: Any?) -> [UInt8] {
        (text as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) } ?? []
    }

    /// The credential response's result.
    static func credentialResult() throws -> [String: Any] {
        try exchange("credential-exchange", "response")["result"] as? [String: Any] ?? [:]
    }

    static func issuerPublicKey() throws -> [UInt8] {
        base64((try credentialResult()["CAInfo"] as? [String: Any])?["IssuerPublicKey"])
    }

    static func revocationPublicKeyPEM() throws -> String {
        String(
            decoding: base64((try credentialResult()["CAInfo"] as? [String: Any])?["IssuerRevocationPublicKey"]),
            as: UTF8.self
        )
    }

    /// The credential request's JSON as fabric-ca-client sent it.
    static func credentialRequestJSON() throws -> Data {
        let request = try exchange("credential-exchange", "request")["request"] ?? [:]
        return try JSONSerialization.data(withJSONObject: request)
    }
}
