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

    @Option(name: .customLong("csr.keyrequest.algo"), help: "Key algorithm (ecdsa).")
    var algorithm = "ecdsa"

    @Option(name: .customLong("csr.keyrequest.size"), help: "Key size: 256 or 384.")
    var size: Int?

    @Flag(name: .customLong("csr.keyrequest.reusekey"), help: "Keep the current key (reenroll).")
    var reuseKey = false

    @Option(name: .customLong("enrollment.profile"), help: "Signing profile (tls for a TLS certificate).")
    var profile = ""

    @Option(name: .customLong("enrollment.label"), help: "HSM label (passed through).")
    var label = ""

    @Option(name: .customLong("enrollment.attrs"), help: "Attributes to put in the certificate: name[:opt],…")
    var attributes: String?

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
            caCertificateFile: mycacertfile ?? context.settings.mycacertfile
        )
    }

    func key(settings: ClientSettings, existing: SigningKey?) throws -> SigningKey {
        if reuseKey, let existing { return existing }
        guard algorithm.lowercased() == "ecdsa" else {
            throw CharterError(.invalidRequest, "Key algorithm '\(algorithm)' is not supported (ecdsa only)")
        }
        switch size ?? settings.csr?.keyrequest?.size ?? 256 {
        case 256: return .generate(.p256)
        case 384: return .generate(.p384)
        case let other: throw CharterError(.invalidRequest, "ECDSA key size \(other) is not supported (256 or 384)")
        }
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
            return hosts.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        }
        return settings.csr?.hosts ?? [ProcessInfo.processInfo.hostName]
    }

    /// Builds the CSR for `commonName`, sends it to `path`, and stores the answer in the MSP.
    func enroll(
        _ path: String,
        commonName: String,
        existingKey: SigningKey?,
        authentication: CAClient.Authentication,
        context: ClientOptions.Context
    )
        async throws
    {
        let msp = try msp(context)
        let key = try key(settings: context.settings, existing: existingKey)
        let csr = try CertificateRequestBuilder.pem(
            key: key,
            commonName: commonName,
            names: try subjectNames(settings: context.settings),
            hosts: hostList(settings: context.settings)
        )
        let body = try JSON.encode(try request(csr: csr, settings: context.settings, caName: context.caName))
        let result = try await context.client.call("POST", path, body: body, authentication: authentication)
        try store(try JSON.decode(EnrollmentResponse.self, result), key: key, msp: msp, context: context)
        print("Stored client certificate at \(msp.directory)/\(msp.certificateFile)")
    }

    func request(csr: String, settings: ClientSettings, caName: String) throws -> EnrollmentRequest {
        var request = EnrollmentRequest(
            certificateRequest: csr,
            hosts: hostList(settings: settings),
            profile: profile,
            attributeRequests: try attributes.map(ClientFlags.attributeRequests),
            caName: caName
        )
        request.label = label
        return request
    }

    /// Stores the result; with --nodeous also the NodeOUs config pointing at the root CA file.
    func store(_ response: EnrollmentResponse, key: SigningKey, msp: MSPStore, context: ClientOptions.Context) throws {
        guard let pemData = Data(base64Encoded: response.cert) else {
            throw CharterError(.invalidResponse, "The certificate is not base64")
        }
        let pem = String(decoding: pemData, as: UTF8.self)
        try msp.storeEnrollment(
            certificatePEM: pem,
            key: key,
            serverInfo: response.serverInfo,
            caFileName: context.caFileName,
            tlsProfile: profile == "tls"
        )
        if nodeous {
            try msp.storeNodeOUs(caFile: msp.caCertificateFile ?? "cacerts/\(context.caFileName)")
        }
    }
}

struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Enroll an identity and write its MSP folder.")
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
            try await enrollment.enroll(
                "/enroll",
                commonName: enrollment.commonName ?? user,
                existingKey: try? enrollment.msp(context).identity().key,
                authentication: .basic(user: user, secret: secret),
                context: context
            )
            try writeSettingsIfMissing(options, context: context)
        }
    }
}

struct Reenroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Renew the enrollment certificate of the MSP's identity.")
    @OptionGroup var options: ClientOptions
    @OptionGroup var enrollment: EnrollmentOptions

    func run() async throws {
        try await runClient(options) { context in
            let (current, certificatePEM) = try enrollment.msp(context).identity()
            let certificate = try Certificate(pemEncoded: certificatePEM)
            try await enrollment.enroll(
                "/reenroll",
                commonName: SubjectPolicy.commonName(of: certificate.subject) ?? "",
                existingKey: current,
                authentication: .token(key: current, certificatePEM: certificatePEM),
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
            let body = try JSON.encode(["caname": context.caName])
            let result = try await context.client.call("POST", "/cainfo", body: body, authentication: .none)
            try context.msp.storeCAInfo(
                try JSON.decode(ServerInfo.self, result),
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
