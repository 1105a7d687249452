// RFC 5280 revocation reasons, with the names fabric-ca-client accepts for `--revoke.reason`.

import Foundation

/// Why a certificate was revoked (RFC 5280 CRLReason).
public enum RevocationReason: Int, Sendable, CaseIterable, Codable {
    case unspecified = 0
    case keyCompromise = 1
    case caCompromise = 2
    case affiliationChanged = 3
    case superseded = 4
    case cessationOfOperation = 5
    case certificateHold = 6
    case removeFromCRL = 8
    case privilegeWithdrawn = 9
    case aaCompromise = 10

    /// fabric-ca's lower-case name of the reason.
    public var name: String {
        switch self {
        case .unspecified: return "unspecified"
        case .keyCompromise: return "keycompromise"
        case .caCompromise: return "cacompromise"
        case .affiliationChanged: return "affiliationchange"
        case .superseded: return "superseded"
        case .cessationOfOperation: return "cessationofoperation"
        case .certificateHold: return "certificatehold"
        case .removeFromCRL: return "removefromcrl"
        case .privilegeWithdrawn: return "privilegewithdrawn"
        case .aaCompromise: return "aacompromise"
        }
    }

    /// A reason from its name in any case (or its number); empty means unspecified.
    public init(name: String) throws {
        let wanted = name.lowercased().replacingOccurrences(of: "_", with: "")
        if wanted.isEmpty {
            self = .unspecified
            return
        }
        if let number = DecimalInteger.parse(wanted, in: 0...10), let reason = RevocationReason(rawValue: number) {
            self = reason
            return
        }
        guard
            let reason = Self.allCases.first(where: {
                $0.name == wanted || ($0 == .affiliationChanged && wanted == "affiliationchanged")
            })
        else {
            let known = Self.allCases.map(\.name).joined(separator: ", ")
            throw CharterError(.invalidRequest, "Unknown revocation reason '\(name)' (one of: \(known))")
        }
        self = reason
    }
}
