// Writes the output tree with cryptogen's modes (folders 0755, certificates 0644, keys 0600),
// whatever the umask, and refuses to overwrite: every file of a run is new.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CharterCore
import Foundation

/// Creates folders and files below a root.
struct TreeWriter: Sendable {
    let root: String

    func path(_ relative: String) -> String { "\(root)/\(relative)" }

    /// Creates a folder and its missing parents below the root (and the root itself), each 0755.
    func folder(_ relative: String) throws {
        try make(root)
        var current = root
        for part in relative.split(separator: "/") {
            current += "/\(part)"
            try make(current)
        }
    }

    func make(_ path: String) throws {
        if mkdir(path, 0o755) == 0 {
            chmod(path, 0o755)
        } else if errno != EEXIST {
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
        fchmod(fd, mode)
        var bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else {
                throw CharterError(.configuration, "Cannot write \(target): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    func certificate(_ relative: String, _ pem: String) throws { try file(relative, pem, mode: 0o644) }
    func key(_ relative: String, _ pem: String) throws { try file(relative, pem, mode: 0o600) }
}
