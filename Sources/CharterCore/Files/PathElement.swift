// Names that end up as one element of a file path: enrollment IDs (client certificate stores),
// cryptogen domains, host names and common names. One rule keeps all of them inside their folder.

/// The rule for a string used as a single file or folder name.
public enum PathElement {
    /// Why `name` cannot be one path element, or nil when it can: it must be non-empty, hold no
    /// `/`, `\` or control character, and not be `.` or `..`.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.unicodeScalars.contains(where: isControl) { return "it contains a control character" }
        if name.contains("/") || name.contains("\\") { return "it contains a path separator" }
        if name == "." || name == ".." { return "it is a path element ('.' or '..')" }
        return nil
    }

    /// True for C0, DEL and C1 control characters.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
    }

    /// `text` with control characters escaped and cut to 64 characters, for messages and logs.
    public static func printable(_ text: String) -> String {
        String(text.prefix(64)).unicodeScalars.map { isControl($0) ? "\\u{\(String($0.value, radix: 16))}" : "\($0)" }
            .joined()
    }
}
