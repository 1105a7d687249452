// Fast PEM for single blocks on the request path: swift-asn1's PEMDocument handles every case
// but walks Strings by Character, which costs more than the signature it wraps.

import Foundation

/// PEM encoding and decoding of one DER block.
public enum PEM {
    /// `-----BEGIN <type>-----`, base64 in 64-column lines, `-----END <type>-----`, final newline.
    public static func encode(_ der: some Sequence<UInt8>, type: String) -> String {
        let base64 = Array(Data(der).base64EncodedString().utf8)
        var out = Array("-----BEGIN \(type)-----\n".utf8)
        out.reserveCapacity(base64.count + base64.count / 64 + 64)
        var index = 0
        while index < base64.count {
            let end = min(index + 64, base64.count)
            out += base64[index..<end]
            out.append(UInt8(ascii: "\n"))
            index = end
        }
        out += Array("-----END \(type)-----\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The DER bytes of the first block of `type`, or nil when there is none or it is not base64.
    public static func decode(_ pem: some Collection<UInt8>, type: String) -> [UInt8]? {
        let text = Array(pem)
        let begin = Array("-----BEGIN \(type)-----".utf8)
        let end = Array("-----END \(type)-----".utf8)
        guard let start = find(begin, in: text, from: 0).map({ $0 + begin.count }),
            let stop = find(end, in: text, from: start)
        else { return nil }
        var body = [UInt8]()
        body.reserveCapacity(stop - start)
        for byte in text[start..<stop]
        where byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") && byte != UInt8(ascii: " ") {
            body.append(byte)
        }
        return Data(base64Encoded: Data(body)).map(Array.init)
    }

    /// First index of `needle` in `haystack` at or after `from`: a plain scan, cheaper than
    /// Foundation's generic search for the few short markers PEM has.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = from
        while index <= haystack.count - needle.count {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
