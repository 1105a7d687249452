// A private MariaDB server for the registry tests: a data folder made with `mariadb-install-db`
// in a temporary folder, served on a free loopback port the first time a test asks, shared by
// the test process, stopped by a watcher when the process ends. Each test gets a database of
// its own, which the registry creates.

import CharterMySQL
import Foundation

actor TestMySQL {
    static let shared = TestMySQL()

    private var port: Task<Int, any Error>?

    /// The MariaDB server program, where Debian installs it.
    static let server: String? = ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// True when the tests can run MariaDB here. CI installs it, so there a missing server fails
    /// the run instead of skipping a third of the registry tests.
    static var isAvailable: Bool {
        server != nil || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// The datasource of a new database (created by the registry on first use), as fabric-ca writes it.
    func makeDatabase() async throws -> MySQLDataSource {
        let port = try await serverPort()
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try MySQLDataSource(parsing: "root@tcp(127.0.0.1:\(port))/\(name)?parseTime=true")
    }

    private func serverPort() async throws -> Int {
        if let port { return try await port.value }
        let task = Task { try Self.start() }
        port = task
        return try await task.value
    }

    private static func start() throws -> Int {
        guard let server else {
            throw TestProcessError("mariadbd not found: install mariadb-server (Scripts/bootstrap.sh does)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-mysql-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = folder + "/data"
        let user = getuid() == 0 ? ["--user=root"] : []
        try TestProcess.run(
            nil,
            [
                "mariadb-install-db", "--no-defaults", "--datadir=\(data)", "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ] + user,
            asOwner: false
        )
        let port = try TestProcess.freePort()
        // The tests check behaviour, not durability: commits wait for the redo log's write
        // (innodb_flush_log_at_trx_commit=1, as in production) but nothing is synced to disk.
        try TestProcess.serve(
            [
                server, "--no-defaults", "--datadir=\(data)", "--socket=\(folder)/socket", "--port=\(port)",
                "--bind-address=127.0.0.1", "--pid-file=\(folder)/pid", "--innodb-flush-method=nosync",
                "--innodb-buffer-pool-size=64M", "--performance-schema=off", "--skip-log-bin",
                "--max-connections=500",
            ] + user,
            log: folder + "/log",
            stop: "TERM",
            asOwner: false
        )
        for _ in 0..<300 {
            let ping = ["mariadb-admin", "--no-defaults", "-h", "127.0.0.1", "-P", "\(port)", "-u", "root", "ping"]
            if (try? TestProcess.run(nil, ping, asOwner: false)) != nil { return port }
            usleep(100_000)
        }
        throw TestProcessError("MariaDB did not start; see \(folder)/log")
    }
}

extension TestMySQL {
    /// Runs SQL as root with the `mariadb` client (set-up a test needs outside the registry);
    /// statements end with `$$`, so a compound statement may hold `;`.
    func execute(_ sql: String) async throws {
        let port = try await serverPort()
        try TestProcess.run(
            nil,
            [
                "mariadb", "--no-defaults", "--delimiter=$$", "-h", "127.0.0.1", "-P", "\(port)", "-u", "root", "-e",
                sql,
            ],
            asOwner: false
        )
    }
}
