// `generate` and `extend`: expand the config, issue in parallel on every core, write each org
// into a staging folder and move it into place only when all of it is written.

import CharterCore
import CharterStore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a cryptogen batch.
public struct CryptoGenerator: Sendable {
    /// What a run did.
    public struct Summary: Sendable {
        /// Certificates issued (CAs included).
        public var certificates: Int
        /// Files written.
        public var files: Int
        /// Organisations created from scratch.
        public var organisations: Int
        /// Nodes and users added to existing organisations (extend).
        public var addedMembers: Int
    }

    /// The parsed config.
    public let config: CryptoConfig
    /// The output folder.
    public let output: String
    /// Backdate of every certificate (clamped to its CA).
    public var backdate: Duration = ValidityWindow.defaultBackdate
    /// Write `node.env` files.
    public var environmentFiles = false
    /// Record every issued certificate in this Charter database.
    public var recordDatabase: String?
    /// Report progress on standard error (when it is a terminal).
    public var showProgress = false

    /// Creates a generator.
    public init(config: CryptoConfig, output: String) {
        self.config = config
        self.output = output
    }

    var plans: [OrgPlan] {
        get throws {
            try config.peerOrgs.map { try OrgPlan($0, kind: .peer) }
                + config.ordererOrgs.map { try OrgPlan($0, kind: .orderer) }
        }
    }

    /// Generates every org. An existing org folder is an error unless `force`, which replaces it.
    public func generate(force: Bool) async throws -> Summary {
        let plans = try self.plans
        let existing = plans.filter { FileManager.default.fileExists(atPath: "\(output)/\($0.folder)") }
        if !existing.isEmpty && !force {
            throw CharterError(
                .configuration,
                "\(output) already holds \(existing.map(\.folder).joined(separator: ", ")); regenerating would leave certificates "
                    + "signed by CAs that no longer exist. Use --force to regenerate everything, or `extend` to add to it"
            )
        }
        return try await run(plans.map { ($0, nil) }, replacing: Set(existing.map(\.folder)))
    }

    /// Adds what the config has and the output lacks; existing files are not touched.
    public func extend() async throws -> Summary {
        var work: [(OrgPlan, OrgMaterial?)] = []
        for plan in try plans {
            let folder = "\(output)/\(plan.folder)"
            work.append(
                (
                    plan,
                    FileManager.default.fileExists(atPath: folder)
                        ? try OrgMaterial.read(from: folder, plan: plan) : nil
                )
            )
        }
        return try await run(work, replacing: [])
    }

    /// One unit of parallel work: a member of an org whose material exists.
    struct Job: Sendable {
        let org: Int
        let member: OrgGenerator.Member
    }

    func run(_ work: [(OrgPlan, OrgMaterial?)], replacing: Set<String>) async throws -> Summary {
        let now = Date()
        let options = GenerationOptions(backdate: backdate, environmentFiles: environmentFiles)
        try FileWriter.makeFolder(output, mode: 0o755)
        let staging = "\(output)/.charter-staging-\(UUID().uuidString)"
        let writer = TreeWriter(root: staging)
        try writer.folder("")
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let progress = Progress(enabled: showProgress && isatty(STDERR_FILENO) == 1)

        // Every node and missing user, planned first so the progress bar knows the total.
        var jobs: [Job] = []
        let generators = work.map { OrgGenerator(plan: $0.0, options: options, now: now) }
        for (index, (plan, material)) in work.enumerated() {
            let base = "\(output)/\(plan.folder)"
            let members =
                plan.nodes.map { OrgGenerator.Member.node($0) }
                + plan.users.dropFirst().map { OrgGenerator.Member.user($0) }
            let adminMissing =
                material != nil && !FileManager.default.fileExists(atPath: "\(base)/users/\(plan.users[0])")
            for member in (adminMissing ? [.user(plan.users[0])] : []) + members {
                let exists =
                    material != nil
                    && FileManager.default.fileExists(atPath: "\(base)/\(generators[index].folder(of: member))")
                if !exists { jobs.append(Job(org: index, member: member)) }
            }
            if material != nil {
                for folder in [plan.kind.nodesFolder, "users"] { try writer.folder("\(plan.folder)/\(folder)") }
            }
        }
        // A new organisation issues two CAs and its Admin's two certificates; a member two.
        progress.total(work.filter { $0.1 == nil }.count * 4 + jobs.count * 2)

        // New organisations (CAs, org MSP, Admin) in parallel, before their members.
        let prepared = try await withThrowingTaskGroup(of: (Int, OrgMaterial, [CertificateRecord]).self) { group in
            for (index, (plan, material)) in work.enumerated() {
                let generator = generators[index]
                group.addTask {
                    if let material { return (index, material, []) }
                    try writer.folder(plan.kind.folder)
                    let (created, records) = try generator.createOrganisation(in: writer)
                    progress.add(records.count)
                    return (index, created, records)
                }
            }
            var result = [(OrgMaterial, [CertificateRecord])?](repeating: nil, count: work.count)
            for try await (index, material, records) in group { result[index] = (material, records) }
            return result.compactMap { $0 }
        }
        var records = prepared.flatMap(\.1)

        // Then the members, spread over the cores.
        let materials = prepared.map(\.0)
        let queue = JobQueue(jobs)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        records += try await withThrowingTaskGroup(of: [CertificateRecord].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var mine: [CertificateRecord] = []
                    while let job = queue.next() {
                        var material = materials[job.org]
                        mine += try generators[job.org].createMember(job.member, material: &material, in: writer)
                        progress.add(2)
                    }
                    return mine
                }
            }
            var all: [CertificateRecord] = []
            for try await part in group { all += part }
            return all
        }
        progress.finish()

        if let recordDatabase {
            try await SQLiteRegistry(path: recordDatabase).record(records)
        }
        // One sync of the staged tree instead of one per file: nothing is published before it is on disk.
        writer.sync()
        try publish(work: work, generators: generators, jobs: jobs, staging: staging, replacing: replacing)
        return Summary(
            certificates: records.count,
            files: writer.counter.files.load(ordering: .relaxed),
            organisations: work.filter { $0.1 == nil }.count,
            addedMembers: jobs.filter { work[$0.org].1 != nil }.count
        )
    }

    /// Moves staged folders into place: whole new orgs, or the new members of existing ones.
    func publish(
        work: [(OrgPlan, OrgMaterial?)],
        generators: [OrgGenerator],
        jobs: [Job],
        staging: String,
        replacing: Set<String>
    )
        throws
    {
        let manager = FileManager.default
        for (index, (plan, material)) in work.enumerated() {
            let target = "\(output)/\(plan.folder)"
            if material == nil {
                if replacing.contains(plan.folder) { try manager.removeItem(atPath: target) }
                try manager.createDirectory(atPath: "\(output)/\(plan.kind.folder)", withIntermediateDirectories: true)
                try move("\(staging)/\(plan.folder)", to: target)
            } else {
                for job in jobs where job.org == index {
                    let relative = "\(plan.folder)/\(generators[index].folder(of: job.member))"
                    try move("\(staging)/\(relative)", to: "\(output)/\(relative)")
                }
            }
        }
    }

    func move(_ source: String, to target: String) throws {
        guard rename(source, target) == 0 else {
            throw CharterError(
                .configuration,
                "Cannot move \(source) to \(target): \(String(cString: strerror(errno)))"
            )
        }
    }
}

/// Hands out jobs to the worker tasks, each exactly once.
final class JobQueue: Sendable {
    let jobs: [CryptoGenerator.Job]
    let cursor = Atomic<Int>(0)

    init(_ jobs: [CryptoGenerator.Job]) { self.jobs = jobs }

    func next() -> CryptoGenerator.Job? {
        let index = cursor.add(1, ordering: .relaxed).oldValue
        return index < jobs.count ? jobs[index] : nil
    }
}

/// A progress bar on standard error for large runs; silent when not on a terminal.
final class Progress: Sendable {
    let enabled: Bool
    let done = Atomic<Int>(0)
    let expected = Atomic<Int>(0)
    let shown = Atomic<Int>(-1)

    init(enabled: Bool) { self.enabled = enabled }

    func total(_ count: Int) { expected.store(count, ordering: .relaxed) }

    func add(_ count: Int) {
        guard enabled else { return }
        let value = done.add(count, ordering: .relaxed).newValue
        let total = max(expected.load(ordering: .relaxed), 1)
        let percent = min(100, value * 100 / total)
        if shown.exchange(percent, ordering: .relaxed) != percent {
            let bar = String(repeating: "#", count: percent / 4) + String(repeating: ".", count: 25 - percent / 4)
            FileHandle.standardError.write(Data("\r[\(bar)] \(percent)% \(value)/\(total) certificates".utf8))
        }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
