// `charter_registry_free_bytes{ca}`: the free space of the volume a CA's SQLite registry lives on,
// read every 30 s, with a warning in the log while it is under 64 MiB, before enrollments start
// failing with 503 because the disk is full.

import Foundation
import Logging
import ServiceLifecycle

/// Watches the volume of one CA's SQLite registry.
struct FreeSpaceWatch: Service {
    let caName: String
    /// The registry file; its folder's volume is measured.
    let databasePath: String
    let metrics: ServerMetrics
    let logger: Logger
    var interval: Duration = .seconds(30)
    /// Below this many free bytes, each reading logs a warning.
    static let warningThreshold = 64 << 20

    /// Free bytes for an unprivileged process on the volume holding `path`, or nil.
    static func freeBytes(at path: String) -> Int? {
        var stats = statvfs()
        let folder = (path as NSString).deletingLastPathComponent
        guard statvfs(folder.isEmpty ? "." : folder, &stats) == 0 else { return nil }
        let (bytes, overflow) = Int(clamping: stats.f_bavail).multipliedReportingOverflow(
            by: Int(clamping: stats.f_frsize)
        )
        return overflow ? Int.max : bytes
    }

    func run() async throws {
        while !Task.isStopping {
            if let free = Self.freeBytes(at: databasePath) {
                metrics.setRegistryFreeBytes(ca: caName, bytes: free)
                if free < Self.warningThreshold {
                    logger.warning(
                        "the registry's volume is nearly full: enrollments fail with 503 once it is",
                        metadata: ["ca": "\(caName)", "free_bytes": "\(free)", "database": "\(databasePath)"]
                    )
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
