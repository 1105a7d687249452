// The transparency log's read API, on the API listener: `/loginfo` (origin, verifier key, size),
// and under `/log/`: `checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]` (C2SP
// tlog-checkpoint and tlog-tiles), `proof?serial=&aki=` and `consistency?old=&new=`. Reads need no
// authentication (a consortium's members must be able to follow the log) unless `log.readauth`.

import CharterCore
import Foundation
import Hummingbird

extension CAService {
    /// With `log.readauth`, a token of an identity of this CA.
    func authorizeLogRead(_ request: Request, context: CharterRequestContext) async throws {
        if configuration.log.readauth { _ = try await tokenCaller(request, context: context) }
    }

    func logInfo(_ request: Request, context: CharterRequestContext) async throws -> Response {
        try checkCAName(request.uri.queryParameters["ca"].map(String.init))
        try await authorizeLogRead(request, context: context)
        return try Envelope.success(
            LogInfo(origin: log.signer.name, verifierKey: log.signer.verifierKey, size: try await registry.logSize())
        )
    }

    func logResource(_ request: Request, context: CharterRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        try checkCAName(query["ca"].map(String.init))
        try await authorizeLogRead(request, context: context)
        let components = Array(request.uri.path.split(separator: "/").drop { $0 != "log" }.dropFirst())
        switch components.first {
        case "checkpoint" where components.count == 1:
            let latest = try await log.checkpoint()
            return Self.text(latest.note, cache: "no-cache")
        case "tile":
            guard let tile = TileAddress(path: Array(components.dropFirst())) else {
                throw CharterError(.invalidRequest, "Not a tile path: \(PathElement.printable(request.uri.path))")
            }
            let bytes = try await tile.level == nil ? log.entryBundle(tile) : log.tile(tile)
            let cache = tile.isFull ? "public, max-age=31536000, immutable" : "no-cache"
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream", .cacheControl: cache],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            )
        case "proof" where components.count == 1:
            guard let serial = query["serial"].flatMap({ Hex.canonicalSerial(String($0)) }),
                let aki = query["aki"].map({ String($0).lowercased() }), !aki.isEmpty
            else {
                throw CharterError(.invalidRequest, "A proof needs the certificate's serial and aki in hex")
            }
            return try Envelope.success(try await log.inclusion(serial: serial, authorityKeyIdentifier: aki))
        case "consistency" where components.count == 1:
            let sizes = 1...MerkleTree.maximumSize
            let old = try DecimalInteger.require(query["old"], in: sizes, name: "old (a tree size)")
            let new = try DecimalInteger.require(query["new"], in: sizes, name: "new (a tree size)")
            return try Envelope.success(try await log.consistency(old: old, new: new))
        default:
            throw HTTPError(.notFound)
        }
    }

    static func text(_ text: String, cache: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: cache],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }
}
