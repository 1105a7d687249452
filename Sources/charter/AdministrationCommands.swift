// `charter register | revoke | gencrl | identity | affiliation | certificate | version`:
// fabric-ca-client's token-authenticated verbs, signed with the MSP's identity.

import ArgumentParser
import CharterClient
import CharterCore
import Foundation

extension ClientOptions.Context {
    /// The MSP's identity, which signs every token-authenticated call.
    var identity: ClientIdentity {
        get throws { try msp.identity() }
    }
}

struct Register: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a new identity; prints its secret."
    )
    @OptionGroup var options: ClientOptions
    @Option(name: .customLong("id.name"), help: "Enrollment ID.") var name: String
    @Option(name: .customLong("id.secret"), help: "Secret (generated when absent).") var secret: String?
    @Option(name: .customLong("id.type"), help: "Type: client, peer, orderer, admin, …") var type = "client"
    @Option(name: .customLong("id.affiliation"), help: "Affiliation (default: the registrar's).") var affiliation:
        String?
    @Option(name: .customLong("id.attrs"), help: "Attributes: name=value[:ecert],… (quote values holding commas).")
    var attrs: String?
    @Option(name: .customLong("id.maxenrollments"), help: "Enrollments allowed (0: the CA's default, -1: unlimited).")
    var maxEnrollments = 0

    func run() async throws {
        try await runClient(options) { context in
            var request = RegistrationRequest(
                id: name,
                type: type,
                secret: secret,
                maxEnrollments: maxEnrollments == 0 ? nil : maxEnrollments,
                affiliation: affiliation,
                attributes: try attrs.map(ClientFlags.identityAttributes)
            )
            request.caName = context.caName
            let result = try await context.client.register(request, as: try context.identity)
            print("Password: \(result.secret)")
        }
    }
}

struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke an identity (all its certificates) or one certificate."
    )
    @OptionGroup var options: ClientOptions
    @Option(name: [.customShort("e"), .customLong("revoke.name")], help: "Enrollment ID to revoke.") var name: String?
    @Option(name: [.customShort("s"), .customLong("revoke.serial")], help: "Serial of the certificate (hex).")
    var serial: String?
    @Option(name: [.customShort("a"), .customLong("revoke.aki")], help: "AKI of the certificate (hex).") var aki:
        String?
    @Option(name: [.customShort("r"), .customLong("revoke.reason")], help: "Reason (keycompromise, superseded, …).")
    var reason: String?
    @Flag(help: "Also generate a CRL into crls/crl.pem.") var gencrl = false

    func run() async throws {
        try await runClient(options) { context in
            var request = RevocationRequest(id: name, serial: serial, aki: aki, reason: reason, gencrl: gencrl)
            request.caName = context.caName
            let result = try await context.client.revoke(request, as: try context.identity)
            let revoked = result.revokedCerts.map { "{Serial:\($0.serial) AKI:\($0.aki)}" }.joined(separator: " ")
            print("Successfully revoked certificates: [\(revoked)]")
            if gencrl, let pem = Data(base64Encoded: result.crl) {
                try context.msp.storeCRL(String(decoding: pem, as: UTF8.self))
                print("Stored CRL at \(context.msp.directory)/crls/crl.pem")
            }
        }
    }
}

struct GenCRL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gencrl",
        abstract: "Generate a CRL into crls/crl.pem."
    )
    @OptionGroup var options: ClientOptions
    @Option(help: "Only certificates revoked after this RFC 3339 time.") var revokedafter: String?
    @Option(help: "Only certificates revoked before this RFC 3339 time.") var revokedbefore: String?
    @Option(help: "Only certificates expiring after this RFC 3339 time.") var expireafter: String?
    @Option(help: "Only certificates expiring before this RFC 3339 time.") var expirebefore: String?

    func run() async throws {
        try await runClient(options) { context in
            func time(_ text: String?, _ name: String) throws -> Date? {
                guard let text else { return nil }
                guard let date = GoTime.parse(text) else {
                    throw CharterError(.invalidRequest, "--\(name) '\(text)' is not an RFC 3339 time")
                }
                return date
            }
            let request = CRLRequest(
                revokedAfter: try time(revokedafter, "revokedafter"),
                revokedBefore: try time(revokedbefore, "revokedbefore"),
                expireAfter: try time(expireafter, "expireafter"),
                expireBefore: try time(expirebefore, "expirebefore")
            )
            let result = try await context.client.generateCRL(request, as: try context.identity)
            guard let pem = Data(base64Encoded: result.crl) else {
                throw CharterError(.invalidResponse, "The CRL is not base64")
            }
            try context.msp.storeCRL(String(decoding: pem, as: UTF8.self))
            print("Stored CRL at \(context.msp.directory)/crls/crl.pem")
        }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Charter's version.")
    // Accepted and ignored, as fabric-ca-client accepts its global flags on every verb.
    @OptionGroup var options: ClientOptions

    func run() {
        print("charter \(CharterVersion.version) (fabric-ca protocol \(CharterVersion.protocolVersion))")
    }
}
