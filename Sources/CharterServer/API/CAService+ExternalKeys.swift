// External account binding keys for ACME: `POST /eab`, `GET /eab`, `DELETE /eab/:kid`. A
// registrar makes one for an identity it may act on; the ACME account bound with it then acts
// for that identity.

import CharterACME
import CharterCore
import CharterStore
import Foundation
import Hummingbird

extension CAService {
    func addExternalKey(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("ACME external account keys")
        let (caller, body) = try await tokenCaller(request, context: context)
        let keyRequest = try Self.decode(ExternalKeyRequest.self, from: body)
        try checkCAName(keyRequest.caname)
        let target = try await visibleIdentity(keyRequest.id, caller: caller)
        guard !target.revoked else { throw CharterError(.invalidRequest, "Identity '\(target.id)' is revoked") }
        let key = ACMEExternalKey(
            keyID: Self.commandLineSafeRandom(count: 16),
            identity: target.id,
            hmacKey: Self.commandLineSafeRandom(count: 32),
            createdBy: caller.id,
            created: Date()
        )
        try await registry.saveACMEObject(
            ACMEObject(
                kind: .externalKey,
                id: key.keyID,
                created: key.created,
                body: try JSONEncoder().encode(key).map { $0 }
            )
        )
        return try Envelope.success(Self.info(key, withSecret: true), status: .created)
    }

    func listExternalKeys(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("ACME external account keys")
        let (caller, _) = try await tokenCaller(request, context: context)
        try checkCAName(request.uri.queryParameters["ca"].map(String.init))
        try AccessControl.checkIsRegistrar(caller)
        var visible: [ExternalKeyInfo] = []
        for object in try await registry.acmeObjects(.externalKey, account: nil) {
            let key = try JSONDecoder().decode(ACMEExternalKey.self, from: Data(object.body))
            if let owner = try await registry.identity(key.identity),
                AccessControl.canSee(caller: caller, target: owner)
            {
                visible.append(Self.info(key, withSecret: false))
            }
        }
        return try Envelope.success(ExternalKeyList(keys: visible))
    }

    func removeExternalKey(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try requireLocalRegistry("ACME external account keys")
        let (caller, _) = try await tokenCaller(request, context: context)
        try checkCAName(request.uri.queryParameters["ca"].map(String.init))
        let kid = try context.parameters.require("kid")
        guard let object = try await registry.acmeObject(.externalKey, id: kid) else {
            throw CharterError(.invalidRequest, "No external account key '\(kid)'")
        }
        let key = try JSONDecoder().decode(ACMEExternalKey.self, from: Data(object.body))
        _ = try await visibleIdentity(key.identity, caller: caller)
        _ = try await registry.removeACMEObject(.externalKey, id: kid, at: Date())
        return try Envelope.success(Self.info(key, withSecret: false))
    }

    /// Random bytes as base64url that does not start with `-`: the kid and hmac are pasted into
    /// command lines (`lego --kid`, `charter acme eab remove --kid`), where a leading `-` reads as
    /// an option.
    static func commandLineSafeRandom(count: Int) -> String {
        while true {
            let text = Base64URL.encode(SecureRandom.bytes(count: count))
            if !text.hasPrefix("-") { return text }
        }
    }

    static func info(_ key: ACMEExternalKey, withSecret: Bool) -> ExternalKeyInfo {
        ExternalKeyInfo(
            kid: key.keyID,
            id: key.identity,
            hmac: withSecret ? key.hmacKey : nil,
            account: key.account,
            created: GoTime.format(key.created)
        )
    }
}
