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
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        bytes[0] = (bytes[0] & 0x7f) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }
}
