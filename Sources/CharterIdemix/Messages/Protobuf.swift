// The protocol-buffer wire format, as far as Idemix's messages need it: written field by field in
// number order with proto3's omissions (what Go's `proto.Marshal` produces, which the proofs and the
// issuer key's hash depend on), and read defensively from hostile bytes.

/// Writes fields in the order they are added; callers add them in field-number order.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    /// A length-delimited field; proto3 leaves out an empty one unless `always` (repeated values).
    mutating func bytes(_ field: Int, _ value: [UInt8], always: Bool = false) {
        guard always || !value.isEmpty else { return }
        key(field, 2)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: Int, _ value: String, always: Bool = false) {
        bytes(field, Array(value.utf8), always: always)
    }

    /// A set sub-message is written even when it encodes to nothing.
    mutating func message(_ field: Int, _ value: [UInt8]) { bytes(field, value, always: true) }

    /// int32/int64 as a varint; negative values take ten bytes as in Go; zero is left out.
    mutating func integer(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }
}

/// One field read from a message.
enum ProtobufValue {
    case varint(UInt64)
    case bytes(ArraySlice<UInt8>)
}

/// Reads the fields of one message; unknown fields are skipped, malformed input throws.
struct ProtobufReader {
    private let data: [UInt8]
    private var position = 0

    init(_ data: some Collection<UInt8>) { self.data = Array(data) }

    private mutating func varint() throws(IdemixError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard position < data.count else { throw .malformed("truncated varint") }
            let byte = data[position]
            position += 1
            guard shift < 63 || byte <= 1 else { throw .malformed("varint too long") }
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte < 0x80 { return value }
        }
        throw .malformed("varint too long")
    }

    /// The next field, or nil at the end.
    mutating func next() throws(IdemixError) -> (field: Int, value: ProtobufValue)? {
        while position < data.count {
            let key = try varint()
            guard key >> 3 > 0, key >> 3 <= 1 << 29 else { throw .malformed("bad field number") }
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: return (field, .varint(try varint()))
            case 2:
                let length = try varint()
                guard length <= UInt64(data.count - position) else { throw .malformed("truncated field") }
                let end = position + Int(length)
                defer { position = end }
                return (field, .bytes(data[position..<end]))
            case 1: try skip(8)
            case 5: try skip(4)
            default: throw .malformed("unsupported wire type")
            }
        }
        return nil
    }

    private mutating func skip(_ count: Int) throws(IdemixError) {
        guard data.count - position >= count else { throw .malformed("truncated field") }
        position += count
    }
}

extension ProtobufValue {
    func bytes() throws(IdemixError) -> [UInt8] {
        guard case .bytes(let value) = self else { throw .malformed("expected a length-delimited field") }
        return Array(value)
    }

    func string() throws(IdemixError) -> String {
        guard let string = String(validating: try bytes(), as: UTF8.self) else { throw .malformed("invalid UTF-8") }
        return string
    }

    /// An int32/int64 field.
    func integer() throws(IdemixError) -> Int64 {
        guard case .varint(let value) = self else { throw .malformed("expected a varint") }
        return Int64(bitPattern: value)
    }
}
