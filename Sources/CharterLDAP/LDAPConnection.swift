// One connection to the directory through OpenLDAP's client library. Its calls block: callers run
// them on the directory's own thread pool, one caller per connection at a time, with the library's
// network and operation time limits set so that a directory that accepts and never answers ends
// each call with an error.

import CLDAP
import CharterCore
import Foundation

/// Certificates for `ldaps://`: the roots the directory's certificate must chain to, and a client
/// certificate when the directory asks for one.
public struct LDAPTLSFiles: Sendable, Hashable {
    public var certfiles: [String]
    public var clientCertfile: String
    public var clientKeyfile: String

    /// Creates the TLS settings.
    public init(certfiles: [String] = [], clientCertfile: String = "", clientKeyfile: String = "") {
        self.certfiles = certfiles
        self.clientCertfile = clientCertfile
        self.clientKeyfile = clientKeyfile
    }
}

/// A directory entry: its DN and attribute values.
public struct LDAPEntry: Sendable, Hashable {
    public var dn: String
    public var attributes: [String: [String]]
}

/// A libldap handle.
///
/// `@unchecked Sendable`: a connection is used by one caller at a time (the directory's pool hands
/// it out and takes it back) and libldap 2.5 handles are safe to use from any thread.
final class LDAPConnection: @unchecked Sendable {
    let handle: OpaquePointer

    /// Opens a handle for `url` (libldap connects on the first operation).
    init(url: LDAPURL, tls: LDAPTLSFiles, timeout: Duration) throws {
        var ld: OpaquePointer?
        guard ldap_initialize(&ld, url.serverURL) == LDAP_SUCCESS, let ld else {
            throw CharterError(.configuration, "libldap refused the directory URL \(url.serverURL)")
        }
        handle = ld
        var version: Int32 = 3
        ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version)
        ldap_set_option(ld, LDAP_OPT_REFERRALS, charter_ldap_opt_off())
        let seconds = max(1, Int(timeout.components.seconds))
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &limit)
        ldap_set_option(ld, LDAP_OPT_TIMEOUT, &limit)
        if url.usesTLS {
            var demand = LDAP_OPT_X_TLS_HARD
            ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand)
            if let roots = tls.certfiles.first { ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, roots) }
            if !tls.clientCertfile.isEmpty { ldap_set_option(ld, LDAP_OPT_X_TLS_CERTFILE, tls.clientCertfile) }
            if !tls.clientKeyfile.isEmpty { ldap_set_option(ld, LDAP_OPT_X_TLS_KEYFILE, tls.clientKeyfile) }
            var server: Int32 = 0
            guard ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &server) == LDAP_SUCCESS else {
                ldap_unbind_ext_s(ld, nil, nil)
                throw CharterError(.configuration, "ldap.tls: the TLS settings could not be loaded (\(tls.certfiles))")
            }
        }
    }

    deinit {
        ldap_unbind_ext_s(handle, nil, nil)
    }

    /// A simple bind. Wrong credentials are an authentication failure; anything else (the
    /// directory unreachable, a timeout) is `unreachable`.
    func bind(dn: String, password: String) throws {
        var bytes = Array(password.utf8)
        let code = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var credentials = berval(
                bv_len: ber_len_t(buffer.count),
                bv_val: UnsafeMutableRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
            )
            return ldap_sasl_bind_s(handle, dn, charter_ldap_sasl_simple(), &credentials, nil, nil, nil)
        }
        guard code == LDAP_SUCCESS else {
            if code == LDAP_INVALID_CREDENTIALS || code == LDAP_INAPPROPRIATE_AUTH || code == LDAP_UNWILLING_TO_PERFORM
            {
                throw CharterError.authentication("LDAP bind as '\(dn)' refused: \(Self.text(code))")
            }
            throw Self.unreachable(code)
        }
    }

    /// Up to `limit` entries below `base` that match `filter`, with the named attributes (all the
    /// user attributes when none are named).
    func search(base: String, filter: String, attributes: [String], limit: Int32) throws -> [LDAPEntry] {
        var names: [UnsafeMutablePointer<CChar>?] = attributes.map { strdup($0) } + [nil]
        defer { for name in names { free(name) } }
        var result: OpaquePointer?
        let code = names.withUnsafeMutableBufferPointer { buffer in
            ldap_search_ext_s(
                handle,
                base,
                LDAP_SCOPE_SUBTREE,
                filter,
                attributes.isEmpty ? nil : buffer.baseAddress,
                0,
                nil,
                nil,
                nil,
                limit,
                &result
            )
        }
        defer { if let result { ldap_msgfree(result) } }
        guard code == LDAP_SUCCESS || code == LDAP_SIZELIMIT_EXCEEDED else {
            if code == LDAP_NO_SUCH_OBJECT { return [] }
            if code == LDAP_FILTER_ERROR {
                throw CharterError(.configuration, "ldap.userfilter makes an invalid search filter: \(filter)")
            }
            throw Self.unreachable(code)
        }
        var entries: [LDAPEntry] = []
        var entry = ldap_first_entry(handle, result)
        while let current = entry {
            entries.append(read(current))
            entry = ldap_next_entry(handle, current)
        }
        return entries
    }

    func read(_ entry: OpaquePointer) -> LDAPEntry {
        var dn = ""
        if let text = ldap_get_dn(handle, entry) {
            dn = String(cString: text)
            ldap_memfree(text)
        }
        var attributes: [String: [String]] = [:]
        var cursor: OpaquePointer?
        var name = ldap_first_attribute(handle, entry, &cursor)
        while let current = name {
            let key = String(cString: current)
            if let values = ldap_get_values_len(handle, entry, current) {
                let count = Int(ldap_count_values_len(values))
                attributes[key] = (0..<count).compactMap { index in
                    values[index].map { value in
                        let bytes = UnsafeRawBufferPointer(
                            start: value.pointee.bv_val,
                            count: Int(value.pointee.bv_len)
                        )
                        return String(decoding: bytes, as: UTF8.self)
                    }
                }
                ldap_value_free_len(values)
            }
            ldap_memfree(current)
            name = ldap_next_attribute(handle, entry, cursor)
        }
        if let cursor { ber_free(cursor, 0) }
        return LDAPEntry(dn: dn, attributes: attributes)
    }

    static func text(_ code: Int32) -> String {
        ldap_err2string(code).map { String(cString: $0) } ?? "LDAP error \(code)"
    }

    static func unreachable(_ code: Int32) -> CharterError {
        CharterError(.unreachable, "The LDAP directory did not answer: \(text(code))")
    }
}
