// The validity period of an issued certificate, derived from the issuing CA's own period.

import Foundation

/// The NotBefore / NotAfter of a certificate Charter issues.
///
/// Invariants, which every issuing path (server, cryptogen) relies on:
/// - `notBefore = max(now − backdate, issuer.notBefore)`: a little in the past so that peers whose
///   clocks lag still accept it, but never before the CA itself became valid. A certificate that
///   starts before its CA is what Fabric reports as "x509: certificate has expired or is not yet
///   valid" right after a fast deployment.
/// - `notAfter = min(now + expiry, issuer.notAfter)`: never outlives its CA.
/// - Both are whole seconds, rounded down: X.509 time has no fractions, and rounding up could push
///   NotBefore into the future.
public struct ValidityWindow: Sendable, Hashable {
    /// The first second the certificate is valid.
    public var notBefore: Date
    /// The last second the certificate is valid.
    public var notAfter: Date

    /// Creates a window from explicit bounds.
    public init(notBefore: Date, notAfter: Date) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// The window for a certificate issued at `now` under an issuer valid over `issuer`.
    public init(now: Date, backdate: Duration, expiry: Duration, issuer: ValidityWindow) throws {
        let start = Self.wholeSeconds(now)
        let earliest = start.addingTimeInterval(-backdate.timeInterval)
        let latest = start.addingTimeInterval(expiry.timeInterval)
        self.notBefore = max(earliest, Self.wholeSeconds(issuer.notBefore, roundingUp: true))
        self.notAfter = min(latest, Self.wholeSeconds(issuer.notAfter))
        guard notBefore < notAfter else {
            throw CharterError(
                .configuration,
                "The issuing CA is not valid at \(now) (valid \(issuer.notBefore) to \(issuer.notAfter)): renew the CA"
            )
        }
    }

    /// True when this window lies inside `other` (inclusive).
    public func isInside(_ other: ValidityWindow) -> Bool {
        notBefore >= other.notBefore && notAfter <= other.notAfter
    }

    static func wholeSeconds(_ date: Date, roundingUp: Bool = false) -> Date {
        let seconds = date.timeIntervalSince1970
        return Date(timeIntervalSince1970: roundingUp ? seconds.rounded(.up) : seconds.rounded(.down))
    }
}

extension Duration {
    /// The duration in seconds, as Foundation's date arithmetic wants it.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension Duration {
    /// Whole minutes.
    public static func minutes(_ minutes: Int64) -> Duration { .seconds(minutes * 60) }
    /// Whole hours.
    public static func hours(_ hours: Int64) -> Duration { .seconds(hours * 3600) }
}
