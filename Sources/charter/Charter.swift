// The `charter` command: one binary for the CA server, the client, renewal, cryptogen and audit verbs.

import ArgumentParser

/// Every command names itself (`commandName`): ArgumentParser otherwise derives each name with
/// `String(describing:)`, which scans the runtime's conformance tables at every start.
@main
struct Charter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "charter",
        abstract: "A certificate authority for Hyperledger Fabric, compatible with fabric-ca.",
        subcommands: [
            ServerCommand.self, Enroll.self, Reenroll.self, Register.self, Revoke.self, GenCRL.self, GetCAInfo.self,
            IdentityCommand.self, AffiliationCommand.self, CertificateCommand.self, CryptogenCommand.self,
            AuditCommand.self, RenewCommand.self, LogCommand.self, ACMECommand.self,
            Version.self, DocsCommand.self,
        ]
    )
}
