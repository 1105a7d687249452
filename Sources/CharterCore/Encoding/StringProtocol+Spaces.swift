// Trimming spaces in pure Swift: Foundation's `trimmingCharacters(in:)` bridges through NSString on
// Linux, which shows in cryptogen's and the API's profiles where host names are trimmed by the
// thousand.

extension StringProtocol {
    /// The text without leading and trailing spaces: tabs and Unicode space separators, the set
    /// Foundation calls `.whitespaces` (line breaks are kept).
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isSpace }),
            let last = scalars.lastIndex(where: { !$0.isSpace })
        else {
            return ""
        }
        let end = scalars.index(after: last)
        if first == scalars.startIndex && end == scalars.endIndex { return String(self) }
        return String(decoding: utf8[first..<end], as: UTF8.self)
    }
}

extension Unicode.Scalar {
    fileprivate var isSpace: Bool {
        if isASCII { return self == " " || self == "\t" }
        return properties.generalCategory == .spaceSeparator
    }
}
