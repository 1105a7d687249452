// Load generator for a running Charter (or fabric-ca) server: enroll with a user-chosen secret
// (bcrypt), enroll with a server-generated secret (keyed hash), and reenroll, each at 1, 8 and 32
// concurrent keep-alive HTTPS clients. Prints throughput, latency percentiles and the server's
// CPU time per operation (read from /proc/<pid>/stat): of every `--pid` (replicas, a balancer)
// and, with `--db-pid`, of a database server and all its children (PostgreSQL's backends).

import CharterClient
import CharterCore
import Foundation

@main
struct EnrollBenchmark {
    struct Options {
        var url = "https://localhost:7054"
        var caFile = "charter-home/ca-cert.pem"
        /// Server processes whose CPU and memory count: replicas, a balancer.
        var pids: [Int32] = []
        /// A database's main process: its CPU and its children's are reported apart.
        var databasePID: Int32?
        var seconds = 5.0
        var concurrency = [1, 8, 32]
        var admin = "admin:adminpw"
        var modes: [Mode] = [.enrollBcrypt, .enrollGenerated, .reenroll]
        /// The server's commit durability, printed in the closing line (the load cannot observe it).
        var durability = "unknown"

        init(_ arguments: [String]) throws {
            var iterator = arguments.makeIterator()
            while let flag = iterator.next() {
                guard let value = iterator.next() else { throw BenchmarkError("\(flag) needs a value") }
                switch flag {
                case "--url": url = value
                case "--ca": caFile = value
                case "--pid": pids = value.split(separator: ",").compactMap { Int32($0) }
                case "--db-pid": databasePID = Int32(value)
                case "--seconds": seconds = Double(value) ?? seconds
                case "--clients": concurrency = value.split(separator: ",").compactMap { Int($0) }
                case "--admin": admin = value
                case "--durability": durability = value
                case "--modes":
                    modes = try value.split(separator: ",").map { name in
                        guard let mode = Mode(rawValue: String(name)) else {
                            throw BenchmarkError("unknown mode \(name)")
                        }
                        return mode
                    }
                default: throw BenchmarkError("unknown flag \(flag)")
                }
            }
        }
    }

    struct BenchmarkError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    enum Mode: String, CaseIterable {
        case enrollBcrypt = "enroll-bcrypt"
        case enrollGenerated = "enroll-generated"
        case reenroll
        /// Not an enrollment: the cost of the HTTPS round trip and routing alone, for comparison.
        case cainfo
    }

    static let usage = """
        usage: EnrollBenchmark --url URL --ca FILE --pid PID[,PID…] [--db-pid PID] [--seconds N]
                               [--clients 1,8,32] [--modes \(Mode.allCases.map(\.rawValue).joined(separator: ","))]
                               [--admin USER:SECRET] [--durability TEXT]
        """

    static func main() async throws {
        let options: Options
        let url: URL
        do {
            options = try Options(Array(CommandLine.arguments.dropFirst()))
            guard let parsed = URL(string: options.url) else {
                throw BenchmarkError("--url \(options.url) is not a URL")
            }
            url = parsed
        } catch {
            FileHandle.standardError.write(Data("EnrollBenchmark: \(error)\n\(usage)\n".utf8))
            exit(2)
        }
        let client = try CAClient(url: url, trustedCertificates: [options.caFile], connections: 64)
        do {
            try await run(options, api: API(client: client))
            await client.shutdown()
        } catch {
            await client.shutdown()
            FileHandle.standardError.write(Data("EnrollBenchmark: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options, api: API) async throws {

        let parts = options.admin.split(separator: ":", maxSplits: 1).map(String.init)
        // The server's resident memory before any load: its idle footprint.
        let idleRSS = total(options.pids) { memory($0, "VmRSS") }
        let admin = try await api.enroll(id: parts[0], secret: parts.count > 1 ? parts[1] : "")
        let maxClients = options.concurrency.max() ?? 1
        let run = UUID().uuidString.prefix(8)

        // Identities per mode: one per client, reused across requests (max enrollments unlimited).
        var chosen: [(String, String)] = []
        var generated: [(String, String)] = []
        for i in 0..<maxClients {
            let a = "bench-\(run)-b\(i)"
            chosen.append((a, try await api.register(admin, id: a, secret: "secret-\(i)")))
            let b = "bench-\(run)-g\(i)"
            generated.append((b, try await api.register(admin, id: b, secret: nil)))
        }
        var enrolled: [Enrolled] = []
        for (id, secret) in generated { enrolled.append(try await api.enroll(id: id, secret: secret)) }

        let (bcryptIdentities, generatedIdentities, enrolledIdentities) = (chosen, generated, enrolled)
        var summary: [String] = []
        for mode in options.modes {
            for clients in options.concurrency {
                let result = try await measure(clients: clients, seconds: options.seconds, options: options) { index in
                    switch mode {
                    case .enrollBcrypt:
                        _ = try await api.enroll(id: bcryptIdentities[index].0, secret: bcryptIdentities[index].1)
                    case .enrollGenerated:
                        _ = try await api.enroll(id: generatedIdentities[index].0, secret: generatedIdentities[index].1)
                    case .reenroll:
                        try await api.reenroll(enrolledIdentities[index])
                    case .cainfo:
                        _ = try await api.client.caInfo()
                    }
                }
                print(result.line(mode: mode.rawValue, clients: clients))
                summary.append("\(mode.rawValue)@\(clients)=\(String(format: "%.0f", result.opsPerSecond))/s")
            }
        }
        let peakRSS = total(options.pids) { memory($0, "VmHWM") }
        let megabytes = { (kilobytes: Double?) in kilobytes.map { String(format: "%.1f", $0 / 1024) } ?? "?" }
        print(
            "enroll-benchmark: durability=\(options.durability) rss_idle_mb=\(megabytes(idleRSS)) "
                + "rss_peak_mb=\(megabytes(peakRSS)) " + summary.joined(separator: " ")
        )
    }

    struct Result {
        var operations: Int
        var elapsed: Double
        var latencies: [Double]
        var serverCPUSeconds: Double?
        var databaseCPUSeconds: Double?

        var opsPerSecond: Double { Double(operations) / elapsed }

        func percentile(_ p: Double) -> Double {
            let sorted = latencies.sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
        }

        func line(mode: String, clients: Int) -> String {
            let perOperation = { (seconds: Double?) in
                seconds.map { String(format: "%.3f", $0 * 1000 / Double(max(operations, 1))) } ?? "n/a"
            }
            let database = databaseCPUSeconds == nil ? "" : " db_cpu_ms_per_op=" + perOperation(databaseCPUSeconds)
            return String(
                format: "mode=%@ clients=%d ops=%d ops_per_s=%.1f p50_ms=%.2f p99_ms=%.2f server_cpu_ms_per_op=%@%@",
                mode,
                clients,
                operations,
                opsPerSecond,
                percentile(0.5),
                percentile(0.99),
                perOperation(serverCPUSeconds),
                database
            )
        }
    }

    /// Runs `clients` loops for `seconds`, each calling `operation(clientIndex)` back to back.
    static func measure(
        clients: Int,
        seconds: Double,
        options: Options,
        operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> Result {
        let servers = { total(options.pids, cpuSeconds) }
        let database = { options.databasePID.flatMap { total([$0] + descendants(of: $0), cpuSeconds) } }
        let (cpuBefore, databaseBefore) = (servers(), database())
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for index in 0..<clients {
                group.addTask {
                    var mine: [Double] = []
                    while Date() < deadline {
                        let begin = Date()
                        try await operation(index)
                        mine.append(Date().timeIntervalSince(begin))
                    }
                    return mine
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = Date().timeIntervalSince(start)
        let difference = { (before: Double?, after: Double?) in before.flatMap { b in after.map { $0 - b } } }
        return Result(
            operations: latencies.count,
            elapsed: elapsed,
            latencies: latencies,
            serverCPUSeconds: difference(cpuBefore, servers()),
            databaseCPUSeconds: difference(databaseBefore, database())
        )
    }

    /// The sum of a figure over processes; nil when there are none or one cannot be read.
    static func total(_ pids: [Int32], _ figure: (Int32) -> Double?) -> Double? {
        guard !pids.isEmpty else { return nil }
        var sum = 0.0
        for pid in pids {
            guard let value = figure(pid) else { return nil }
            sum += value
        }
        return sum
    }

    /// Every descendant of a process (PostgreSQL's postmaster, its backends and workers), from /proc.
    static func descendants(of root: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var parents: [Int32: Int32] = [:]
        for pid in entries.compactMap({ Int32($0) }) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[pid] = parent }
        }
        var found: Set<Int32> = [root]
        var changed = true
        while changed {
            changed = false
            for (pid, parent) in parents where found.contains(parent) && !found.contains(pid) {
                found.insert(pid)
                changed = true
            }
        }
        found.remove(root)
        return Array(found)
    }

    /// utime + stime of a process, from /proc/<pid>/stat (Linux).
    /// A `/proc/<pid>/status` figure in kB: `VmRSS` (resident now) or `VmHWM` (peak resident).
    static func memory(_ pid: Int32, _ field: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        }
        return nil
    }

    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // after the command: state is field 3, utime 14, stime 15 (1-based over the whole line)
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// An enrolled identity, for token-authenticated calls.
struct Enrolled: Sendable {
    let id: String
    let identity: ClientIdentity
    /// One CSR per identity, reused: the server's cost per request does not depend on it.
    let csrPEM: String
}

/// The few fabric-ca calls the benchmark makes, through Charter's client.
struct API: Sendable {
    let client: CAClient

    func enroll(id: String, secret: String) async throws -> Enrolled {
        let key = SigningKey.generate()
        let csr = try CertificateRequestBuilder.pem(key: key, commonName: id, names: [], hosts: [])
        let response = try await client.enroll(id: id, secret: secret, EnrollmentRequest(certificateRequest: csr))
        guard let pem = Data(base64Encoded: response.cert) else {
            throw EnrollBenchmark.BenchmarkError("enroll returned no certificate")
        }
        return Enrolled(
            id: id,
            identity: ClientIdentity(key: key, certificatePEM: String(decoding: pem, as: UTF8.self)),
            csrPEM: csr
        )
    }

    func reenroll(_ enrolled: Enrolled) async throws {
        _ = try await client.reenroll(EnrollmentRequest(certificateRequest: enrolled.csrPEM), as: enrolled.identity)
    }

    func register(_ registrar: Enrolled, id: String, secret: String?) async throws -> String {
        try await client.register(
            RegistrationRequest(id: id, secret: secret, affiliation: "org1"),
            as: registrar.identity
        ).secret
    }
}
