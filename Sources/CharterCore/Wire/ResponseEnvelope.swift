// fabric-ca's response envelope, `{"result":…,"errors":[{code,message}],"messages":[],"success":…}`:
// the server writes it, the client, the audit and the benchmark read it through this one type.

/// One entry of an envelope's `errors` or `messages`.
public struct ResponseMessage: Codable, Sendable, Hashable {
    /// fabric-ca's numeric code.
    public var code: Int
    /// The text.
    public var message: String

    /// Creates a message.
    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// `{"code":N,"message":"…"}` with fabric-ca's key order and Go's escaping.
    public var wireJSON: String {
        #"{"code":\#(code),"message":\#(GoJSON.quote(message))}"#
    }
}

/// A decoded envelope; `result` is read only when `success` is true (failures carry `""`).
public struct ResponseEnvelope<Result: Decodable & Sendable>: Decodable, Sendable {
    /// The result of a successful call.
    public var result: Result?
    /// Why the call failed.
    public var errors: [ResponseMessage]
    /// Informational messages.
    public var messages: [ResponseMessage]
    /// Whether the call succeeded.
    public var success: Bool

    enum CodingKeys: String, CodingKey { case result, errors, messages, success }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = try container.decode(Bool.self, forKey: .success)
        errors = try container.decodeIfPresent([ResponseMessage].self, forKey: .errors) ?? []
        messages = try container.decodeIfPresent([ResponseMessage].self, forKey: .messages) ?? []
        result = success ? try container.decode(Result.self, forKey: .result) : nil
    }
}

/// A result the caller does not read (fabric-ca answers some calls with `""` or an object).
public struct IgnoredResult: Decodable, Sendable {
    public init(from decoder: any Decoder) throws {}
}
