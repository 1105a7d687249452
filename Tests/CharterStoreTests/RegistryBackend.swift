// The registry implementations every registry test runs against.

import CharterMySQL
import CharterPostgres
import CharterStore
import Foundation
import Testing

enum RegistryBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres
    case mysql

    /// SQLite always; PostgreSQL and MySQL (MariaDB) where they are installed (always in CI).
    static let all: [RegistryBackend] = [.sqlite] + shared

    /// The servers several replicas share.
    static let shared: [RegistryBackend] =
        (TestPostgres.isAvailable ? [.postgres] : []) + (TestMySQL.isAvailable ? [.mysql] : [])

    var testDescription: String { rawValue }

    /// A fresh, empty registry with these affiliations.
    func open(affiliations: [String] = []) async throws -> any Registry {
        let registry: any Registry
        switch self {
        case .sqlite:
            registry = try SQLiteRegistry(
                path: FileManager.default.temporaryDirectory.appendingPathComponent(
                    "charter-store-\(UUID().uuidString).db"
                )
                .path
            )
        case .postgres:
            registry = try await PostgresRegistry(try await TestPostgres.shared.makeDatabase(), maximumConnections: 8)
        case .mysql:
            registry = try await MySQLRegistry(try await TestMySQL.shared.makeDatabase(), maximumConnections: 8)
        }
        try await registry.addAffiliations(affiliations)
        return registry
    }

    /// Two registries on one new, empty database: two replicas.
    func replicas() async throws -> (any Registry, any Registry) {
        switch self {
        case .sqlite:
            throw TestProcessError("SQLite is one server's registry")
        case .postgres:
            let database = try await TestPostgres.shared.makeDatabase()
            async let first = PostgresRegistry(database, maximumConnections: 8)
            async let second = PostgresRegistry(database, maximumConnections: 8)
            return try await (first, second)
        case .mysql:
            let database = try await TestMySQL.shared.makeDatabase()
            async let first = MySQLRegistry(database, maximumConnections: 8)
            async let second = MySQLRegistry(database, maximumConnections: 8)
            return try await (first, second)
        }
    }
}
