// fabric-ca's Idemix endpoints: `/idemix/credential` (a nonce for an empty request, then the
// credential for a request that proves knowledge of its secret against that nonce) and
// `/idemix/cri` (the revocation information of the current epoch).

import CharterCore
import CharterIdemix
import CharterStore
import Foundation
import Hummingbird

extension CAService {
    /// The body fabric-ca-client sends: `request` null for the nonce round.
    struct IdemixEnrollmentRequest: Decodable {
        var request: CredentialRequest?
        var caname: String?
    }

    func idemixCredential(_ request: Request, context: CharterRequestContext) async throws -> Response {
        // Basic authentication (enrollment ID and secret) or an X.509 token, as fabric-ca takes.
        let basic = request.headers[.authorization]?.hasPrefix("Basic ") ?? false
        let caller: Identity
        let body: [UInt8]
        if basic {
            caller = try await authenticator.basic(request)
            // The secret was right: the attempt counted before checking it is not a wrong one.
            try await registry.resetLoginAttempts(caller.id)
            body = try await Self.collect(request)
        } else {
            (caller, body) = try await tokenCaller(request, context: context)
        }
        context.audit.record(caller.id)
        let enrollment = try Self.decode(IdemixEnrollmentRequest.self, from: body)
        try checkCAName(enrollment.caname)
        if basic, authenticator.directory == nil, caller.hasReachedMaxEnrollments {
            throw CharterError.authentication(
                "Identity '\(caller.id)' has reached its maximum of \(caller.maxEnrollments) enrollments"
            )
        }
        guard let credentialRequest = enrollment.request else {
            let nonce = Scalar.random().bytes
            try await registry.storeIdemixNonce(nonce, expiresAt: Date() + nonceLifetime.timeInterval)
            return idemixResponse(nonce: Data(nonce).base64EncodedString())
        }
        return try await issueCredential(credentialRequest, to: caller, countsAsEnrollment: basic)
    }

    func idemixCRI(_ request: Request, context: CharterRequestContext) async throws -> Response {
        let (_, body) = try await tokenCaller(request, context: context)
        if !body.isEmpty {
            struct CRIRequest: Decodable { var caname: String? }
            try checkCAName(try Self.decode(CRIRequest.self, from: body).caname)
        }
        let information = try idemix.revocationInformation(epoch: try await idemixEpoch())
        return try Envelope.success(["CRI": Data(information).base64EncodedString()], status: .created)
    }

    /// The epoch advances each time `idemix.rhpoolsize` revocation handles were issued.
    func idemixEpoch() async throws -> Int {
        1 + (try await registry.current(.idemixRevocationHandle)) / revocationHandlePool
    }

    private func issueCredential(_ request: CredentialRequest, to caller: Identity, countsAsEnrollment: Bool)
        async throws -> Response
    {
        // The nonce answers one request: taken (and deleted) before the proof is even checked.
        guard try await registry.takeIdemixNonce(request.issuerNonce, at: Date()) else {
            throw CharterError(.invalidRequest, "Invalid nonce: it is unknown, was used already or has expired")
        }
        let verified: VerifiedCredentialRequest
        do {
            verified = try request.verify(idemix.key.publicKey)
        } catch {
            throw CharterError(.invalidRequest, "Invalid Idemix credential request: \(error)")
        }
        let handle = try await registry.next(.idemixRevocationHandle)
        // fabric-ca: the `role` attribute when it is a number, else 1 (member).
        let role =
            caller.attributes.first { $0.name == "role" }.flatMap { Int32($0.value) }.map(Int.init)
            .flatMap { $0 >= 0 ? $0 : nil } ?? 1
        let handleText = String(handle)
        let certified = FabricAttributes(
            organizationalUnit: caller.affiliation,
            role: role,
            enrollmentID: caller.id,
            revocationHandle: handleText
        )
        // The attributes as the response lists them (JSON values).
        let listed = [
            "OU": GoJSON.quote(caller.affiliation), "Role": String(role), "EnrollmentID": GoJSON.quote(caller.id),
            "RevocationHandle": GoJSON.quote(handleText),
        ]
        let names = idemix.key.publicKey.attributeNames
        let values = try names.map { name in
            guard let value = certified.value(named: name) else {
                throw CharterError(
                    .internalError,
                    "The Idemix issuer key certifies '\(name)', which Charter cannot fill in"
                )
            }
            return value
        }
        let credential = try idemix.key.issue(verified, attributes: values).serialized
        // On record before it is returned.
        try await registry.record(
            IdemixCredentialRecord(
                revocationHandle: handle,
                enrollmentID: caller.id,
                credential: credential,
                issuedAt: Date()
            )
        )
        if countsAsEnrollment, authenticator.directory == nil {
            _ = try await registry.updateIdentity(caller.id) { $0.enrollments += 1 }
        }
        let information = try idemix.revocationInformation(epoch: try await idemixEpoch())
        let attributesJSON = names.sorted().compactMap { name in
            listed[name].map { "\(GoJSON.quote(name)):\($0)" }
        }.joined(separator: ",")
        return idemixResponse(
            credential: Data(credential).base64EncodedString(),
            attributes: "{\(attributesJSON)}",
            information: Data(information).base64EncodedString()
        )
    }

    /// fabric-ca's `IdemixEnrollmentResponseNet`, 201 Created.
    private func idemixResponse(
        credential: String = "",
        attributes: String = "null",
        information: String = "",
        nonce: String = ""
    )
        -> Response
    {
        let json =
            #"{"Credential":"\#(credential)","Attrs":\#(attributes),"CRI":"\#(information)","Nonce":"\#(nonce)","CAInfo":"#
            + enrollmentServerInfo.wireJSON + "}"
        return Envelope.success(json: json, status: .created)
    }
}
