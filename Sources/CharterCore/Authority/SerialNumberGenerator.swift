// Serial numbers of issued certificates: 20 random bytes, positive, always 20 bytes of DER.

import X509

/// Makes certificate serial numbers that fit RFC 5280's 20-octet limit.
///
/// `Certificate.SerialNumber()` sometimes needs a 21st byte for the sign; here the top bit is
/// cleared (positive) and the next one set (so no leading zero byte is trimmed), giving 159 bits
/// of randomness in exactly 20 bytes.
public enum SerialNumberGenerator {
    /// A fresh random serial.
    public static func next() -> Certificate.SerialNumber {
        // Three draws of 64 bits, not twenty of 8: each draw is a system call.
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        for _ in 0..<3 {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes += $0 }
        }
        bytes.removeLast(4)
        bytes[0] = (bytes[0] & 0x7f) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }
}
