// `charter server import`: moves a fabric-ca-server home and registry into a new Charter home.

import ArgumentParser
import CharterCore
import CharterImport
import CharterPostgres
import CharterServer
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import a fabric-ca-server home: CA key and certificate, TLS pair, configuration, identities (with their bcrypt secrets), affiliations and certificates."
    )

    @Option(help: "The fabric-ca-server home folder.") var from: String
    @Option(
        name: .customLong("from-db"),
        help: "fabric-ca's PostgreSQL or MySQL datasource, when its registry is not the home's SQLite file."
    ) var fromDB: String?
    @Option(name: [.customShort("H"), .long], help: "The new Charter home; it must not exist or be empty.")
    var home: String = ProcessInfo.processInfo.environment["CHARTER_HOME"] ?? "charter-home"
    @Option(name: .customLong("db.type"), help: "The new home's registry: sqlite3 (default), postgres or mysql.")
    var dbType: String?
    @Option(name: .customLong("db.datasource"), help: "The new registry's datasource (SQLite file or PostgreSQL).")
    var dbDatasource: String?
    @Flag(
        name: .customLong("skip-invalid"),
        help: "Import the rows that pass Charter's input rules and list the others (default: refuse the whole import)."
    )
    var skipInvalid = false

    func run() async throws {
        do {
            var targetDB: ServerConfiguration.DB?
            if dbType != nil || dbDatasource != nil {
                var db = ServerConfiguration.DB()
                db.type = dbType ?? db.type
                db.datasource = dbDatasource ?? db.datasource
                targetDB = db
            }
            let importer = FabricCAImporter(
                source: from,
                sourceDatabase: try fromDB.map(FabricCADatabase.parsing),
                target: home,
                targetDB: targetDB,
                skipInvalid: skipInvalid
            )
            let summary = try await importer.run()
            for refusal in summary.refused {
                FileHandle.standardError.write(Data("Not imported: \(refusal)\n".utf8))
            }
            print(
                "Imported \(from) into \(home): \(summary.identities) identities, \(summary.affiliations) affiliations, \(summary.certificates) certificates (\(summary.revoked) revoked)\(summary.refused.isEmpty ? "" : ", \(summary.refused.count) rows refused")"
            )
        } catch let error as CharterError {
            printError(error)
            throw ExitCode.failure
        }
    }
}
