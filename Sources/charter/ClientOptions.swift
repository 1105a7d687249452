// The flags every fabric-ca-client verb shares (-u, -H, -M, --tls.*, --caname, -c, -d), and the
// context they resolve to: a CA connection, an MSP folder, the home's settings.

import ArgumentParser
import CharterClient
import CharterCore
import CharterPKCS11
import Foundation

struct ClientOptions: ParsableArguments {
    @Option(name: [.customShort("u"), .long], help: "URL of the CA server (credentials in it for enroll).")
    var url: String?

    @Option(
        name: [.customShort("H"), .long],
        help: "Client home (default $FABRIC_CA_CLIENT_HOME, then ~/.fabric-ca-client)."
    )
    var home: String?

    @Option(name: [.customShort("M"), .long], help: "MSP folder, relative to the home.")
    var mspdir: String?

    @Option(
        name: [.customShort("c"), .long],
        help: "Client configuration file (default <home>/fabric-ca-client-config.yaml)."
    )
    var config: String?

    @Option(
        name: .customLong("tls.certfiles"),
        help: "PEM files trusted for the server's TLS certificate (comma-separated, repeatable)."
    )
    var tlsCertfiles: [String] = []

    var trustFiles: [String] { CAConnection.items(tlsCertfiles) }

    @Option(name: .customLong("tls.client.certfile"), help: "Client certificate for mutual TLS.")
    var tlsClientCertfile: String?

    @Option(name: .customLong("tls.client.keyfile"), help: "Client key for mutual TLS.")
    var tlsClientKeyfile: String?

    @Option(name: [.customLong("caname")], help: "Name of the CA on the server.")
    var caname: String?

    @Flag(name: [.customShort("d"), .long], help: "Print each request and its answer's status on standard error.")
    var debug = false

    var homeDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        let chosen = home ?? environment["FABRIC_CA_CLIENT_HOME"] ?? "\(NSHomeDirectory())/.fabric-ca-client"
        return absolute(chosen, base: FileManager.default.currentDirectoryPath)
    }

    var configPath: String {
        config.map { absolute($0, base: FileManager.default.currentDirectoryPath) }
            ?? "\(homeDirectory)/\(ClientSettings.fileName)"
    }

    func settings() throws -> ClientSettings {
        try ClientSettings.load(configPath, environment: ProcessInfo.processInfo.environment)
    }

    func absolute(_ path: String, base: String) -> String {
        path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    }

    /// The connection, MSP and settings a verb works with.
    struct Context {
        let client: CAClient
        let msp: MSPStore
        let settings: ClientSettings
        let caName: String
        let user: String?
        let secret: String?
        let url: URL

        /// `<host>-<port>[-<caname>].pem`, as fabric-ca-client names CA files.
        var caFileName: String { client.caFileName(caName: caName) }
    }

    func context() throws -> Context {
        let settings = try settings()
        guard let text = url ?? settings.url else {
            throw CharterError(.invalidRequest, "No CA URL: pass -u https://host:port (or set url in \(configPath))")
        }
        let trust = (trustFiles.isEmpty ? settings.tls?.certfiles ?? [] : trustFiles).map { resolve($0) }
        // Before the connection: a key store that cannot open stops here, with nothing to shut down.
        let keys = try KeyStore(settings.bccsp)
        let connection = try CAConnection(
            url: text,
            trusting: trust,
            clientCertificate: (tlsClientCertfile ?? settings.tls?.client?.certfile).map(resolve),
            clientKey: (tlsClientKeyfile ?? settings.tls?.client?.keyfile).map(resolve),
            debug: debug
        )
        // The home is the owner's only, as fabric-ca-client makes it; an existing one is left as it is.
        try FileWriter.makeFolder(homeDirectory, mode: 0o700)
        let mspFolder = absolute(mspdir ?? settings.mspdir ?? "msp", base: homeDirectory)
        return Context(
            client: connection.client,
            msp: try MSPStore(directory: mspFolder, keys: keys),
            settings: settings,
            caName: caname ?? settings.caname ?? "",
            user: connection.user,
            secret: connection.secret,
            url: connection.url
        )
    }

    /// A file flag: as given if it exists, else relative to the home (as fabric-ca-client resolves config paths).
    func resolve(_ path: String) -> String {
        let cwd = absolute(path, base: FileManager.default.currentDirectoryPath)
        return FileManager.default.fileExists(atPath: cwd) ? cwd : absolute(path, base: homeDirectory)
    }
}

/// Runs a client verb: its errors print as `Error: <message> (code N)` and exit 1.
func runClient(_ options: ClientOptions, _ body: (ClientOptions.Context) async throws -> Void) async throws {
    var context: ClientOptions.Context?
    do {
        context = try options.context()
        if let context { try await body(context) }
        await context?.client.shutdown()
    } catch let error as CharterError {
        await context?.client.shutdown()
        printError(error)
        throw ExitCode.failure
    }
}
