// Serial numbers of issued certificates: 20 random bytes, positive, always 20 bytes of DER.

import X509

/// Makes certificate serial numbers that fit RFC 5280's 20-octet limit.
///
/// `Certificate.SerialNumber()` sometimes needs a 21st byte for the sign; here the top bit is
/// cleared (positive) and the next one set (so no leading zero byte is trimmed), giving 158 bits
/// of randomness in exactly 20 bytes.
public enum SerialNumberGenerator {
    /// A fresh random serial.
    public static func next() -> Certificate.SerialNumber {
        var bytes = SecureRandom.bytes(count: 20)
        bytes[0] = (bytes[0] & 0x7f) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }
}
