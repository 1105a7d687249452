// Reads another application's tables (fabric-ca's registry, for an import) from a MySQL
// database: the caller's fixed statements, on one connection, in one snapshot.

import CharterCore
import NIOPosix

/// Read-only access to a MySQL database that is not Charter's.
public enum MySQLTableReader {
    /// The rows of each statement, each row its columns' bytes (a NULL column absent).
    ///
    /// Statements are `StaticString`s: nothing a user typed can become SQL. Times read in the
    /// server's own time zone, the one the writing application's sessions had.
    public static func read(
        _ source: MySQLDataSource,
        tls: MySQLRegistry.TLSFiles = MySQLRegistry.TLSFiles(),
        _ statements: [StaticString]
    ) async throws -> [[[String: [UInt8]]]] {
        let queries = statements.map { MySQLQuery(verbatim: $0.description) }
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                let connection = try MySQLConnection(source, tls: tls, database: source.database)
                try connection.execute("SET time_zone = @@GLOBAL.time_zone")
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                try connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                defer { _ = try? connection.execute("ROLLBACK") }
                return try queries.map { query in
                    let result = try connection.execute(query)
                    return result.rows.map { values in
                        var row: [String: [UInt8]] = [:]
                        for (column, value) in zip(result.columns, values) where value != nil { row[column] = value }
                        return row
                    }
                }
            }
        } catch {
            throw MySQLRegistry.storageError(error, source)
        }
    }
}
