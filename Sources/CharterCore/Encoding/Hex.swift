// Lower-case hex, the form fabric-ca uses for serial numbers and key identifiers.

/// Hex encoding and decoding of byte strings.
public enum Hex {
    /// Lower-case hex of the bytes.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of a hex string in either case; nil when it is not hex. An odd length gets a leading zero.
    public static func decode(_ string: String) -> [UInt8]? {
        let utf8 = string.utf8
        var out = [UInt8]()
        out.reserveCapacity((utf8.count + 1) / 2)
        // Pairs of digits, straight into bytes (a CRL decodes a serial per revocation).
        var high: UInt8? = utf8.count % 2 == 1 ? 0 : nil
        for char in utf8 {
            let nibble: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = char - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = char - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    /// The canonical serial form fabric-ca stores: lower-case, no leading zeros.
    public static func canonicalSerial(_ string: String) -> String? {
        decode(string).map { canonicalSerial(bytes: $0) }
    }

    /// The registry's form of a serial given as big-endian bytes (DER content, with or without
    /// a leading zero).
    public static func canonicalSerial(bytes: some Sequence<UInt8>) -> String {
        let trimmed = encode(bytes.drop { $0 == 0 }).drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}
