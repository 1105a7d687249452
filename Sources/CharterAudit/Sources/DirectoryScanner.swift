// Reads certificates from folders: cryptogen trees, fabric-ca-client MSPs, Charter homes, or any
// tree of PEM files. Each distinct certificate is audited once, at the first path it was seen.

import CharterCore
import Foundation
import SwiftASN1
import X509

/// A certificate found on disk, a file that holds a certificate too weak to load, or one that
/// cannot be read at all.
enum ScannedItem: Sendable {
    case certificate(AuditedCertificate, der: [UInt8])
    case unloadable(location: String, subject: String, issuer: String, serial: String, weakness: String)
    case unreadable(location: String, reason: String)
}

/// Walks folders for certificates.
struct DirectoryScanner: Sendable {
    static let extensions: Set<String> = ["pem", "crt", "cert", "cer"]

    /// Every distinct certificate below the folders, in path order.
    static func scan(_ folders: [String]) throws -> [ScannedItem] {
        var seen = Set<[UInt8]>()
        var items: [ScannedItem] = []
        for folder in folders {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
                throw CharterError(.configuration, "\(folder) does not exist")
            }
            let files =
                isDirectory.boolValue
                ? (FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []).sorted().map {
                    "\(folder)/\($0)"
                }
                : [folder]
            for path in files where extensions.contains((path as NSString).pathExtension.lowercased()) {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { continue }
                let text: String
                do {
                    text = try String(contentsOfFile: path, encoding: .utf8)
                } catch {
                    items.append(
                        .unreadable(location: path, reason: "cannot read the file: \(error.localizedDescription)")
                    )
                    continue
                }
                // Keys, configs and CSRs share the extensions: only certificate blocks are audited.
                guard text.contains("-----BEGIN CERTIFICATE-----") else { continue }
                let documents: [PEMDocument]
                do {
                    documents = try PEMDocument.parseMultiple(pemString: text)
                } catch {
                    items.append(.unreadable(location: path, reason: "not valid PEM: \(error)"))
                    continue
                }
                for document in documents where document.discriminator == "CERTIFICATE" {
                    guard seen.insert(document.derBytes).inserted else { continue }
                    let parsed = Result { try Certificate(derEncoded: document.derBytes) }
                    if case .success(let certificate) = parsed {
                        let (isTLS, host, type) = context(of: path)
                        items.append(
                            .certificate(
                                AuditedCertificate(
                                    certificate,
                                    location: path,
                                    isTLS: isTLS,
                                    hostFolder: host,
                                    nodeType: type
                                ),
                                der: document.derBytes
                            )
                        )
                    } else if let probe = WeakKeyProbe.probe(document.derBytes) {
                        items.append(
                            .unloadable(
                                location: path,
                                subject: probe.subject,
                                issuer: probe.issuer,
                                serial: probe.serial,
                                weakness: probe.weakness
                            )
                        )
                    } else if case .failure(let error) = parsed {
                        items.append(.unreadable(location: path, reason: "not an X.509 certificate: \(error)"))
                    }
                }
            }
        }
        return items
    }

    /// What the path says: a TLS folder, and for `peers/<host>/tls/…` the node's host and type.
    static func context(of path: String) -> (isTLS: Bool, host: String?, type: String?) {
        let parts = path.split(separator: "/").map(String.init)
        let isTLS = parts.contains("tls") || parts.contains("tlscacerts")
        for (index, part) in parts.enumerated() where (part == "peers" || part == "orderers") && index + 2 < parts.count
        {
            if parts[index + 2] == "tls" {
                return (isTLS, parts[index + 1], part == "peers" ? "peer" : "orderer")
            }
        }
        return (isTLS, nil, nil)
    }
}
