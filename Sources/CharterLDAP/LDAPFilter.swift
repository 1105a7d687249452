// User names in search filters. fabric-ca puts the enrollment ID into `userfilter` as it is, so
// `alice)(uid=*` or `ali*` find alice and `carol(qa)*` finds nobody; Charter escapes it first
// (RFC 4515), so a name only ever matches itself.

import Foundation

/// Search filters built from a template and a user name.
public enum LDAPFilter {
    /// `name` with `*`, `(`, `)`, `\` and NUL written as `\2a`, `\28`, `\29`, `\5c`, `\00`.
    public static func escape(_ name: String) -> String {
        var escaped: [UInt8] = []
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "*"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"), 0:
                let hex = Array("0123456789abcdef".utf8)
                escaped += [UInt8(ascii: "\\"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            default:
                escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// The template (`(uid=%s)`) with every `%s` replaced by the escaped name.
    public static func filter(_ template: String, name: String) -> String {
        template.replacingOccurrences(of: "%s", with: escape(name))
    }
}
