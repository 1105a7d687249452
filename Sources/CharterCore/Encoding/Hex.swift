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
        var nibbles = [UInt8]()
        nibbles.reserveCapacity(string.utf8.count)
        for char in string.utf8 {
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibbles.append(char - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibbles.append(char - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibbles.append(char - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        if nibbles.count % 2 == 1 { nibbles.insert(0, at: 0) }
        return stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
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
