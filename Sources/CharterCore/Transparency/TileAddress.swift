// Where a tile of the transparency log lives (C2SP tlog-tiles): `tile/<L>/<N>[.p/<W>]` for the
// hashes of tree level 8·L, `tile/entries/<N>[.p/<W>]` for the entries themselves, N written in
// groups of three digits with `x` before all but the last (`x001/x234/067`). The server parses
// the path a client sends and the log monitor writes it: one type does both.

/// The address of one hash tile or entry bundle.
public struct TileAddress: Sendable, Hashable {
    /// The tile level (0 holds leaf hashes); nil for an entry bundle.
    public var level: Int?
    /// The tile's index at its level: it covers positions `index`·256 ..< +`width`.
    public var index: Int
    /// How many hashes or entries: 256 for a full tile, fewer for a partial one.
    public var width: Int

    /// A full tile holds 256 hashes or entries.
    public static let fullWidth = 256
    /// C2SP's bound on a tile level.
    public static let maximumLevel = 63
    /// Positions at any level stay below ``MerkleTree/maximumSize``: `index`·256 + `width` then
    /// never leaves 64 bits, and a path can name nothing the arithmetic cannot hold.
    public static let maximumIndex = MerkleTree.maximumSize / fullWidth - 1
    /// A path's index has at most this many groups of three digits (1000^6 > 2^48).
    static let maximumGroups = 6

    /// Creates an address; nil when any part is outside the bounds above.
    public init?(level: Int?, index: Int, width: Int = Self.fullWidth) {
        if let level, !(0...Self.maximumLevel).contains(level) { return nil }
        guard (0...Self.maximumIndex).contains(index), (1...Self.fullWidth).contains(width) else { return nil }
        self.level = level
        self.index = index
        self.width = width
    }

    /// The first position the tile covers at its level.
    public var start: Int { index * Self.fullWidth }

    /// A full tile never changes once served; a partial one is replaced by a wider one.
    public var isFull: Bool { width == Self.fullWidth }

    /// Parses the path elements after `tile/`; nil for anything that is not a tile address
    /// within the bounds, whatever its length or digits.
    public init?(path components: [Substring]) {
        guard let first = components.first else { return nil }
        var level: Int?
        if first != "entries" {
            guard let parsed = DecimalInteger.parse(first, in: 0...Self.maximumLevel) else { return nil }
            level = parsed
        }
        var groups = components.dropFirst()
        var width = Self.fullWidth
        if groups.count >= 2, let last = groups.last, groups[groups.endIndex - 2].hasSuffix(".p") {
            guard let partial = DecimalInteger.parse(last, in: 1...(Self.fullWidth - 1)) else { return nil }
            width = partial
            groups.removeLast()
            groups[groups.endIndex - 1] = groups[groups.endIndex - 1].dropLast(2)
        }
        guard !groups.isEmpty, groups.count <= Self.maximumGroups else { return nil }
        var index = 0
        for (position, group) in groups.enumerated() {
            let isLast = position == groups.count - 1
            let digits = isLast ? group : (group.hasPrefix("x") ? group.dropFirst() : "")
            // Six groups of three digits stay below 10^18: no overflow is possible here.
            guard digits.utf8.count == 3, let value = DecimalInteger.parse(digits, in: 0...999) else { return nil }
            index = index * 1000 + value
        }
        self.init(level: level, index: index, width: width)
    }

    /// The path after `tile/`, as ``init(path:)`` reads it.
    public var path: String {
        var groups: [String] = []
        var rest = index
        repeat {
            let group = rest % 1000
            groups.insert((group < 100 ? "0" : "") + (group < 10 ? "0" : "") + String(group), at: 0)
            rest /= 1000
        } while rest > 0
        let number = (groups.dropLast().map { "x" + $0 } + [groups.last ?? "000"]).joined(separator: "/")
        return "\(level.map(String.init) ?? "entries")/\(number)\(isFull ? "" : ".p/\(width)")"
    }
}
