// Reading the text files operators hand Charter (configs, CA and secret files): one place that
// turns a missing or unreadable file into an error naming it.

import Foundation

/// Reads UTF-8 text files.
public enum TextFile {
    /// The file's text; throws a configuration error naming the file (and `what` it is, when given).
    public static func read(_ path: String, as what: String? = nil) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let name = what.map { "\($0) \(path)" } ?? path
            throw CharterError(.configuration, "Cannot read \(name): \(error.localizedDescription)")
        }
    }
}
