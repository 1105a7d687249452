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

    /// How far NotBefore is set in the past unless configured otherwise: five minutes, fabric-ca's
    /// and cryptogen's amount, for peers whose clocks lag a little.
    public static let defaultBackdate: Duration = .minutes(5)

    /// The window of a self-signed root issued at `now`: nothing above it to stay inside.
    public init(now: Date, backdate: Duration, expiry: Duration) {
        let start = Self.wholeSeconds(now)
        self.notBefore = start.addingTimeInterval(-backdate.timeInterval)
        self.notAfter = start.addingTimeInterval(expiry.timeInterval)
    }

    /// The window for a certificate issued at `now` under an issuer valid over `issuer`.
    public init(now: Date, backdate: Duration, expiry: Duration, issuer: ValidityWindow) throws {
        let unclamped = ValidityWindow(now: now, backdate: backdate, expiry: expiry)
        self.notBefore = max(unclamped.notBefore, Self.wholeSeconds(issuer.notBefore, roundingUp: true))
        self.notAfter = min(unclamped.notAfter, Self.wholeSeconds(issuer.notAfter))
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
