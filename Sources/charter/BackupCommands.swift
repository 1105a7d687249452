// `charter server backup` and `charter server restore`: the embedded registry copied while the
// server runs, and put back into a home.

import ArgumentParser
import CharterCore
import CharterServer
import CharterStore
import Foundation

extension ServerCommand {
    /// The SQLite file a home's configuration names; a shared database is backed up with its
    /// own tools.
    static func sqliteDatabase(_ options: Options) throws -> String {
        let configuration = try options.effectiveConfiguration()
        guard let database = try ServerHome.sqlitePath(configuration: configuration, home: options.home) else {
            let tools =
                try configuration.db.kind() == .mysql
                ? "mariadb-dump --single-transaction (or mysqldump)" : "pg_dump or pg_basebackup"
            throw CharterError(
                .configuration,
                "This registry is on \(configuration.db.type): back it up with \(tools) (see docs/operators/backup-and-restore.md)"
            )
        }
        return database
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Copy the registry of a home, consistently, while its server runs (SQLite)."
        )
        @OptionGroup var options: Options

        @Option(help: "The backup file to write; it must not exist.")
        var to: String

        func run() async throws {
            do {
                let database = try ServerCommand.sqliteDatabase(options)
                let certificates = try SQLiteBackup.backup(database: database, to: to)
                print("Backed up \(database) to \(to): \(certificates) certificates")
            } catch let error as CharterError {
                printError(error)
                throw ExitCode.failure
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Install a backup as the registry of a home whose server is stopped (SQLite)."
        )
        @OptionGroup var options: Options

        @Option(help: "The backup file.")
        var from: String

        @Flag(help: "Replace a registry that holds data.")
        var force = false

        func run() async throws {
            do {
                let database = try ServerCommand.sqliteDatabase(options)
                let certificates = try SQLiteBackup.restore(from: from, to: database, force: force)
                print("Restored \(from) into \(database): \(certificates) certificates")
            } catch let error as CharterError {
                printError(error)
                throw ExitCode.failure
            }
        }
    }
}
