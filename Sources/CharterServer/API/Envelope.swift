// fabric-ca's response envelope, byte for byte: clients such as fabric-sdk-py ignore the HTTP
// status and read only this JSON, so every API response, errors included, is one.

import CharterCore
import Foundation
import Hummingbird

/// Builds `{"result":…,"errors":[…],"messages":[],"success":…}` responses.
enum Envelope {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// A success response; `result` is followed by a newline as Go's json.Encoder writes it.
    static func success(_ result: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws
        -> Response
    {
        var body = Array(#"{"result":"#.utf8)
        body += try encoder.encode(result)
        body += Array("\n,\"errors\":[],\"messages\":[],\"success\":true}".utf8)
        return response(body, status: status, headers: headers)
    }

    /// A success response whose result is already JSON.
    static func success(json result: String, status: HTTPResponse.Status = .ok) -> Response {
        var body = Array(#"{"result":"#.utf8)
        body += Array(result.utf8)
        body += Array("\n,\"errors\":[],\"messages\":[],\"success\":true}".utf8)
        return response(body, status: status)
    }

    /// A success response written as a listing is read, page by page: `head`, every page's
    /// entries (JSON, comma-separated), then `tail`. The first page is read before the answer
    /// starts, so a registry that cannot serve still gets an error envelope; later pages are read
    /// while the client takes the earlier ones, and memory holds one page whatever the listing's size.
    static func streamed<Key: Sendable>(
        head: String,
        first: ListingPage<Key>,
        next: @escaping @Sendable (Key) async throws -> ListingPage<Key>,
        tail: String
    ) -> Response {
        let body = ResponseBody { writer in
            var buffer = ByteBuffer(string: head)
            var page = first
            var separator = false
            while true {
                for entry in page.entries {
                    if separator { buffer.writeInteger(UInt8(ascii: ",")) }
                    buffer.writeBytes(entry)
                    separator = true
                }
                try await writer.write(buffer)
                buffer.clear()
                guard let key = page.resumeAfter else { break }
                page = try await next(key)
            }
            try await writer.write(ByteBuffer(string: tail))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    /// An error response with the error's fabric-ca code and HTTP status.
    static func failure(_ error: CharterError) -> Response {
        response(failureBody(error), status: HTTPResponse.Status(code: error.code.wire.httpStatus))
    }

    /// The bytes of an error envelope, for the connection handlers that answer below the router.
    static func failureBody(_ error: CharterError) -> [UInt8] {
        var body = Array(#"{"result":"","errors":["#.utf8)
        body += Array(ResponseMessage(code: error.code.wire.fabricCode, message: error.message).wireJSON.utf8)
        body += Array("\n],\"messages\":[],\"success\":false}".utf8)
        return body
    }

    static func response(_ body: [UInt8], status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// One page of a streamed listing: its entries as JSON, and where the next page starts (nil on
/// the last).
struct ListingPage<Key: Sendable>: Sendable {
    var entries: [[UInt8]]
    var resumeAfter: Key?
}
