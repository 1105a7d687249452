// `idemix:` — fabric-ca's Idemix issuer settings, with its defaults.

import CharterCore

extension ServerConfiguration {
    /// How the CA's Idemix issuer hands out revocation handles and nonces.
    public struct Idemix: Sendable, Codable {
        /// Revocation handles per epoch: the epoch advances each time this many were issued.
        public var rhpoolsize = 1000
        /// How long a nonce from `/idemix/credential` may be answered (Go duration).
        public var nonceexpiration = "15s"
        /// fabric-ca's sweep of expired nonces (no effect: they are deleted as new ones are made).
        public var noncesweepinterval = "15m"
        /// The curve: only fabric-ca's default, `amcl.Fp256bn`.
        public var curve = "amcl.Fp256bn"

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Idemix()
            rhpoolsize = try c.decodeIfPresent(Int.self, forKey: .rhpoolsize) ?? d.rhpoolsize
            nonceexpiration = try c.decodeIfPresent(String.self, forKey: .nonceexpiration) ?? d.nonceexpiration
            noncesweepinterval = try c.decodeIfPresent(String.self, forKey: .noncesweepinterval) ?? d.noncesweepinterval
            curve = try c.decodeIfPresent(String.self, forKey: .curve) ?? d.curve
        }

        /// The nonce lifetime, checked: between 1 s and 1 h.
        public func nonceLifetime() throws -> Duration {
            let lifetime = try DurationText.parse(nonceexpiration)
            guard lifetime >= .seconds(1), lifetime <= .seconds(3600) else {
                throw CharterError(
                    .configuration,
                    "idemix.nonceexpiration must lie between 1s and 1h, not '\(nonceexpiration)'"
                )
            }
            return lifetime
        }

        /// The pool size, checked.
        public func poolSize() throws -> Int {
            guard (1...1_000_000_000).contains(rhpoolsize) else {
                throw CharterError(.configuration, "idemix.rhpoolsize must lie between 1 and 10^9, not \(rhpoolsize)")
            }
            return rhpoolsize
        }
    }
}
