// A private PostgreSQL cluster for the registry tests: created with `initdb` in a temporary
// folder on a free loopback port the first time a test asks, shared by the test process, stopped
// by a watcher when the process ends. PostgreSQL refuses to run as root, so under root the
// cluster belongs to `nobody`.

import CharterPostgres
import Foundation

actor TestPostgres {
    static let shared = TestPostgres()

    private var port: Task<Int, any Error>?

    /// The folder holding `initdb` and `postgres`: PATH first, then Debian's versioned folders.
    static let binaries: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var candidates = path.split(separator: ":").map(String.init)
        let debian = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? []
        candidates += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(debian)/\($0)/bin" }
        guard let folder = candidates.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") })
        else { return nil }
        // A symlink into the versioned folder, which also holds pg_isready and createdb.
        let initdb = URL(fileURLWithPath: "\(folder)/initdb").resolvingSymlinksInPath()
        return initdb.deletingLastPathComponent().path
    }()

    /// True when the tests can run PostgreSQL here. CI installs it, so there a missing server
    /// fails the run instead of skipping half the registry tests.
    static var isAvailable: Bool {
        binaries != nil || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// A new, empty database in the shared cluster, with `settings` (name to value) as its defaults.
    func makeDatabase(settings: [String: String] = [:]) async throws -> PostgresDataSource {
        let port = try await clusterPort()
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try TestProcess.run(
            Self.binaries,
            ["createdb", "-h", "127.0.0.1", "-p", "\(port)", "-U", "charter", name],
            asOwner: false
        )
        for (setting, value) in settings {
            try TestProcess.run(
                Self.binaries,
                [
                    "psql", "-h", "127.0.0.1", "-p", "\(port)", "-U", "charter", "-d", name, "-c",
                    "ALTER DATABASE \(name) SET \(setting) = '\(value)'",
                ],
                asOwner: false
            )
        }
        return try PostgresDataSource(
            parsing: "host=127.0.0.1 port=\(port) user=charter dbname=\(name) sslmode=disable"
        )
    }

    private func clusterPort() async throws -> Int {
        if let port { return try await port.value }
        let task = Task { try Self.start() }
        port = task
        return try await task.value
    }

    private static func start() throws -> Int {
        guard binaries != nil else {
            throw TestProcessError("initdb not found: install PostgreSQL (Scripts/bootstrap.sh does)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-pg-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 { try TestProcess.run(binaries, ["chown", "nobody", folder], asOwner: false) }
        let data = folder + "/data"
        try TestProcess.run(
            binaries,
            ["initdb", "-D", data, "-U", "charter", "-A", "trust", "-E", "UTF8", "--no-sync"],
            asOwner: true
        )
        let port = try TestProcess.freePort()
        // The tests check behaviour, not durability: no fsync keeps them quick.
        try TestProcess.serve(
            [
                "\(binaries ?? "")/postgres", "-D", data, "-p", "\(port)", "-k", folder, "-c",
                "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "max_connections=200",
            ],
            log: folder + "/log",
            stop: "INT",
            asOwner: true
        )
        for _ in 0..<300 {
            if (try? TestProcess.run(
                binaries,
                ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "\(port)"],
                asOwner: false
            )) != nil {
                return port
            }
            usleep(100_000)
        }
        throw TestProcessError("PostgreSQL did not start; see \(folder)/log")
    }
}
