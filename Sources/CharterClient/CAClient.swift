// The HTTP side of the client: one fabric-ca call, its authentication (Basic or token), and the
// envelope of the answer turned into a result or a typed error.

import AsyncHTTPClient
import CharterCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A connection to one CA server.
public struct CAClient: Sendable {
    /// The server URL without credentials, e.g. `https://localhost:7054`.
    public let baseURL: String
    /// The URL's host and port (`localhost:7054`), which names the CA files fabric-ca-client writes.
    public let hostPort: String
    /// `<host>-<port>[-<caname>].pem`, dots and colons as dashes, as fabric-ca-client names CA files.
    public func caFileName(caName: String) -> String {
        var name = hostPort
        if !caName.isEmpty { name += "-\(caName)" }
        return name.replacingOccurrences(of: ":", with: "-").replacingOccurrences(of: ".", with: "-") + ".pem"
    }

    /// Print each request and the status of its answer on standard error (`-d`).
    public let debug: Bool
    let client: HTTPClient

    /// Creates a client trusting `trustedCertificates` (PEM files) for TLS, with an optional client pair.
    public init(
        url: URL,
        trustedCertificates: [String],
        clientCertificate: String? = nil,
        clientKey: String? = nil,
        debug: Bool = false,
        connections: Int = 8
    ) throws {
        self.debug = debug
        guard let scheme = url.scheme, scheme == "https" || scheme == "http", let host = url.host else {
            throw CharterError(.invalidRequest, "The URL '\(url)' is not an http:// or https:// server URL")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let hostText = host.contains(":") ? "[\(host)]" : host
        baseURL = "\(scheme)://\(hostText):\(port)\(url.path == "/" ? "" : url.path)"
        hostPort = "\(host):\(port)"
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if !trustedCertificates.isEmpty {
            var roots: [NIOSSLCertificate] = []
            for file in trustedCertificates {
                do {
                    roots += try NIOSSLCertificate.fromPEMFile(file)
                } catch {
                    throw CharterError(.configuration, "Cannot read the TLS trust file \(file): \(error)")
                }
            }
            tls.trustRoots = .certificates(roots)
        }
        if let clientCertificate, let clientKey {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKey, format: .pem))
            } catch {
                throw CharterError(.configuration, "Cannot read the TLS client certificate or key: \(error)")
            }
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connection pool.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// How a call authenticates.
    public enum Authentication: Sendable {
        case none
        case basic(user: String, secret: String)
        case token(ClientIdentity)
    }

    /// The URL's path (`/ca/org1` for `https://host:7054/ca/org1`), which requests and the signed
    /// token URI carry, as fabric-ca-client 1.5.17+ does.
    var basePath: String {
        (URL(string: baseURL)?.path ?? "").replacingOccurrences(of: "/$", with: "", options: .regularExpression)
    }

    /// A plain GET (the transparency log's checkpoint, tiles and entry bundles): the body of a 200,
    /// nil for a 404, an error otherwise.
    public func fetch(_ path: String) async throws -> [UInt8]? {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .GET
        let (response, bytes) = try await send(request)
        switch response.status.code {
        case 200: return Array(bytes.readableBytesView)
        case 404: return nil
        default:
            throw CharterError(.invalidResponse, "GET \(path) answered \(response.status.code)")
        }
    }

    /// Makes a call and decodes the envelope's `result`; a failed call throws the server's error
    /// as ``CharterError/remote(code:message:file:line:)``.
    public func call<Result: Decodable & Sendable>(
        _ method: String,
        _ path: String,
        body: [UInt8]? = nil,
        authentication: Authentication,
        as type: Result.Type = Result.self
    ) async throws -> Result {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        switch authentication {
        case .none:
            break
        case .basic(let user, let secret):
            request.headers.add(
                name: "Authorization",
                value: "Basic " + Data("\(user):\(secret)".utf8).base64EncodedString()
            )
        case .token(let identity):
            let header = try AuthorizationToken.header(
                key: identity.key,
                certificatePEM: identity.certificatePEM,
                method: method,
                requestURI: basePath + path,
                body: body ?? []
            )
            request.headers.add(name: "Authorization", value: header)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        let (response, bytes) = try await send(request)
        if debug {
            FileHandle.standardError.write(Data("\(method) \(baseURL)\(path) -> \(response.status.code)\n".utf8))
        }
        let envelope: ResponseEnvelope<Result>
        do {
            envelope = try JSONDecoder().decode(ResponseEnvelope<Result>.self, from: Data(bytes.readableBytesView))
        } catch {
            throw CharterError(
                .invalidResponse,
                "The server at \(baseURL) answered \(response.status.code) without the expected fabric-ca envelope: "
                    + String(decoding: bytes.readableBytesView.prefix(200), as: UTF8.self)
            )
        }
        guard envelope.success, let result = envelope.result else {
            let first = envelope.errors.first
            throw CharterError.remote(
                code: first?.code ?? 0,
                message: first?.message ?? "The request failed (HTTP \(response.status.code))"
            )
        }
        return result
    }

    /// Sends a request and reads its whole answer, 512 MiB at most: a CRL of a million
    /// revocations comes as about 75 MB of envelope.
    func send(_ request: HTTPClientRequest) async throws -> (HTTPClientResponse, ByteBuffer) {
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            return (response, try await response.body.collect(upTo: 512 << 20))
        } catch {
            throw CharterError(.unreachable, "Cannot reach the CA at \(baseURL): \(error)")
        }
    }
}
