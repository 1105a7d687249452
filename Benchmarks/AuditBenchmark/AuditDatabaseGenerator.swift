// Fills a Charter database with N signed certificate records (and writes the CA beside it), so
// `charter audit --db` can be measured on a registry of any size.
// Usage: AuditDatabaseGenerator <count> <folder>

import CharterCore
import CharterStore
import Foundation

@main
struct AuditDatabaseGenerator {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, let count = Int(arguments[1]) else {
            FileHandle.standardError.write(Data("usage: AuditDatabaseGenerator <count> <folder>\n".utf8))
            exit(2)
        }
        let folder = arguments[2]
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let authority = try CertificateAuthority.selfSigned(
            subject: try SubjectPolicy.subject(from: .init(), enrollmentID: "benchmark-ca", type: "", affiliation: "")
        )
        try authority.chainPEM.write(toFile: "\(folder)/ca-cert.pem", atomically: true, encoding: .utf8)
        let registry = try SQLiteRegistry(path: "\(folder)/charter.db")
        // A few subject keys serve every record: the audit's cost is per certificate, not per key.
        let keys = (0..<16).map { _ in SigningKey.generate().publicKey }
        let start = Date()
        let batch = 10_000
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var written = 0
        while written < count {
            let size = min(batch, count - written)
            let offset = written
            let records = try await withThrowingTaskGroup(of: [CertificateRecord].self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var part: [CertificateRecord] = []
                        for index in stride(from: worker, to: size, by: workers) {
                            let number = offset + index
                            var profile = number % 3 == 0 ? SigningProfile.tls : SigningProfile.enrollment
                            profile.expiry = .hours(Int64(24 * (7 + number % 720)))
                            let issued = try authority.issue(
                                IssuanceRequest(
                                    publicKey: keys[number % keys.count],
                                    subject: try SubjectPolicy.subject(
                                        from: .init(),
                                        enrollmentID: "user\(number)",
                                        type: "client",
                                        affiliation: "org1"
                                    ),
                                    subjectAlternativeNames: profile.name == "tls"
                                        ? [.dnsName("user\(number).example.com")] : [],
                                    profile: profile
                                )
                            )
                            part.append(CertificateRecord(issued, enrollmentID: "user\(number)", caName: ""))
                        }
                        return part
                    }
                }
                var all: [CertificateRecord] = []
                for try await part in group { all += part }
                return all
            }
            try await registry.record(records)
            written += size
            if written % 100_000 == 0 || written == count {
                FileHandle.standardError.write(Data("generated \(written)/\(count) records\r".utf8))
            }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        print(String(format: "generated=%d seconds=%.1f", count, Date().timeIntervalSince(start)))
    }
}
