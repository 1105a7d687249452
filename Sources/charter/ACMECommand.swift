// `charter acme eab add | list | remove`: registrars hand out ACME external account binding keys.

import ArgumentParser
import CharterClient
import CharterCore
import Foundation

struct ACMECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acme",
        abstract: "Manage what ACME clients need from a registrar.",
        subcommands: [ExternalKeys.self]
    )

    struct ExternalKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eab",
            abstract: "External account binding keys: an ACME account bound with one acts for its identity.",
            subcommands: [Add.self, List.self, Remove.self]
        )
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Make a key for an identity; prints its kid and hmac (base64url), shown only now."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "Enrollment ID the bound account acts for.") var id: String

        func run() async throws {
            try await runClient(options) { context in
                let key = try await context.client.addExternalKey(
                    ExternalKeyRequest(id: id, caname: context.caName),
                    as: try context.identity
                )
                print("kid: \(key.kid)")
                print("hmac: \(key.hmac ?? "")")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the keys of identities the caller may see, and the accounts they bound."
        )
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await runClient(options) { context in
                for key in try await context.client.externalKeys(caName: context.caName, as: try context.identity).keys
                {
                    print("kid: \(key.kid) id: \(key.id) account: \(key.account ?? "-") created: \(key.created)")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove a key; an account it already bound keeps working until deactivated."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The key's kid.") var kid: String

        func run() async throws {
            try await runClient(options) { context in
                let key = try await context.client.removeExternalKey(
                    kid,
                    caName: context.caName,
                    as: try context.identity
                )
                print("Removed key \(key.kid) of \(key.id)")
            }
        }
    }
}
