// The CAs one server runs: the default CA of the home, and those of `cafiles` (one config file
// each, its folder the CA's own home) and `cacount` (`ca1…caN` under `<home>/ca/`), as
// fabric-ca-server runs them. Each has its own name, key, certificate, profiles, affiliations and
// registry; the listeners, TLS and operations belong to the server.

import CharterCore
import Foundation

/// Every CA a server answers for, the default one first.
public struct ServerCAs: Sendable {
    /// The default CA: the one requests without a CA name reach.
    public let primary: ServerHome
    /// The other CAs, reached by `caname`.
    public let others: [ServerHome]

    /// All CAs, the default one first.
    public var all: [ServerHome] { [primary] + others }

    /// The config file of a CA made by `cacount` or `--tlsca`, in its own folder.
    public static let caConfigFileName = "charter-ca-config.yaml"

    /// Opens (creating what is missing) the CAs the primary home's configuration names.
    ///
    /// - Parameter bootstrap: registered in every CA when missing, as for the default CA.
    public static func open(primary: ServerHome, bootstrap: ServerConfiguration.BootstrapIdentity?) async throws
        -> ServerCAs
    {
        let configuration = primary.configuration
        let files = HomeFiles(root: primary.path)
        var entries: [(file: String, configuration: ServerConfiguration)] = []
        for file in configuration.cafiles {
            let path = files.resolve(file)
            entries.append((path, try ServerConfiguration.load(contentsOf: path)))
        }
        guard (0...64).contains(configuration.cacount) else {
            throw CharterError(.configuration, "cacount must lie between 0 and 64, not \(configuration.cacount)")
        }
        if configuration.cacount > 0 {
            guard try configuration.db.kind() == .sqlite else {
                throw CharterError(
                    .configuration,
                    "cacount makes SQLite CAs; with \(configuration.db.type) give each CA its own database through cafiles"
                )
            }
            for index in 1...configuration.cacount {
                let path = files.resolve("ca/ca\(index)/\(caConfigFileName)")
                if FileManager.default.fileExists(atPath: path) {
                    entries.append((path, try ServerConfiguration.load(contentsOf: path)))
                } else {
                    entries.append((path, derived(from: configuration, name: "ca\(index)")))
                }
            }
        }
        var names: Set<String> = [configuration.ca.name]
        var others: [ServerHome] = []
        for (file, var caConfiguration) in entries {
            let name = caConfiguration.ca.name
            guard !name.isEmpty else { throw CharterError(.configuration, "\(file): ca.name must be set") }
            guard names.insert(name).inserted else {
                throw CharterError(.configuration, "\(file): a CA named '\(name)' already exists in this server")
            }
            // Listeners and TLS are the server's; CAs do not nest.
            caConfiguration.tls.enabled = false
            caConfiguration.cafiles = []
            caConfiguration.cacount = 0
            caConfiguration.compatibility = configuration.compatibility
            others.append(
                try await ServerHome.open(
                    path: (file as NSString).deletingLastPathComponent,
                    configuration: caConfiguration,
                    bootstrap: bootstrap,
                    configFile: (file as NSString).lastPathComponent
                )
            )
        }
        return ServerCAs(primary: primary, others: others)
    }

    /// Where the CA named `name` lives (its home folder) and its configuration, without opening
    /// it: `""` or the default CA's name is the home itself.
    public static func location(ofCA name: String, configuration: ServerConfiguration, home: String) throws
        -> (path: String, configuration: ServerConfiguration)
    {
        if name.isEmpty || name == configuration.ca.name { return (home, configuration) }
        let files = HomeFiles(root: home)
        var candidates = configuration.cafiles.map(files.resolve)
        if configuration.cacount > 0 {
            candidates += (1...min(configuration.cacount, 64)).map { files.resolve("ca/ca\($0)/\(caConfigFileName)") }
        }
        for file in candidates where FileManager.default.fileExists(atPath: file) {
            let loaded = try ServerConfiguration.load(contentsOf: file)
            if loaded.ca.name == name { return ((file as NSString).deletingLastPathComponent, loaded) }
        }
        throw CharterError(.unknownCA, "CA '\(name)' does not exist in \(home)")
    }

    /// A CA like the default one under another name, with its own SQLite registry.
    public static func derived(from configuration: ServerConfiguration, name: String) -> ServerConfiguration {
        var derived = configuration
        derived.ca = ServerConfiguration.CA()
        derived.ca.name = name
        derived.csr.cn = name
        derived.db = ServerConfiguration.DB()
        derived.cafiles = []
        derived.cacount = 0
        derived.intermediate = ServerConfiguration.Intermediate()
        return derived
    }

    /// Adds a TLS CA to a home about to be created (`charter server init --tlsca`): the
    /// dual-headed topology, an enrollment CA and a TLS CA in one server. Returns the
    /// configuration naming it in `cafiles`.
    public static func addingTLSCA(named name: String, to configuration: ServerConfiguration, home: String) throws
        -> ServerConfiguration
    {
        let file = "\(name)/\(caConfigFileName)"
        var updated = configuration
        guard !updated.cafiles.contains(file) else { return updated }
        let files = HomeFiles(root: home)
        if !files.exists(file) {
            var tlsCA = derived(from: configuration, name: name)
            // A TLS CA issues TLS certificates: its default profile is fabric-ca's `tls` one.
            tlsCA.signing.default =
                configuration.signing.profiles["tls"] ?? ServerConfiguration.Signing().profiles["tls"]
                ?? tlsCA.signing.default
            try files.makeDirectory("", private: true)
            try files.makeDirectory(name, private: true)
            try files.write(file, try tlsCA.yaml(), mode: 0o644)
        }
        updated.cafiles.append(file)
        return updated
    }
}
