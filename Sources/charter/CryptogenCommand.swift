// `charter cryptogen generate|extend|showtemplate`: Fabric cryptogen's verbs and flags.

import ArgumentParser
import CharterCore
import CharterCryptogen
import Foundation

struct CryptogenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cryptogen",
        abstract: "Generate a network's keys and certificates from crypto-config.yaml (replaces cryptogen).",
        subcommands: [Generate.self, Extend.self, ShowTemplateCommand.self]
    )

    struct Options: ParsableArguments {
        @Option(help: "The crypto-config.yaml to read.")
        var config: String

        @Option(help: "How far NotBefore is set in the past, never before the CA's own (default 5m).")
        var backdate: String?

        @Flag(help: "Write node.env (CORE_PEER_* / ORDERER_GENERAL_*) in every peer and orderer folder.")
        var env = false

        @Option(help: "Record every issued certificate in this Charter SQLite database.")
        var record: String?

        func generator(output: String) throws -> CryptoGenerator {
            let text = try TextFile.read(config)
            var generator = CryptoGenerator(config: try CryptoConfigParser.parse(text, source: config), output: output)
            if let backdate { generator.backdate = try DurationText.parse(backdate) }
            generator.environmentFiles = env
            generator.recordDatabase = record
            generator.showProgress = true
            return generator
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate the whole tree.")
        @OptionGroup var options: Options
        @Option(help: "The output folder.") var output = "crypto-config"
        @Flag(help: "Replace organisations that already exist in the output.") var force = false

        func run() async throws {
            try await report { try await options.generator(output: output).generate(force: force) }
        }
    }

    struct Extend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extend",
            abstract: "Add what the config has and the tree lacks, signing with the existing CAs."
        )
        @OptionGroup var options: Options
        @Option(name: [.customLong("input"), .customLong("output")], help: "The existing tree.") var input =
            "crypto-config"

        func run() async throws {
            try await report { try await options.generator(output: input).extend() }
        }
    }

    struct ShowTemplateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "showtemplate",
            abstract: "Print a commented crypto-config.yaml."
        )
        func run() { print(ShowTemplate.text, terminator: "") }
    }
}

/// Runs a batch, printing its summary or its error (exit 1).
func report(_ body: () async throws -> CryptoGenerator.Summary) async throws {
    do {
        let summary = try await body()
        FileHandle.standardError.write(
            Data(
                "\(summary.certificates) certificates, \(summary.files) files (\(summary.organisations) new organisations, \(summary.addedMembers) new nodes and users)\n"
                    .utf8
            )
        )
    } catch let error as CharterError {
        printError(error)
        throw ExitCode.failure
    }
}
