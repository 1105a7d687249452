// PKCS#11 attribute templates: values laid out in memory that stays put for the call.

import CPKCS11

/// One attribute of a template.
enum Attribute {
    case bool(CK_ATTRIBUTE_TYPE, Bool)
    case bytes(CK_ATTRIBUTE_TYPE, [UInt8])
    case objectClass(CK_OBJECT_CLASS)
}

enum Attributes {
    /// Runs `body` with the template's attributes and their count; the values live until it returns.
    static func with<T>(
        _ attributes: [Attribute],
        _ body: (UnsafeMutablePointer<CK_ATTRIBUTE>, CK_ULONG) throws -> T
    ) throws -> T {
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        func store(_ bytes: [UInt8]) -> (UnsafeMutableRawPointer?, CK_ULONG) {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
            buffer.copyBytes(from: bytes)
            buffers.append(buffer)
            return (buffer.baseAddress, CK_ULONG(bytes.count))
        }
        var template = attributes.map { attribute -> CK_ATTRIBUTE in
            switch attribute {
            case .bool(let type, let value):
                let (pointer, length) = store([value ? 1 : 0])
                return CK_ATTRIBUTE(type: type, pValue: pointer, ulValueLen: length)
            case .bytes(let type, let value):
                let (pointer, length) = store(value)
                return CK_ATTRIBUTE(type: type, pValue: pointer, ulValueLen: length)
            case .objectClass(let value):
                let (pointer, length) = withUnsafeBytes(of: value) { store(Array($0)) }
                return CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(CKA_CLASS), pValue: pointer, ulValueLen: length)
            }
        }
        return try template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                throw PKCS11Failure(CK_RV(CKR_ARGUMENTS_BAD), "an empty template")
            }
            return try body(base, CK_ULONG(buffer.count))
        }
    }
}
