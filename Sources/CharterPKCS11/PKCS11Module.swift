// A PKCS#11 module (an HSM's library, SoftHSM's for the tests) loaded with dlopen, initialised for
// calls from several threads, and the tokens in its slots found by their exact label.

import CPKCS11
import CharterCore
import Synchronization

/// A loaded PKCS#11 module.
///
/// Loaded once for the process and never finalised: a module is process-wide state of its own
/// (initialising it twice answers "already initialised"), which Charter leaves as it finds it.
public final class PKCS11Module: @unchecked Sendable {
    // The function list is the module's, immutable after loading; the module serialises its own
    // state (CKF_OS_LOCKING_OK).
    let functions: CK_FUNCTION_LIST_PTR
    /// The library's path, for messages.
    public let path: String
    /// Token operations read; initialising the module again writes.
    let gate = ReadWriteLock()
    private let generation = Mutex(0)

    /// Loads and initialises the library at `path` (`bccsp.pkcs11.library`).
    public init(path: String) throws {
        var handle: UnsafeMutableRawPointer?
        var error = [CChar](repeating: 0, count: 512)
        guard let functions = charter_pkcs11_load(path, &handle, &error, error.count) else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw CharterError(.configuration, "bccsp.pkcs11.library: cannot load \(path): \(reason)")
        }
        self.functions = functions
        self.path = path
        let result = charter_pkcs11_initialize(functions)
        guard result == CKR_OK || result == CKR_CRYPTOKI_ALREADY_INITIALIZED else {
            throw PKCS11Failure(result, "C_Initialize").error
        }
    }

    /// The token whose label is exactly `label` (`bccsp.pkcs11.label`), logged in with `pin`.
    /// A wrong label or PIN stops here, with one line saying which.
    public func token(label: String, pin: String) throws -> PKCS11Token {
        try PKCS11Token(module: self, slot: try slot(label: label), label: label, pin: pin)
    }

    /// Finalises and initialises the module again, as a library needs after its device went away
    /// and came back (only then does it look at its tokens afresh), unless another caller did
    /// since generation `seen`. Waits until no token operation runs: finalising ends them all.
    func reinitialize(after seen: Int) throws {
        try gate.writing {
            try generation.withLock { current in
                guard current == seen else { return }
                current += 1
                _ = functions.pointee.C_Finalize(nil)
                let result = charter_pkcs11_initialize(functions)
                guard result == CKR_OK || result == CKR_CRYPTOKI_ALREADY_INITIALIZED else {
                    throw PKCS11Failure(result, "C_Initialize")
                }
            }
        }
    }

    /// How many times the module was initialised again: sessions and handles of every token
    /// from an earlier generation are gone.
    var currentGeneration: Int { generation.withLock { $0 } }

    /// The slot of the token labelled exactly `label`.
    func slot(label: String) throws -> CK_SLOT_ID {
        var count: CK_ULONG = 0
        try call("C_GetSlotList") { $0.pointee.C_GetSlotList(CK_BBOOL(CK_TRUE), nil, &count) }
        var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
        try call("C_GetSlotList") { $0.pointee.C_GetSlotList(CK_BBOOL(CK_TRUE), &slots, &count) }
        var labels: [String] = []
        for slot in slots.prefix(Int(count)) {
            var info = CK_TOKEN_INFO()
            try call("C_GetTokenInfo") { $0.pointee.C_GetTokenInfo(slot, &info) }
            let found = withUnsafeBytes(of: info.label) { String(decoding: $0, as: UTF8.self) }
            let trimmed = String(found.reversed().drop { $0 == " " || $0 == "\0" }.reversed())
            if trimmed == label { return slot }
            labels.append(trimmed)
        }
        throw CharterError(
            .configuration,
            "bccsp.pkcs11.label: no token is labelled '\(label)' in \(path) (labels match exactly; found: \(labels.isEmpty ? "none" : labels.map { "'\($0)'" }.joined(separator: ", ")))"
        )
    }

    /// Calls one function of the list; throws a typed error naming it unless it answers CKR_OK.
    func call(_ name: String, _ body: (CK_FUNCTION_LIST_PTR) -> CK_RV?) throws {
        guard let result = body(functions) else {
            throw CharterError(.configuration, "\(path) has no \(name)")
        }
        guard result == CKR_OK else { throw PKCS11Failure(result, name) }
    }
}

/// A PKCS#11 function's failure, with the module's return value.
struct PKCS11Failure: Error, CustomStringConvertible {
    let value: CK_RV
    let function: String

    init(_ value: CK_RV, _ function: String) {
        self.value = value
        self.function = function
    }

    var description: String { "\(function) returned \(Self.name(value))" }

    /// The token is gone or the session with it (a removed device, a restarted HSM): the session
    /// is dropped and the next signature opens a new one.
    var losesSession: Bool {
        [
            CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED, CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, CKR_DEVICE_ERROR,
            CKR_USER_NOT_LOGGED_IN, CKR_CRYPTOKI_NOT_INITIALIZED,
        ].contains(value)
    }

    /// What the token knew is gone (sessions, object handles, the slot): reconnect and look the
    /// key up again.
    var isStale: Bool {
        losesSession
            || [CKR_OBJECT_HANDLE_INVALID, CKR_KEY_HANDLE_INVALID, CKR_SLOT_ID_INVALID, CKR_TOKEN_NOT_RECOGNIZED]
                .contains(value)
    }

    /// As a Charter error: a wrong PIN is the configuration's fault; a lost token is a 503.
    var error: CharterError {
        if value == CKR_PIN_INCORRECT || value == CKR_PIN_LEN_RANGE || value == CKR_PIN_LOCKED {
            return CharterError(.configuration, "bccsp.pkcs11.pin: the token refused the PIN (\(Self.name(value)))")
        }
        if losesSession { return CharterError(.unavailable, "The HSM cannot sign now: \(description); retry") }
        return CharterError(.internalError, "The HSM failed: \(description)")
    }

    static func name(_ value: CK_RV) -> String {
        let names: [CK_RV: String] = [
            CKR_PIN_INCORRECT: "CKR_PIN_INCORRECT", CKR_PIN_LOCKED: "CKR_PIN_LOCKED",
            CKR_PIN_LEN_RANGE: "CKR_PIN_LEN_RANGE", CKR_SESSION_HANDLE_INVALID: "CKR_SESSION_HANDLE_INVALID",
            CKR_SESSION_CLOSED: "CKR_SESSION_CLOSED", CKR_DEVICE_REMOVED: "CKR_DEVICE_REMOVED",
            CKR_TOKEN_NOT_PRESENT: "CKR_TOKEN_NOT_PRESENT", CKR_DEVICE_ERROR: "CKR_DEVICE_ERROR",
            CKR_USER_NOT_LOGGED_IN: "CKR_USER_NOT_LOGGED_IN", CKR_MECHANISM_INVALID: "CKR_MECHANISM_INVALID",
            CKR_KEY_HANDLE_INVALID: "CKR_KEY_HANDLE_INVALID",
            CKR_ATTRIBUTE_VALUE_INVALID: "CKR_ATTRIBUTE_VALUE_INVALID",
            CKR_TEMPLATE_INCONSISTENT: "CKR_TEMPLATE_INCONSISTENT", CKR_ARGUMENTS_BAD: "CKR_ARGUMENTS_BAD",
            CKR_CRYPTOKI_NOT_INITIALIZED: "CKR_CRYPTOKI_NOT_INITIALIZED", CKR_GENERAL_ERROR: "CKR_GENERAL_ERROR",
            CKR_FUNCTION_FAILED: "CKR_FUNCTION_FAILED", CKR_DOMAIN_PARAMS_INVALID: "CKR_DOMAIN_PARAMS_INVALID",
            CKR_CURVE_NOT_SUPPORTED: "CKR_CURVE_NOT_SUPPORTED",
        ]
        return names[value] ?? "0x" + String(value, radix: 16)
    }
}
