// Writes the output tree with cryptogen's modes (folders 0755, certificates 0644, keys 0600)
// and refuses to overwrite: every file of a run is new. Modes are exact whatever the umask.

import CharterCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creates folders and files below a root.
struct TreeWriter: Sendable {
    let root: String
    /// Files written so far, for the run's summary.
    let counter = FileCounter()

    func path(_ relative: String) -> String { "\(root)/\(relative)" }

    /// Creates a folder (0755) and any missing parents; one system call when the parent exists.
    func folder(_ relative: String) throws {
        try make(relative.isEmpty ? root : path(relative))
    }

    func make(_ path: String) throws {
        try FileWriter.makeFolder(path, mode: 0o755)
    }

    /// Writes a new file with `mode`.
    func file(_ relative: String, _ contents: String, mode: mode_t) throws {
        try FileWriter.create(contents.utf8, at: path(relative), mode: mode)
        counter.files.add(1, ordering: .relaxed)
    }

    /// Flushes everything written so far to disk, once for the whole tree instead of once a file.
    func sync() {
        #if canImport(Glibc)
            Glibc.sync()
        #else
            Darwin.sync()
        #endif
    }

    func certificate(_ relative: String, _ pem: String) throws { try file(relative, pem, mode: 0o644) }
    func key(_ relative: String, _ pem: String) throws { try file(relative, pem, mode: 0o600) }
}

/// Counts the files a writer creates.
final class FileCounter: Sendable {
    let files = Atomic<Int>(0)
}
