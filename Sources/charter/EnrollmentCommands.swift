// `charter enroll | reenroll | getcainfo`: fabric-ca-client's enrollment verbs, writing the same MSP.

import ArgumentParser
import CharterClient
import CharterCore
import Foundation
import X509

/// The CSR and enrollment flags of enroll and reenroll.
struct EnrollmentOptions: ParsableArguments {
    @Option(name: .customLong("csr.cn"), help: "Common name of the request (default: the enrollment ID).")
    var commonName: String?

    @Option(name: .customLong("csr.names"), help: "Subject names, e.g. C=US,ST=North Carolina,O=Hyperledger,OU=Fabric.")
    var names: String?

    @Option(
        name: .customLong("csr.hosts"),
        help: "Host names and addresses for the certificate's SANs (comma-separated, repeatable)."
    )
    var hosts: [String] = []

    @Option(name: .customLong("csr.keyrequest.algo"), help: "Key algorithm: ecdsa (default) or ed25519 (Fabric 3).")
    var algorithm: String?

    @Option(name: .customLong("csr.keyrequest.size"), help: "Key size: 256 or 384.")
    var size: Int?

    @Flag(name: .customLong("csr.keyrequest.reusekey"), help: "Keep the current key (reenroll).")
    var reuseKey = false

    @Option(name: .customLong("enrollment.profile"), help: "Signing profile (tls for a TLS certificate).")
    var profile: String?

    @Option(name: .customLong("enrollment.label"), help: "HSM label (passed through).")
    var label: String?

    @Option(name: .customLong("enrollment.attrs"), help: "Attributes to put in the certificate: name[:opt],…")
    var attributes: String?

    @Option(name: .customLong("enrollment.type"), help: "x509 (default) or idemix (an Idemix credential in msp/user).")
    var type: String?

    @Option(
        name: .customLong("idemix.fabricmsp"),
        help: "With --enrollment.type idemix: also write this folder as a Fabric idemix MSP (protobuf SignerConfig)."
    )
    var fabricMSP: String?

    @Flag(help: "Also write the MSP config.yaml that Fabric NodeOUs need.")
    var nodeous = false

    @Option(help: "Where to write the certificate, relative to the MSP folder (default signcerts/cert.pem).")
    var mycertfile: String?

    @Option(help: "Where to write the private key, relative to the MSP folder (default keystore/<hash>_sk).")
    var myskfile: String?

    @Option(
        help: "Where to write the root CA certificate, relative to the MSP folder (default cacerts/<host-port>.pem)."
    )
    var mycacertfile: String?

    /// The MSP folder with the output files this enrollment names (flags, then the config file).
    func msp(_ context: ClientOptions.Context) throws -> MSPStore {
        try MSPStore(
            directory: context.msp.directory,
            certificateFile: mycertfile ?? context.settings.mycertfile,
            keyFile: myskfile ?? context.settings.myskfile,
            caCertificateFile: mycacertfile ?? context.settings.mycacertfile,
            keys: context.msp.keys
        )
    }

    /// `--csr.names`, else the config file's, else fabric-ca-client's defaults.
    func subjectNames(settings: ClientSettings) throws -> [(String, String)] {
        if let names { return try ClientFlags.names(names) }
        return (settings.csr?.names ?? ClientSettings.CSR.defaultNames).flatMap { entry in
            entry.compactMap { key, value in value.map { (key.uppercased(), $0) } }
        }
    }

    func hostList(settings: ClientSettings) -> [String] {
        if !hosts.isEmpty {
            return hosts.flatMap { $0.split(separator: ",").map { $0.trimmingSpaces } }
        }
        return settings.csr?.hosts ?? [ProcessInfo.processInfo.hostName]
    }

    /// The enrollment these flags and the home's configuration describe.
    func enrollment(commonName: String, context: ClientOptions.Context) throws -> Enrollment {
        var enrollment = Enrollment(
            commonName: commonName,
            names: try subjectNames(settings: context.settings),
            hosts: hostList(settings: context.settings)
        )
        // Flags first, then the home's configuration, as fabric-ca-client reads them.
        let settings = context.settings
        enrollment.keyAlgorithm = algorithm ?? settings.csr?.keyrequest?.algo ?? "ecdsa"
        enrollment.keySize = size ?? settings.csr?.keyrequest?.size ?? 256
        enrollment.reuseKey = reuseKey || settings.csr?.keyrequest?.reusekey == true
        enrollment.profile = profile ?? settings.enrollment?.profile ?? ""
        enrollment.label = label ?? settings.enrollment?.label ?? ""
        enrollment.attributeRequests = try attributes.map(ClientFlags.attributeRequests)
        enrollment.caName = context.caName
        enrollment.nodeOUs = nodeous
        return enrollment
    }

    /// Enrolls or reenrolls and prints where the certificate went.
    func run(
        _ credential: Enrollment.Credential,
        commonName: String,
        existingKey: SigningKey?,
        context: ClientOptions.Context
    ) async throws {
        let path = try await enrollment(commonName: commonName, context: context).run(
            credential,
            client: context.client,
            msp: try msp(context),
            caFileName: context.caFileName,
            existingKey: existingKey
        )
        print("Stored client certificate at \(path)")
    }
}

struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enroll an identity and write its MSP folder."
    )
    @OptionGroup var options: ClientOptions
    @OptionGroup var enrollment: EnrollmentOptions

    func run() async throws {
        try await runClient(options) { context in
            guard let user = context.user, let secret = context.secret, !user.isEmpty else {
                throw CharterError(
                    .invalidRequest,
                    "The URL must carry the enrollment ID and secret: -u https://<id>:<secret>@host:port"
                )
            }
            let type = (enrollment.type ?? context.settings.enrollment?.type ?? "x509").lowercased()
            guard type == "x509" || type == "idemix" else {
                throw CharterError(.invalidRequest, "--enrollment.type must be x509 or idemix, not '\(type)'")
            }
            if type == "idemix" {
                let path = try await IdemixEnrollment(
                    id: user,
                    secret: secret,
                    caName: context.caName,
                    fabricMSP: enrollment.fabricMSP.map {
                        options.absolute($0, base: FileManager.default.currentDirectoryPath)
                    }
                ).run(client: context.client, msp: try enrollment.msp(context), caFileName: context.caFileName)
                print("Stored the Idemix credential at \(path)")
                if let folder = enrollment.fabricMSP { print("Wrote the Fabric idemix MSP at \(folder)") }
                try writeSettingsIfMissing(options, context: context)
                return
            }
            guard enrollment.fabricMSP == nil else {
                throw CharterError(.invalidRequest, "--idemix.fabricmsp goes with --enrollment.type idemix")
            }
            try await enrollment.run(
                .secret(id: user, secret: secret),
                commonName: enrollment.commonName ?? user,
                existingKey: try? enrollment.msp(context).identity().key,
                context: context
            )
            try writeSettingsIfMissing(options, context: context)
        }
    }
}

struct Reenroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reenroll",
        abstract: "Renew the enrollment certificate of the MSP's identity."
    )
    @OptionGroup var options: ClientOptions
    @OptionGroup var enrollment: EnrollmentOptions

    func run() async throws {
        try await runClient(options) { context in
            let identity = try enrollment.msp(context).identity()
            let certificate = try Certificate(pemEncoded: identity.certificatePEM)
            try await enrollment.run(
                .token(identity),
                commonName: SubjectPolicy.commonName(of: certificate.subject) ?? "",
                existingKey: identity.key,
                context: context
            )
        }
    }
}

struct GetCAInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "getcainfo",
        abstract: "Fetch the CA chain into the MSP's cacerts folder.",
        aliases: ["getcacert"]
    )
    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await runClient(options) { context in
            try context.msp.storeCAInfo(
                try await context.client.caInfo(caName: context.caName),
                caFileName: context.caFileName,
                tlsProfile: false
            )
            print("Stored root CA certificate at \(context.msp.directory)/cacerts/\(context.caFileName)")
        }
    }
}

/// fabric-ca-client writes its config file into the home on first use.
func writeSettingsIfMissing(_ options: ClientOptions, context: ClientOptions.Context) throws {
    guard !FileManager.default.fileExists(atPath: options.configPath) else { return }
    var settings = context.settings
    settings.url = context.url.absoluteString
    settings.mspdir = settings.mspdir ?? options.mspdir ?? "msp"
    if !options.trustFiles.isEmpty {
        settings.tls = ClientSettings.TLS(certfiles: options.trustFiles.map { options.resolve($0) })
    }
    if settings.csr == nil {
        settings.csr = ClientSettings.CSR()
    }
    try settings.write(to: options.configPath)
}
