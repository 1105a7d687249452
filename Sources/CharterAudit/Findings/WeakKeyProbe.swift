// Certificates whose keys swift-certificates refuses to load (RSA under 2048 bits, curves under
// P-256) are exactly the weak ones: this reads just enough DER to say what the key is.

import CharterCore
import Foundation
import SwiftASN1
import X509

/// Describes the key of a certificate that does not parse as a usable certificate.
enum WeakKeyProbe {
    static let rsa: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let ec: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let curves: [ASN1ObjectIdentifier: String] = [
        [1, 2, 840, 10045, 3, 1, 1]: "P-192",
        [1, 3, 132, 0, 33]: "P-224",
        [1, 3, 132, 0, 10]: "secp256k1",
    ]

    /// `(subject, issuer, serial hex, weakness)`, or nil when the DER is not a certificate at all.
    static func probe(_ der: [UInt8]) -> (subject: String, issuer: String, serial: String, weakness: String)? {
        guard let root = try? DER.parse(der), case .constructed(let top) = root.content,
            let tbs = Array(top).first, case .constructed(let fieldsSequence) = tbs.content
        else { return nil }
        var fields = Array(fieldsSequence)
        if fields.first?.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            fields.removeFirst()
        }
        guard fields.count >= 6,
            let serial = try? ArraySlice<UInt8>(derEncoded: fields[0]),
            let issuer = try? DistinguishedName(derEncoded: fields[2]),
            let subject = try? DistinguishedName(derEncoded: fields[4]),
            case .constructed(let spkiParts) = fields[5].content
        else { return nil }
        let spki = Array(spkiParts)
        guard spki.count == 2, case .constructed(let algorithmParts) = spki[0].content else { return nil }
        let algorithm = Array(algorithmParts)
        guard let oid = try? ASN1ObjectIdentifier(derEncoded: algorithm[0]) else { return nil }
        let serialHex = Hex.canonicalSerial(Hex.encode(serial)) ?? "0"
        var weakness = "unsupported key algorithm \(oid)"
        if oid == rsa, let bits = try? ASN1BitString(derEncoded: spki[1]),
            let modulus = rsaModulusBits(Array(bits.bytes))
        {
            weakness = "RSA \(modulus) bits"
        } else if oid == ec, algorithm.count > 1, let curve = try? ASN1ObjectIdentifier(derEncoded: algorithm[1]) {
            weakness = "EC curve \(curves[curve] ?? "\(curve)")"
        }
        return (subject.description, issuer.description, serialHex, weakness)
    }

    static func rsaModulusBits(_ key: [UInt8]) -> Int? {
        guard let node = try? DER.parse(key), case .constructed(let parts) = node.content,
            let modulusNode = Array(parts).first, let modulus = try? ArraySlice<UInt8>(derEncoded: modulusNode)
        else { return nil }
        let trimmed = modulus.drop { $0 == 0 }
        guard let first = trimmed.first else { return 0 }
        return (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
