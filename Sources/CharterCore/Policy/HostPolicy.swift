// Subject alternative names: which host strings become SAN entries, and which are refused.

import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns requested host names into SAN entries, telling DNS names, IP addresses and e-mail apart.
public enum HostPolicy {
    /// SAN entries for `hosts`, in order, without duplicates; throws on an entry that is none of
    /// an IP address, an e-mail address or a valid DNS name (wildcards allowed in the first label).
    public static func subjectAlternativeNames(for hosts: [String]) throws -> [GeneralName] {
        var seen = Set<String>()
        var names: [GeneralName] = []
        for raw in hosts {
            let host = raw.trimmingSpaces
            if host.isEmpty || !seen.insert(host.lowercased()).inserted { continue }
            names.append(try name(for: host))
        }
        return names
    }

    /// SAN entries a CSR asked for, held to the rules of ``subjectAlternativeNames(for:)``: DNS
    /// names, IP addresses and e-mail addresses that pass them; any other kind (URI, otherName,
    /// directory name) is refused rather than copied into a certificate.
    public static func subjectAlternativeNames(requested names: some Sequence<GeneralName>) throws -> [GeneralName] {
        var hosts: [String] = []
        for name in names {
            switch name {
            case .dnsName(let host), .rfc822Name(let host):
                hosts.append(host)
            case .ipAddress(let octets):
                let bytes = Array(octets.bytes)
                guard bytes.count == 4 || bytes.count == 16 else {
                    throw CharterError(.invalidHosts, "The CSR asks for an IP address SAN of \(bytes.count) bytes")
                }
                hosts.append(text(ofAddress: bytes))
            default:
                throw CharterError(
                    .invalidHosts,
                    "The CSR asks for a SAN of a kind Charter does not issue (\(name)); only DNS names, IP and e-mail addresses"
                )
            }
        }
        return try subjectAlternativeNames(for: hosts)
    }

    /// The text form of a 4- or 16-byte address (empty for any other length).
    public static func text(ofAddress bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let converted = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard converted != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One SAN entry.
    public static func name(for host: String) throws -> GeneralName {
        if let address = ipAddressBytes(host) {
            return .ipAddress(ASN1OctetString(contentBytes: address[...]))
        }
        if host.utf8.contains(UInt8(ascii: "@")) {
            let parts = host.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, isDNSName(String(parts[1])) else {
                throw invalid(host, "it is not a valid e-mail address")
            }
            return .rfc822Name(host)
        }
        guard isDNSName(host) else {
            throw invalid(
                host,
                "a DNS name has labels of letters, digits and hyphens (1–63 characters) separated by dots"
            )
        }
        return .dnsName(host.lowercased())
    }

    /// The network-order bytes of an IPv4 or IPv6 literal, or nil.
    public static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// True for a name Charter puts in a dNSName SAN (labels of letters, digits and hyphens; a
    /// leading `*` label for wildcards).
    public static func isDNSName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            if index == 0 && label == "*" && labels.count > 1 { continue }
            guard (1...63).contains(label.utf8.count),
                label.first != "-", label.last != "-",
                label.utf8.allSatisfy({ byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                })
            else { return false }
        }
        return true
    }

    static func invalid(_ host: String, _ why: String) -> CharterError {
        CharterError(.invalidHosts, "Invalid host '\(host)' in the request's hosts: \(why)")
    }
}
