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
    var counter = FileCounter()
    /// The root, open, when this writer works on a subtree: its system calls then walk a path
    /// of two or three components instead of the whole path from `/`.
    var directory: OpenFolder?

    init(root: String) {
        self.root = root
    }

    func path(_ relative: String) -> String { "\(root)/\(relative)" }

    /// Creates a folder (0755) and any missing parents; one system call when the parent exists.
    func folder(_ relative: String) throws {
        if let directory {
            try FileWriter.makeFolder(relative, in: directory.descriptor, mode: 0o755)
        } else {
            try FileWriter.makeFolder(relative.isEmpty ? root : path(relative), mode: 0o755)
        }
    }

    /// A writer for the folder `relative` (created when missing), sharing this one's count.
    func subtree(_ relative: String) throws -> TreeWriter {
        try folder(relative)
        var subtree = TreeWriter(root: path(relative))
        subtree.counter = counter
        subtree.directory = try OpenFolder(subtree.root)
        return subtree
    }

    /// Writes a new file with `mode`.
    func file(_ relative: String, _ contents: String, mode: mode_t) throws {
        if let directory {
            try FileWriter.create(contents.utf8, at: relative, in: directory.descriptor, mode: mode)
        } else {
            try FileWriter.create(contents.utf8, at: path(relative), mode: mode)
        }
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

/// A folder held open for system calls relative to it; closed with its last user.
final class OpenFolder: Sendable {
    let descriptor: Int32

    init(_ path: String) throws {
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CharterError(.fileSystem, "Cannot open the folder \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }
}

/// Counts the files a writer creates.
final class FileCounter: Sendable {
    let files = Atomic<Int>(0)
}
