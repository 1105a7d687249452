// Writes the output tree with cryptogen's modes (folders 0755, certificates 0644, keys 0600)
// and refuses to overwrite: every file of a run is new. The generator runs under umask 022, so
// the modes given here are the modes on disk.

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
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw CharterError(.configuration, "Cannot create \(path): \(String(cString: strerror(errno)))")
        }
        try make(String(path[..<slash]))
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw CharterError(.configuration, "Cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes a new file with `mode`.
    func file(_ relative: String, _ contents: String, mode: mode_t) throws {
        let target = path(relative)
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw CharterError(.configuration, "Cannot create \(target): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        counter.files.add(1, ordering: .relaxed)
        let bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + offset, buffer.count - offset)
            }
            guard written > 0 else {
                throw CharterError(.configuration, "Cannot write \(target): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    func certificate(_ relative: String, _ pem: String) throws { try file(relative, pem, mode: 0o644) }
    func key(_ relative: String, _ pem: String) throws { try file(relative, pem, mode: 0o600) }
}

/// Counts the files a writer creates.
final class FileCounter: Sendable {
    let files = Atomic<Int>(0)
}
