// `charter identity | affiliation | certificate`: fabric-ca-client's registry verbs, with its output lines.

import ArgumentParser
import CharterClient
import CharterCore
import Foundation
import X509

/// Identity output as fabric-ca-client prints it.
func describe(_ identity: IdentityInfo) -> String {
    let attributes = identity.attrs.map { "{Name:\($0.name) Value:\($0.value) ECert:\($0.ecert)}" }.joined(
        separator: " "
    )
    return
        "Name: \(identity.id), Type: \(identity.type), Affiliation: \(identity.affiliation), Max Enrollments: \(identity.maxEnrollments), Attributes: [\(attributes)]"
}

struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Manage identities.",
        subcommands: [List.self, Add.self, Modify.self, Remove.self]
    )

    struct Fields: ParsableArguments {
        @Option(help: "Type of the identity.") var type: String?
        @Option(help: "Affiliation.") var affiliation: String?
        @Option(help: "Attributes: name=value[:ecert],…") var attrs: String?
        @Option(help: "Enrollments allowed.") var maxenrollments: Int?
        @Option(help: "Secret.") var secret: String?
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the identities the caller may see, or one (--id)."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Only this identity.") var id: String?

        func run() async throws {
            try await runClient(options) { context in
                let caller = try context.identity
                if let id {
                    print(describe(try await context.client.identity(id, caName: context.caName, as: caller)))
                } else {
                    let list = try await context.client.identities(caName: context.caName, as: caller)
                    for identity in list.identities { print(describe(identity)) }
                }
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an identity.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Enrollment ID.") var id: String
        @OptionGroup var fields: Fields

        func run() async throws {
            try await runClient(options) { context in
                var request = RegistrationRequest(
                    id: id,
                    type: fields.type,
                    secret: fields.secret,
                    maxEnrollments: fields.maxenrollments,
                    affiliation: fields.affiliation,
                    attributes: try fields.attrs.map(ClientFlags.identityAttributes)
                )
                request.caName = context.caName
                let identity = try await context.client.addIdentity(request, as: try context.identity)
                print("Successfully added identity - \(describe(identity)), Secret: \(identity.secret ?? "")")
            }
        }
    }

    struct Modify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "modify", abstract: "Modify an identity.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "Enrollment ID.") var id: String
        @OptionGroup var fields: Fields

        func run() async throws {
            try await runClient(options) { context in
                var request = IdentityModification(
                    type: fields.type,
                    affiliation: fields.affiliation,
                    attrs: try fields.attrs.map(ClientFlags.identityAttributes),
                    maxEnrollments: fields.maxenrollments,
                    secret: fields.secret
                )
                request.caName = context.caName
                let identity = try await context.client.modifyIdentity(id, request, as: try context.identity)
                print("Successfully modified identity - \(describe(identity))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove an identity (revokes its certificates)."
        )
        @OptionGroup var options: ClientOptions
        @Argument(help: "Enrollment ID.") var id: String
        @Flag(help: "Allow removing your own identity.") var force = false

        func run() async throws {
            try await runClient(options) { context in
                let removed = try await context.client.removeIdentity(
                    id,
                    force: force,
                    caName: context.caName,
                    as: try context.identity
                )
                print("Successfully removed identity - \(describe(removed))")
            }
        }
    }
}

struct AffiliationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "affiliation",
        abstract: "Manage affiliations.",
        subcommands: [List.self, Add.self, Modify.self, Remove.self]
    )

    static func print(_ node: AffiliationInfo, depth: Int = 0) {
        Swift.print(String(repeating: "   ", count: depth) + "affiliation: \(node.name)")
        for child in node.affiliations ?? [] { print(child, depth: depth + 1) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the affiliation tree, or one branch (--affiliation)."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Only this branch.") var affiliation: String?

        func run() async throws {
            try await runClient(options) { context in
                AffiliationCommand.print(
                    try await context.client.affiliations(affiliation, caName: context.caName, as: try context.identity)
                )
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an affiliation (--force creates missing parents)."
        )
        @OptionGroup var options: ClientOptions
        @Argument var name: String
        @Flag var force = false

        func run() async throws {
            try await runClient(options) { context in
                var request = AffiliationRequest(name: name)
                request.caName = context.caName
                try await context.client.addAffiliation(request, force: force, as: try context.identity)
                Swift.print("Successfully added affiliation: \(name)")
            }
        }
    }

    struct Modify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "modify",
            abstract: "Rename an affiliation (--force when it has identities or branches)."
        )
        @OptionGroup var options: ClientOptions
        @Argument var name: String
        @Option(help: "The new name.") var newName: String
        @Flag var force = false

        func run() async throws {
            try await runClient(options) { context in
                var request = AffiliationRequest(name: newName)
                request.caName = context.caName
                let result = try await context.client.modifyAffiliation(
                    name,
                    request,
                    force: force,
                    as: try context.identity
                )
                Swift.print("Successfully modified affiliation: \(name) -> \(result.name)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove an affiliation (--force removes its branches and identities)."
        )
        @OptionGroup var options: ClientOptions
        @Argument var name: String
        @Flag var force = false

        func run() async throws {
            try await runClient(options) { context in
                let result = try await context.client.removeAffiliation(
                    name,
                    force: force,
                    caName: context.caName,
                    as: try context.identity
                )
                Swift.print("Successfully removed affiliation: \(result.name)")
            }
        }
    }
}

struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Query certificates.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List certificates the caller may see."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Enrollment ID.") var id: String?
        @Option(help: "Serial (hex).") var serial: String?
        @Option(help: "AKI (hex).") var aki: String?
        @Option(
            parsing: .unconditional,
            help: "Expiring within <start>::<end> (RFC 3339, durations such as -30d, or now)."
        ) var expiration: String?
        @Option(parsing: .unconditional, help: "Revoked within <start>::<end>.") var revocation: String?
        @Flag(help: "Leave out expired certificates.") var notexpired = false
        @Flag(help: "Leave out revoked certificates.") var notrevoked = false
        @Option(help: "Store the certificates as PEM files in this folder (relative to the home).") var store: String?

        func range(_ text: String?, _ name: String) throws -> (String, String)? {
            guard let text else { return nil }
            let parts = text.components(separatedBy: "::")
            guard parts.count == 2 else {
                throw CharterError(.invalidRequest, "--\(name) takes <start>::<end>, not '\(text)'")
            }
            let now = GoTime.format(Date())
            return (parts[0].lowercased() == "now" ? now : parts[0], parts[1].lowercased() == "now" ? now : parts[1])
        }

        func run() async throws {
            try await runClient(options) { context in
                var query: [(String, String)] = []
                if let id { query.append(("id", id)) }
                if let serial { query.append(("serial", serial)) }
                if let aki { query.append(("aki", aki)) }
                if let (start, end) = try range(expiration, "expiration") {
                    query += [("expired_start", start), ("expired_end", end)]
                }
                if let (start, end) = try range(revocation, "revocation") {
                    query += [("revoked_start", start), ("revoked_end", end)]
                }
                query += [("notexpired", "\(notexpired)"), ("notrevoked", "\(notrevoked)")]
                let listing = try await context.client.certificates(query, as: try context.identity)
                var listed: [(pem: String, certificate: Certificate)] = []
                for entry in listing.certs {
                    let certificate = try Certificate(pemEncoded: entry.pem)
                    Swift.print(
                        "Serial: \(Hex.encode(certificate.serialNumber.bytes)), Subject: \(certificate.subject), Issuer: \(certificate.issuer), NotBefore: \(GoTime.format(certificate.notValidBefore)), NotAfter: \(GoTime.format(certificate.notValidAfter))"
                    )
                    listed.append((entry.pem, certificate))
                }
                if let store {
                    try CertificateStore(folder: options.absolute(store, base: options.homeDirectory)).store(listed)
                }
            }
        }
    }
}
