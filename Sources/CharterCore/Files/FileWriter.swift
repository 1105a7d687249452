// The one way Charter puts keys, certificates and configuration on disk: the server home, the
// client's MSP folders and cryptogen's trees all write through it, so a key is never readable by
// others for an instant, a crash never leaves half a file, and nothing depends on the umask.

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creates files and folders with exact modes.
///
/// Every file is created with `O_CREAT | O_EXCL` and its final mode at `open`, then `fchmod`ed to
/// that mode (the umask may only remove bits, never add them), so there is no window in which a
/// private key is readable by anyone else. ``write(_:to:mode:sync:)`` writes a temporary sibling
/// and renames it over the target, so readers see the old file or the new one, never a mix.
/// No process-wide state (the umask, the working directory) is read or changed.
public enum FileWriter {
    /// Writes `bytes` to `path` atomically, replacing any file there.
    ///
    /// - Parameter sync: fsync the file before the rename and the folder after it, so the new
    ///   contents survive a power cut once this returns.
    public static func write(_ bytes: some Collection<UInt8>, to path: String, mode: mode_t, sync: Bool = true) throws {
        let temporary = path + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        do {
            try create(bytes, at: temporary, mode: mode, sync: sync)
            guard rename(temporary, path) == 0 else { throw failure("rename to", path) }
        } catch {
            unlink(temporary)
            throw error
        }
        if sync { syncFolder(of: path) }
    }

    /// Writes `text` (UTF-8) to `path` atomically; see ``write(_:to:mode:sync:)``.
    public static func write(_ text: String, to path: String, mode: mode_t, sync: Bool = true) throws {
        try write(Array(text.utf8), to: path, mode: mode, sync: sync)
    }

    /// Creates a new file holding `bytes`; fails when `path` exists. For trees built in a staging
    /// folder, where every file is new and the folder is synced and renamed into place whole.
    ///
    /// - Parameter directory: an open folder a relative `path` starts from (the kernel then walks
    ///   only the path's last components); by default the working directory.
    public static func create(
        _ bytes: some Collection<UInt8>,
        at path: String,
        in directory: Int32 = AT_FDCWD,
        mode: mode_t,
        sync: Bool = false
    ) throws {
        let fd = openat(directory, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("create", path) }
        defer { close(fd) }
        if !umaskKeeps(mode) {
            guard fchmod(fd, mode) == 0 else { throw failure("set the mode of", path) }
        }
        let written =
            bytes.withContiguousStorageIfAvailable { writeAll(fd, $0) }
            ?? Array(bytes).withUnsafeBufferPointer { writeAll(fd, $0) }
        guard written else { throw failure("write", path) }
        if sync {
            guard fsync(fd) == 0 else { throw failure("sync", path) }
        }
    }

    /// Creates a folder and its missing parents with `mode`, and sets an existing folder's mode
    /// to `mode` when `enforce` is true (a home or MSP folder that must be private). A relative
    /// `path` starts from `directory`, by default the working directory.
    public static func makeFolder(
        _ path: String,
        in directory: Int32 = AT_FDCWD,
        mode: mode_t,
        enforce: Bool = false
    ) throws {
        if mkdirat(directory, path, mode) == 0 {
            if !umaskKeeps(mode) {
                guard fchmodat(directory, path, mode, 0) == 0 else { throw failure("set the mode of", path) }
            }
            return
        }
        switch errno {
        case EEXIST:
            var status = stat()
            guard fstatat(directory, path, &status, 0) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
                throw CharterError(.fileSystem, "Cannot create the folder \(path): a file of that name exists")
            }
            if enforce, status.st_mode & 0o7777 != mode {
                guard fchmodat(directory, path, mode, 0) == 0 else { throw failure("set the mode of", path) }
            }
        case ENOENT:
            guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
                throw failure("create the folder", path)
            }
            // Parents are ordinary folders: 0755 unless they are the private folder itself.
            try makeFolder(String(path[..<slash]), in: directory, mode: mode | 0o755)
            try makeFolder(path, in: directory, mode: mode, enforce: enforce)
        default:
            throw failure("create the folder", path)
        }
    }

    /// Sets a file's mode when it exists (a database's `-wal` and `-shm` files, an old key).
    public static func restrict(_ path: String, mode: mode_t) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return }
            throw failure("read the mode of", path)
        }
        if status.st_mode & 0o7777 == mode { return }
        if chmod(path, mode) == 0 { return }
        // A file mounted read-only (a Kubernetes Secret) keeps the mode its mount gives: accepted
        // when it grants nothing to others, refused otherwise.
        if errno == EROFS || errno == EPERM, status.st_mode & 0o007 == 0 { return }
        throw failure("set the mode of", path)
    }

    /// Makes a rename durable: the folder entry is on disk once its folder is synced.
    static func syncFolder(of path: String) {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// The process umask, read once from `/proc/self/status` (reading it with `umask(2)` would
    /// change it); nil where that file does not say, and then every mode is set explicitly.
    static let processUmask: mode_t? = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("Umask:") {
            return line.split(separator: "\t").last.flatMap {
                mode_t($0.trimmingSpaces, radix: 8)
            }
        }
        return nil
    }()

    /// True when creating with `mode` already gives exactly `mode`: the umask strips none of its
    /// bits, so the extra `chmod` (one system call per file of a cryptogen tree) can be skipped.
    static func umaskKeeps(_ mode: mode_t) -> Bool {
        guard let mask = processUmask else { return false }
        return mode & mask == 0
    }

    static func failure(_ action: String, _ path: String) -> CharterError {
        CharterError(.fileSystem, "Cannot \(action) \(path): \(String(cString: strerror(errno)))")
    }
}

/// Writes the whole buffer, resuming after interrupted or partial writes.
private func writeAll(_ fd: Int32, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = buffer.baseAddress else { return true }
    var offset = 0
    while offset < buffer.count {
        let written = write(fd, base + offset, buffer.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
    }
    return true
}
