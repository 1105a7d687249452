// File access relative to the server home, with the modes a CA's files need.

import CharterCore
import Foundation

/// Reads and writes files under a root folder; absolute paths are used as given.
struct HomeFiles: Sendable {
    let root: String

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (root as NSString).appendingPathComponent(path)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: resolve(path))
    }

    func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: resolve(path), encoding: .utf8)
        } catch {
            throw CharterError(.configuration, "Cannot read \(resolve(path)): \(error.localizedDescription)")
        }
    }

    func list(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: resolve(folder))) ?? []
        return names.sorted().map { (folder as NSString).appendingPathComponent($0) }
    }

    func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: resolve(path), withIntermediateDirectories: true)
        } catch {
            throw CharterError(.configuration, "Cannot create \(resolve(path)): \(error.localizedDescription)")
        }
    }

    /// Writes through a temporary file and a rename, so a crash never leaves half a key behind.
    func write(_ path: String, _ contents: String, mode: Int) throws {
        let target = resolve(path)
        let temporary = target + ".tmp-\(UUID().uuidString)"
        let created = FileManager.default.createFile(
            atPath: temporary,
            contents: Data(contents.utf8),
            attributes: [.posixPermissions: mode]
        )
        guard created, rename(temporary, target) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CharterError(.configuration, "Cannot write \(target) (errno \(errno))")
        }
    }
}
