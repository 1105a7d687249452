// The few DNS messages challenge validation needs (RFC 1035): one question, A/AAAA/TXT answers.

/// A DNS query and the parse of its answer, bounded for a hostile resolver.
public enum DNSMessage {
    /// The record types asked for.
    public enum RecordType: UInt16, Sendable {
        case a = 1
        case txt = 16
        case aaaa = 28
    }

    /// What a response holds for the question.
    public enum Answer: Sendable, Hashable {
        case address([UInt8])
        case text(String)
    }

    /// A recursive query for `name`'s records of `type`.
    public static func query(id: UInt16, name: String, type: RecordType) throws(ACMEProblem) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            let utf8 = Array(label.utf8)
            guard (1...63).contains(utf8.count) else { throw ACMEProblem(.dns, "'\(name)' is not a DNS name") }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes += [0, UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xff), 0, 1]
        return bytes
    }

    /// The answers of `type` in a response to query `id`; NXDOMAIN is no answers, other errors throw.
    public static func answers(in message: [UInt8], id: UInt16, type: RecordType) throws(ACMEProblem) -> [Answer] {
        var reader = Reader(bytes: message)
        guard let header = reader.read(12), UInt16(header[0]) << 8 | UInt16(header[1]) == id, header[2] & 0x80 != 0
        else { throw ACMEProblem(.dns, "The resolver's answer does not match the query") }
        let rcode = header[3] & 0x0f
        if rcode == 3 { return [] }
        guard rcode == 0 else { throw ACMEProblem(.dns, "The resolver answered with error \(rcode)") }
        let questions = Int(header[4]) << 8 | Int(header[5])
        let answerCount = Int(header[6]) << 8 | Int(header[7])
        for _ in 0..<questions {
            guard reader.skipName(), reader.read(4) != nil else { throw ACMEProblem(.dns, "Truncated DNS answer") }
        }
        var answers: [Answer] = []
        for _ in 0..<answerCount {
            guard reader.skipName(), let fixed = reader.read(10) else {
                throw ACMEProblem(.dns, "Truncated DNS answer")
            }
            let recordType = UInt16(fixed[0]) << 8 | UInt16(fixed[1])
            let length = Int(fixed[8]) << 8 | Int(fixed[9])
            guard let data = reader.read(length) else { throw ACMEProblem(.dns, "Truncated DNS answer") }
            guard recordType == type.rawValue else { continue }
            switch type {
            case .a where data.count == 4, .aaaa where data.count == 16:
                answers.append(.address(data))
            case .txt:
                var text: [UInt8] = []
                var index = 0
                while index < data.count {
                    let count = Int(data[index])
                    guard index + 1 + count <= data.count else { throw ACMEProblem(.dns, "Malformed TXT record") }
                    text += data[(index + 1)..<(index + 1 + count)]
                    index += 1 + count
                }
                answers.append(.text(String(decoding: text, as: UTF8.self)))
            default:
                throw ACMEProblem(.dns, "Malformed address record")
            }
        }
        return answers
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func read(_ count: Int) -> [UInt8]? {
            guard count >= 0, offset + count <= bytes.count else { return nil }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }

        /// Skips a name: labels up to a zero byte, or a compression pointer (which ends it).
        mutating func skipName() -> Bool {
            for _ in 0..<128 {
                guard let length = read(1)?[0] else { return false }
                if length == 0 { return true }
                if length & 0xc0 == 0xc0 { return read(1) != nil }
                guard length & 0xc0 == 0, read(Int(length)) != nil else { return false }
            }
            return false
        }
    }
}
