// The one place where errors become fabric-ca envelopes and where every request is logged.

import CharterCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Maps every error to the envelope with the right status and code, and logs each request.
struct EnvelopeMiddleware: RouterMiddleware {
    typealias Context = CharterRequestContext

    /// Path templates the API serves (`/identities/:id`), split once: a wrong method gets 405,
    /// not 404, and each response is counted under its template.
    let templates: [(parts: [Substring], label: String)]
    let metrics: ServerMetrics

    init(knownPaths: [String], metrics: ServerMetrics) {
        self.templates = knownPaths.map { path in
            (path.split(separator: "/"), path.hasPrefix("/api/v1/") ? String(path.dropFirst(7)) : path)
        }
        self.metrics = metrics
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var failure: CharterError?
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as CharterError {
            failure = error
            response = Envelope.failure(error)
        } catch is NIOTooManyBytesError {
            let tooLarge = CharterError(.bodyTooLarge, "The request body is larger than \(CAService.maxBodySize) bytes")
            failure = tooLarge
            response = Envelope.failure(tooLarge)
        } catch let error as HTTPParserError {
            // The body's framing broke (a bad chunk size): HTTPFraming closes the connection after this.
            let badFraming = HTTPFraming.refusal(error)
            failure = badFraming
            response = Envelope.failure(badFraming)
        } catch let error as HTTPError where error.status == .notFound && isKnown(request.uri.path) {
            let wrongMethod = CharterError(.methodNotAllowed, "Method \(request.method) is not allowed")
            failure = wrongMethod
            response = Envelope.failure(wrongMethod)
        } catch let error as HTTPError where error.status == .notFound {
            // fabric-ca answers unknown paths with Go's plain-text 404, not an envelope.
            response = Response(
                status: .notFound,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "404 page not found\n"))
            )
        } catch let error as HTTPError {
            let mapped = CharterError(.invalidRequest, error.body ?? "Request refused: \(error.status)")
            failure = mapped
            response = Envelope.failure(mapped)
        } catch {
            let internalError = CharterError(.internalError, "Internal server error", logDetail: "\(error)")
            failure = internalError
            response = Envelope.failure(internalError)
        }
        metrics.countResponse(
            endpoint: template(for: request.uri.path) ?? "other",
            method: request.method.rawValue,
            status: response.status.code,
            duration: ContinuousClock.now - start
        )
        log(request, context: context, status: response.status.code, start: start, failure: failure)
        return response
    }

    func isKnown(_ path: String) -> Bool {
        template(for: path) != nil
    }

    /// The route template a path matches (`/identities/:id`, without the `/api/v1` prefix): a
    /// metrics label whose values are bounded, whatever paths clients send.
    func template(for path: String) -> String? {
        let segments = path.split(separator: "/")
        return templates.first { template in
            let parts = template.parts
            if parts.last == "**" {
                return segments.count >= parts.count && zip(parts.dropLast(), segments).allSatisfy { $0 == $1 }
            }
            return parts.count == segments.count
                && zip(parts, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }?.label
    }

    /// `12.34`: a duration in milliseconds to the hundredth, without a formatter on every request.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let hundredths = min(max(seconds, 0), 1_000_000_000) * 100_000 + max(attoseconds, 0) / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    func log(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant, failure: CharterError?)
    {
        let elapsed = ContinuousClock.now - start
        var metadata: Logger.Metadata = [
            "method": "\(request.method)",
            "path": "\(request.uri.path)",
            "status": "\(status)",
            "duration_ms": "\(Self.milliseconds(elapsed))",
        ]
        if let id = context.audit.enrollmentID.withLock({ $0 }) {
            metadata["enrollment_id"] = "\(id)"
        }
        if let failure {
            metadata["error"] = "\(failure.message)"
            if let detail = failure.logDetail { metadata["detail"] = "\(detail)" }
        }
        context.logger.info("request", metadata: metadata)
    }
}
