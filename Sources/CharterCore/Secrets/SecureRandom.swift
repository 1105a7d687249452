// Where Charter's random bytes come from: serial numbers, key scalars, secrets and keys of its own.

import CCharterRandom

/// Bytes from the operating system's cryptographic generator.
///
/// One system call per draw: `SystemRandomNumberGenerator`, and swift-crypto's `SymmetricKey`
/// built on it, make one per 8 bytes, four for a P-256 scalar and three for a serial number, and
/// issuing a certificate draws both.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(count, 0))
        let filled = bytes.withUnsafeMutableBytes { charter_random_fill($0.baseAddress, $0.count) == 0 }
        if !filled {
            // The standard library's generator falls back to /dev/urandom, and stops the process
            // when the system has no randomness to give.
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
        }
        return bytes
    }
}
