// The registry implementations every registry test runs against.

import CharterPostgres
import CharterStore
import Foundation
import Testing

enum RegistryBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// SQLite always; PostgreSQL where it is installed (always in CI).
    static let all: [RegistryBackend] = TestPostgres.isAvailable ? allCases : [.sqlite]

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
        }
        try await registry.addAffiliations(affiliations)
        return registry
    }
}
