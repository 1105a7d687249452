// Every fabric-ca endpoint as a typed call: what the command line, the audit's server source and
// the benchmark use, so none of them speaks HTTP itself.

import CharterCore
import Foundation

extension CAClient {
    /// `POST /cainfo`: the CA's chain and name.
    /// The CA's transparency log: its origin, verifier key and size.
    public func logInfo(caName: String = "") async throws -> LogInfo {
        try await call("GET", "/loginfo" + Self.query(["ca": caName]), authentication: .none)
    }

    /// A certificate's inclusion proof against the log's newest checkpoint.
    public func logInclusion(serial: String, authorityKeyIdentifier: String, caName: String = "") async throws
        -> LogInclusion
    {
        try await call(
            "GET",
            "/log/proof" + Self.query(["serial": serial, "aki": authorityKeyIdentifier, "ca": caName]),
            authentication: .none
        )
    }

    public func caInfo(caName: String = "") async throws -> ServerInfo {
        try await call("POST", "/cainfo", body: try Self.json(["caname": caName]), authentication: .none)
    }

    /// `POST /enroll` with the enrollment secret.
    public func enroll(id: String, secret: String, _ request: EnrollmentRequest) async throws -> EnrollmentResponse {
        try await call(
            "POST",
            "/enroll",
            body: try Self.json(request),
            authentication: .basic(user: id, secret: secret)
        )
    }

    /// `POST /reenroll`, signed by the identity being renewed.
    public func reenroll(_ request: EnrollmentRequest, as identity: ClientIdentity) async throws -> EnrollmentResponse {
        try await call("POST", "/reenroll", body: try Self.json(request), authentication: .token(identity))
    }

    /// `POST /register`: a new identity; the result holds its secret.
    public func register(_ request: RegistrationRequest, as registrar: ClientIdentity) async throws
        -> RegistrationResponse
    {
        try await call("POST", "/register", body: try Self.json(request), authentication: .token(registrar))
    }

    /// `POST /revoke`.
    public func revoke(_ request: RevocationRequest, as revoker: ClientIdentity) async throws -> RevocationResponse {
        try await call("POST", "/revoke", body: try Self.json(request), authentication: .token(revoker))
    }

    /// `POST /gencrl`.
    public func generateCRL(_ request: CRLRequest, as caller: ClientIdentity) async throws -> CRLResponse {
        try await call("POST", "/gencrl", body: try Self.json(request), authentication: .token(caller))
    }

    /// `POST /eab`: an ACME external account binding key for identity `id`.
    public func addExternalKey(_ request: ExternalKeyRequest, as caller: ClientIdentity) async throws -> ExternalKeyInfo
    {
        try await call("POST", "/eab", body: try Self.json(request), authentication: .token(caller))
    }

    /// `GET /eab`: the keys of the identities the caller may see.
    public func externalKeys(caName: String = "", as caller: ClientIdentity) async throws -> ExternalKeyList {
        try await call("GET", "/eab" + Self.query(["ca": caName]), authentication: .token(caller))
    }

    /// `DELETE /eab/{kid}`.
    public func removeExternalKey(_ kid: String, caName: String = "", as caller: ClientIdentity) async throws
        -> ExternalKeyInfo
    {
        try await call(
            "DELETE",
            "/eab/\(Self.segment(kid))" + Self.query(["ca": caName]),
            authentication: .token(caller)
        )
    }

    /// `GET /identities`.
    public func identities(caName: String = "", as caller: ClientIdentity) async throws -> IdentityListResponse {
        try await call("GET", "/identities" + Self.query(["ca": caName]), authentication: .token(caller))
    }

    /// `GET /identities/{id}`.
    public func identity(_ id: String, caName: String = "", as caller: ClientIdentity) async throws -> IdentityInfo {
        try await call(
            "GET",
            "/identities/\(Self.segment(id))" + Self.query(["ca": caName]),
            authentication: .token(caller)
        )
    }

    /// `POST /identities`: like register, answering with the whole identity.
    public func addIdentity(_ request: RegistrationRequest, as caller: ClientIdentity) async throws -> IdentityInfo {
        try await call("POST", "/identities", body: try Self.json(request), authentication: .token(caller))
    }

    /// `PUT /identities/{id}`.
    public func modifyIdentity(_ id: String, _ request: IdentityModification, as caller: ClientIdentity) async throws
        -> IdentityInfo
    {
        try await call(
            "PUT",
            "/identities/\(Self.segment(id))",
            body: try Self.json(request),
            authentication: .token(caller)
        )
    }

    /// `DELETE /identities/{id}`.
    public func removeIdentity(_ id: String, force: Bool, caName: String = "", as caller: ClientIdentity) async throws
        -> IdentityInfo
    {
        let query = Self.query(["force": force ? "true" : "", "ca": caName])
        return try await call("DELETE", "/identities/\(Self.segment(id))" + query, authentication: .token(caller))
    }

    /// `GET /affiliations[/{name}]`: the tree, or one branch.
    public func affiliations(_ name: String? = nil, caName: String = "", as caller: ClientIdentity) async throws
        -> AffiliationInfo
    {
        let path = name.map { "/affiliations/\(Self.segment($0))" } ?? "/affiliations"
        return try await call("GET", path + Self.query(["ca": caName]), authentication: .token(caller))
    }

    /// `POST /affiliations`; `force` creates missing parents.
    public func addAffiliation(_ request: AffiliationRequest, force: Bool, as caller: ClientIdentity) async throws {
        let _: IgnoredResult = try await call(
            "POST",
            "/affiliations" + Self.query(["force": force ? "true" : ""]),
            body: try Self.json(request),
            authentication: .token(caller)
        )
    }

    /// `PUT /affiliations/{name}`: a rename; `force` when it has identities or branches.
    public func modifyAffiliation(_ name: String, _ request: AffiliationRequest, force: Bool, as caller: ClientIdentity)
        async throws -> AffiliationInfo
    {
        try await call(
            "PUT",
            "/affiliations/\(Self.segment(name))" + Self.query(["force": force ? "true" : ""]),
            body: try Self.json(request),
            authentication: .token(caller)
        )
    }

    /// `DELETE /affiliations/{name}`; `force` removes its branches and identities.
    public func removeAffiliation(_ name: String, force: Bool, caName: String = "", as caller: ClientIdentity)
        async throws -> AffiliationInfo
    {
        let query = Self.query(["force": force ? "true" : "", "ca": caName])
        return try await call("DELETE", "/affiliations/\(Self.segment(name))" + query, authentication: .token(caller))
    }

    /// `GET /certificates` with fabric-ca's filters, in the order given.
    public func certificates(_ filters: [(String, String)], as caller: ClientIdentity) async throws
        -> CertificateListing
    {
        var components = URLComponents()
        components.queryItems = filters.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` in a time zone offset would read as a space.
        let query = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
        return try await call(
            "GET",
            "/certificates" + (query.isEmpty ? "" : "?" + query),
            authentication: .token(caller)
        )
    }

    // MARK: request helpers

    static func json(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Percent-encodes one path segment.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? text
    }

    /// `?k=v&…` of the non-empty values, in key order; empty when none.
    static func query(_ values: [String: String]) -> String {
        let present = values.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        guard !present.isEmpty else { return "" }
        var components = URLComponents()
        components.queryItems = present.map { URLQueryItem(name: $0.key, value: $0.value) }
        return "?" + (components.percentEncodedQuery ?? "")
    }
}
