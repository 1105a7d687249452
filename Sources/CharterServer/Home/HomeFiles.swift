// File access relative to the server home, with the modes a CA's files need.

import CharterCore
import Foundation

/// Reads and writes files under a root folder; absolute paths are used as given.
///
/// Public so that whatever else builds a home (the fabric-ca import) writes it the same way.
public struct HomeFiles: Sendable {
    /// The home folder.
    public let root: String

    /// Files under `root`.
    public init(root: String) {
        self.root = root
    }

    /// `path` under the root, or as given when absolute.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (root as NSString).appendingPathComponent(path)
    }

    /// True when the file exists.
    public func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: resolve(path))
    }

    /// The file's text.
    public func read(_ path: String) throws -> String {
        try TextFile.read(resolve(path))
    }

    /// Creates a folder; `private` folders (the home, the keystore) are 0700, even when they existed.
    public func makeDirectory(_ path: String, private: Bool = false) throws {
        try FileWriter.makeFolder(resolve(path), mode: `private` ? 0o700 : 0o755, enforce: `private`)
    }

    /// Writes atomically and durably with the file's final mode from its creation.
    public func write(_ path: String, _ contents: String, mode: mode_t) throws {
        try FileWriter.write(contents, to: resolve(path), mode: mode)
    }
}
