// One token, logged in once, with a pool of sessions: each concurrent signer takes a session of
// its own (a PKCS#11 session runs one operation at a time) and gives it back. When the token goes
// away (a restarted HSM, a device pulled), signatures fail with an error; once it is back, the
// first signature to notice reconnects (the module initialised again, the slot found by its label,
// the key by its CKA_ID) and the server serves again without a restart.

import CPKCS11
import CharterCore
import Synchronization

/// A logged-in token of a ``PKCS11Module``.
public final class PKCS11Token: Sendable {
    let module: PKCS11Module
    /// The token's label.
    public let label: String
    private let pin: [UInt8]
    private let state: Mutex<State>

    /// What a new module generation replaces.
    struct State {
        var slot: CK_SLOT_ID
        var idle: [CK_SESSION_HANDLE] = []
        /// The module generation the slot, sessions and handles belong to.
        var generation: Int
        /// Keys found again in a later generation, by identifier.
        var handles: [[UInt8]: CK_OBJECT_HANDLE] = [:]
    }

    init(module: PKCS11Module, slot: CK_SLOT_ID, label: String, pin: String) throws {
        self.module = module
        self.label = label
        self.pin = Array(pin.utf8)
        self.state = Mutex(State(slot: slot, generation: module.currentGeneration))
        // Log in now: a wrong PIN stops the start, not the first enrollment.
        try converting { try withSession { _ in } }
    }

    /// Runs `body` on an idle session, or a new logged-in one; PKCS#11 failures come out as they are.
    func withSession<T>(_ body: (CK_SESSION_HANDLE) throws -> T) throws -> T {
        try module.gate.reading {
            try catchUp()
            let session = try state.withLock { $0.idle.popLast() } ?? open()
            do {
                let value = try body(session)
                state.withLock { $0.idle.append(session) }
                return value
            } catch let failure as PKCS11Failure where failure.losesSession {
                _ = module.functions.pointee.C_CloseSession(session)
                throw failure
            } catch {
                state.withLock { $0.idle.append(session) }
                throw error
            }
        }
    }

    /// After the module was initialised again: the old sessions and handles are gone (nothing to
    /// close), and the slot is found again by the label; a token still away is a lost token.
    private func catchUp() throws {
        let current = module.currentGeneration
        guard state.withLock({ $0.generation }) != current else { return }
        let slot: CK_SLOT_ID
        do {
            slot = try module.slot(label: label)
        } catch {
            throw PKCS11Failure(CK_RV(CKR_TOKEN_NOT_PRESENT), "C_GetTokenInfo")
        }
        state.withLock { $0 = State(slot: slot, generation: current) }
    }

    /// `body`, with PKCS#11 failures turned into Charter's errors (a wrong PIN; an HSM gone: 503).
    func converting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as PKCS11Failure {
            throw failure.error
        }
    }

    private func open() throws -> CK_SESSION_HANDLE {
        let slot = state.withLock { $0.slot }
        var session: CK_SESSION_HANDLE = 0
        try module.call("C_OpenSession") {
            $0.pointee.C_OpenSession(slot, CK_FLAGS(CKF_SERIAL_SESSION | CKF_RW_SESSION), nil, nil, &session)
        }
        var pin = pin
        let result = module.functions.pointee.C_Login(session, CK_USER_TYPE(CKU_USER), &pin, CK_ULONG(pin.count))
        guard result == CKR_OK || result == CKR_USER_ALREADY_LOGGED_IN else {
            _ = module.functions.pointee.C_CloseSession(session)
            throw PKCS11Failure(result, "C_Login")
        }
        return session
    }

    deinit {
        guard state.withLock({ $0.generation }) == module.currentGeneration else { return }
        for session in state.withLock({ $0.idle }) { _ = module.functions.pointee.C_CloseSession(session) }
    }

    // MARK: keys

    /// Generates a key pair in the token, as Fabric's BCCSP does: the private half sensitive and
    /// never extractable, both halves' CKA_ID and CKA_LABEL set to the SHA-256 of the public
    /// point (the key's SKI), where Fabric looks for it.
    public func generateKey(_ algorithm: SigningKey.Algorithm) throws -> TokenKey {
        try converting {
            try withSession { session in
                var mechanism = CK_MECHANISM(
                    mechanism: CK_MECHANISM_TYPE(
                        algorithm == .ed25519 ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN
                    ),
                    pParameter: nil,
                    ulParameterLen: 0
                )
                var publicHandle: CK_OBJECT_HANDLE = 0
                var privateHandle: CK_OBJECT_HANDLE = 0
                let parameters = TokenKey.curveParameters(algorithm)
                try Attributes.with(
                    [
                        .bool(CKA_TOKEN, true), .bool(CKA_VERIFY, true), .bytes(CKA_EC_PARAMS, parameters),
                    ]
                ) { publicTemplate, publicCount in
                    try Attributes.with(
                        [
                            .bool(CKA_TOKEN, true), .bool(CKA_PRIVATE, true), .bool(CKA_SENSITIVE, true),
                            .bool(CKA_EXTRACTABLE, false), .bool(CKA_SIGN, true),
                        ]
                    ) { privateTemplate, privateCount in
                        try module.call("C_GenerateKeyPair") {
                            $0.pointee.C_GenerateKeyPair(
                                session,
                                &mechanism,
                                publicTemplate,
                                publicCount,
                                privateTemplate,
                                privateCount,
                                &publicHandle,
                                &privateHandle
                            )
                        }
                    }
                }
                let point = try TokenKey.point(try attribute(session, publicHandle, CKA_EC_POINT), algorithm)
                let identifier = TokenKey.identifier(of: point)
                for handle in [publicHandle, privateHandle] {
                    try Attributes.with([
                        .bytes(CKA_ID, identifier), .bytes(CKA_LABEL, Array(Hex.encode(identifier).utf8)),
                    ]) {
                        template,
                        count in
                        try module.call("C_SetAttributeValue") {
                            $0.pointee.C_SetAttributeValue(session, handle, template, count)
                        }
                    }
                }
                return key(algorithm, point, privateHandle)
            }
        }
    }

    /// The key of this public point (a certificate's), found by its SHA-256 as Fabric finds it.
    public func key(publicPoint: [UInt8]) throws -> TokenKey? {
        try key(identifier: TokenKey.identifier(of: publicPoint))
    }

    /// The key whose CKA_ID is `identifier` (the SHA-256 of its public point), if the token holds
    /// its private and public halves.
    public func key(identifier: [UInt8]) throws -> TokenKey? {
        try converting {
            try withSession { session in
                guard let privateHandle = try find(session, CKO_PRIVATE_KEY, identifier),
                    let publicHandle = try find(session, CKO_PUBLIC_KEY, identifier)
                else { return nil }
                let algorithm = try TokenKey.algorithm(parameters: try attribute(session, publicHandle, CKA_EC_PARAMS))
                let point = try TokenKey.point(try attribute(session, publicHandle, CKA_EC_POINT), algorithm)
                return key(algorithm, point, privateHandle)
            }
        }
    }

    /// A key whose handle belongs to the generation the session (taken by the caller) caught up to.
    private func key(_ algorithm: SigningKey.Algorithm, _ point: [UInt8], _ handle: CK_OBJECT_HANDLE) -> TokenKey {
        TokenKey(
            token: self,
            algorithm: algorithm,
            publicPoint: point,
            handle: handle,
            generation: state.withLock { $0.generation }
        )
    }

    private func find(_ session: CK_SESSION_HANDLE, _ objectClass: CK_OBJECT_CLASS, _ identifier: [UInt8]) throws
        -> CK_OBJECT_HANDLE?
    {
        try Attributes.with([.objectClass(objectClass), .bytes(CKA_ID, identifier)]) { template, count in
            try module.call("C_FindObjectsInit") { $0.pointee.C_FindObjectsInit(session, template, count) }
        }
        defer { _ = module.functions.pointee.C_FindObjectsFinal(session) }
        var handle: CK_OBJECT_HANDLE = 0
        var found: CK_ULONG = 0
        try module.call("C_FindObjects") { $0.pointee.C_FindObjects(session, &handle, 1, &found) }
        return found == 1 ? handle : nil
    }

    private func attribute(_ session: CK_SESSION_HANDLE, _ handle: CK_OBJECT_HANDLE, _ type: CK_ATTRIBUTE_TYPE) throws
        -> [UInt8]
    {
        var template = CK_ATTRIBUTE(type: type, pValue: nil, ulValueLen: 0)
        try module.call("C_GetAttributeValue") { $0.pointee.C_GetAttributeValue(session, handle, &template, 1) }
        guard template.ulValueLen > 0, template.ulValueLen < 4096 else {
            throw CharterError(.configuration, "The token's key has no usable attribute 0x\(String(type, radix: 16))")
        }
        var value = [UInt8](repeating: 0, count: Int(template.ulValueLen))
        try value.withUnsafeMutableBytes { buffer in
            template.pValue = buffer.baseAddress
            try module.call("C_GetAttributeValue") { $0.pointee.C_GetAttributeValue(session, handle, &template, 1) }
        }
        return Array(value.prefix(Int(template.ulValueLen)))
    }

    /// Signs `input` with `key`. A token that lost what it knew (it went away and came back) is
    /// found again (the module initialised again, the key by its identifier) and the signature
    /// tried once more; a token still gone fails it with an error (503), and the next one retries.
    func sign(_ key: TokenKey, _ input: [UInt8]) throws -> [UInt8] {
        try converting {
            let generation = module.currentGeneration
            do {
                return try sign(try handle(of: key, generation: generation), key.algorithm, input)
            } catch let failure as PKCS11Failure where failure.isStale {
                try module.reinitialize(after: generation)
                return try sign(try handle(of: key, generation: module.currentGeneration), key.algorithm, input)
            }
        }
    }

    /// The key's handle in this module generation: its own, or found again by its identifier.
    private func handle(of key: TokenKey, generation: Int) throws -> CK_OBJECT_HANDLE {
        if key.generation == generation { return key.handle }
        if let known = state.withLock({ $0.generation == generation ? $0.handles[key.identifier] : nil }) {
            return known
        }
        guard let found = try withSession({ try find($0, CKO_PRIVATE_KEY, key.identifier) }) else {
            throw PKCS11Failure(CK_RV(CKR_KEY_HANDLE_INVALID), "C_FindObjects")
        }
        state.withLock { $0.handles[key.identifier] = found }
        return found
    }

    /// Signs `input` with the private key `handle`: CKM_ECDSA over a digest, or CKM_EDDSA over a message.
    private func sign(_ handle: CK_OBJECT_HANDLE, _ algorithm: SigningKey.Algorithm, _ input: [UInt8]) throws
        -> [UInt8]
    {
        try withSession { session in
            var mechanism = CK_MECHANISM(
                mechanism: CK_MECHANISM_TYPE(algorithm == .ed25519 ? CKM_EDDSA : CKM_ECDSA),
                pParameter: nil,
                ulParameterLen: 0
            )
            try module.call("C_SignInit") { $0.pointee.C_SignInit(session, &mechanism, handle) }
            var data = input
            var signature = [UInt8](repeating: 0, count: 132)
            var length = CK_ULONG(signature.count)
            try module.call("C_Sign") {
                $0.pointee.C_Sign(session, &data, CK_ULONG(data.count), &signature, &length)
            }
            return Array(signature.prefix(Int(length)))
        }
    }
}
