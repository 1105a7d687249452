// `charter log`: the transparency log from outside. `verifier` prints the key string followers
// configure; `proof` fetches and checks a certificate's inclusion proof and prints it in the
// C2SP tlog-proof format (exit 1 when the certificate is not logged or the proof fails).

import ArgumentParser
import CharterClient
import CharterCore
import CharterServer
import Foundation
import X509

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The CA's transparency log: its verifier key, and inclusion proofs of certificates.",
        subcommands: [Verifier.self, Proof.self, Monitor.self]
    )

    /// A client of the server at `url`, trusting these PEM files (comma-separated or repeated).
    static func connect(_ url: String, trusting files: [String]) throws -> CAClient {
        do {
            return try CAConnection(url: url, trusting: CAConnection.items(files)).client
        } catch let error as CharterError {
            printError(error)
            throw ExitCode.failure
        }
    }

    struct Verifier: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verifier",
            abstract: "Print the verifier key of a server home's log (give it to the consortium out of band)."
        )
        @Option(name: [.customShort("H"), .long], help: "Server home folder.")
        var home: String = ProcessInfo.processInfo.environment["CHARTER_HOME"] ?? "charter-home"

        func run() async throws {
            do {
                let configuration = try ServerConfiguration.load(
                    contentsOf: (home as NSString).appendingPathComponent(ServerHome.configFileName)
                )
                print(try ServerHome.logSigner(home: home, configuration: configuration).verifierKey)
            } catch let error as CharterError {
                printError(error)
                throw ExitCode.failure
            }
        }
    }

    struct Proof: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "proof",
            abstract: "Fetch and verify a certificate's inclusion proof; print it as a C2SP tlog-proof."
        )
        @Option(help: "The certificate (PEM).") var cert: String
        @Option(name: [.customShort("u"), .long], help: "URL of the CA server.") var url: String
        @Option(name: .customLong("tls.certfiles"), help: "PEM files trusted for the server's TLS certificate.")
        var tlsCertfiles: [String] = []
        @Option(name: .customLong("caname"), help: "Name of the CA on the server.") var caName = ""
        @Option(help: "The log's verifier key; without it, the key the server states is trusted (first use).")
        var verifier: String?

        func run() async throws {
            let client = try LogCommand.connect(url, trusting: tlsCertfiles)
            do {
                print(try await prove(client))
                await client.shutdown()
            } catch let error as CharterError {
                await client.shutdown()
                printError(error)
                throw ExitCode.failure
            }
        }

        func prove(_ client: CAClient) async throws -> String {
            let pem = try TextFile.read(cert, as: "the certificate")
            let certificate = try Certificate(pemEncoded: pem)
            guard let aki = try? certificate.extensions.authorityKeyIdentifier?.keyIdentifier,
                let serial = Hex.canonicalSerial(Hex.encode(certificate.serialNumber.bytes))
            else {
                throw CharterError(.invalidRequest, "\(cert) has no authority key identifier")
            }
            var key = verifier ?? ""
            if key.isEmpty { key = try await client.logInfo(caName: caName).verifierKey }
            let noteVerifier = try NoteVerifier(verifierKey: key)
            let answer = try await client.logInclusion(
                serial: serial,
                authorityKeyIdentifier: Hex.encode(Array(aki)),
                caName: caName
            )
            guard let body = noteVerifier.verify(answer.checkpoint), let checkpoint = Checkpoint(body: body) else {
                throw CharterError(.invalidResponse, "The checkpoint is not signed by the log key \(key)")
            }
            guard let entryBytes = Data(base64Encoded: answer.entry).map(Array.init),
                case .issuance(let issuance) = LogEntry(decoding: entryBytes),
                issuance.certificateDER == PEM.decode(pem.utf8, type: "CERTIFICATE")
            else {
                throw CharterError(
                    .invalidResponse,
                    "The log's entry \(answer.index) is not this certificate's issuance"
                )
            }
            let proof = answer.proof.compactMap { Data(base64Encoded: $0).map(Array.init) }
            guard proof.count == answer.proof.count,
                MerkleTree.verifyInclusion(
                    leaf: MerkleTree.leafHash(entryBytes),
                    index: answer.index,
                    size: checkpoint.size,
                    proof: proof,
                    root: checkpoint.root
                )
            else {
                throw CharterError(.invalidResponse, "The inclusion proof does not lead to the checkpoint's root")
            }
            return (["c2sp.org/tlog-proof@v1", "index \(answer.index)"] + answer.proof).joined(separator: "\n") + "\n\n"
                + answer.checkpoint
        }
    }

    struct Monitor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "monitor",
            abstract:
                "Follow a CA's log: verify each checkpoint and its consistency with the last one seen, report new issuances (loudly those matching --watch), keep evidence of equivocation."
        )
        @Option(name: [.customShort("u"), .long], help: "URL of the CA server.") var url: String
        @Option(help: "Folder for the pinned key, the last checkpoint, the leaves seen and any evidence.")
        var state: String
        @Option(name: .customLong("tls.certfiles"), help: "PEM files trusted for the server's TLS certificate.")
        var tlsCertfiles: [String] = []
        @Option(name: .customLong("caname"), help: "Name of the CA on the server.") var caName = ""
        @Option(help: "Pin this verifier key (default: the key the server states at first use).") var verifier: String?
        @Option(help: "Report issuances whose subject, SANs or enrollment ID contain this text (repeatable).")
        var watch: [String] = []
        @Flag(help: "Keep following, looking every --interval.") var daemon = false
        @Option(help: "How often to look with --daemon.") var interval = "30s"

        func run() async throws {
            let client = try LogCommand.connect(url, trusting: tlsCertfiles)
            let monitor = LogMonitor(client: client, state: state, caName: caName, watches: watch)
            do {
                let pause = try DurationText.parse(interval)
                repeat {
                    let report = try await monitor.poll(verifierKey: verifier)
                    for line in report.issuances { print(line) }
                    for line in report.revocations { print(line) }
                    for line in report.matches { print("WATCH MATCH: \(line)") }
                    print("checkpoint verified: \(report.size) entries")
                    if daemon { try await Task.sleep(for: pause) }
                } while daemon
                await client.shutdown()
            } catch let error as CharterError {
                await client.shutdown()
                printError(error)
                throw ExitCode.failure
            }
        }
    }
}
