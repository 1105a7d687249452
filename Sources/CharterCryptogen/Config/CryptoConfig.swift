// The crypto-config.yaml model: organisations, their CA subject, nodes (explicit specs and a
// template) and users, as Fabric's cryptogen reads them (Fabric 3's `PublicKeyAlgorithm`
// included), plus Charter's gateway setting.

import CharterCore

/// A whole crypto-config.yaml.
public struct CryptoConfig: Sendable, Hashable {
    /// Ordering-service organisations.
    public var ordererOrgs: [OrgSpec]
    /// Peer organisations.
    public var peerOrgs: [OrgSpec]
    /// The largest `Count` or `Start` a file may give: far beyond any network, small enough that
    /// a typo cannot exhaust memory or overflow an index.
    public static let maximumCount = 100_000

    /// Creates a config.
    public init(ordererOrgs: [OrgSpec] = [], peerOrgs: [OrgSpec] = []) {
        self.ordererOrgs = ordererOrgs
        self.peerOrgs = peerOrgs
    }
}

/// One organisation.
public struct OrgSpec: Sendable, Hashable {
    /// Display name; the MSP ID is `<Name>MSP`.
    public var name: String
    /// DNS domain; every CN of the org ends with it.
    public var domain: String
    /// Write Fabric NodeOUs `config.yaml` files instead of admincerts.
    public var enableNodeOUs: Bool
    /// The CA's names and subject fields.
    public var ca: CASpec
    /// Explicitly listed nodes.
    public var specs: [NodeSpec]
    /// Numbered nodes.
    public var template: NodeTemplate?
    /// `User1…UserN` (peer organisations only).
    public var userCount: Int
    /// The key algorithm of `User1…UserN` (`Users: PublicKeyAlgorithm`).
    public var userAlgorithm: SigningKey.Algorithm = .p256
    /// The key algorithm of `Admin@<domain>`: ECDSA P-256 whatever `Users:` asks, as Fabric 3's
    /// cryptogen makes it; Charter's own `Users: AdminPublicKeyAlgorithm: ed25519` changes it.
    public var adminAlgorithm: SigningKey.Algorithm = .p256
    /// Charter: service names added to the peers' TLS SANs.
    public var gateway: GatewaySpec?
    /// The line of the organisation in the file, for error messages.
    public var line: Int

    /// Creates an org.
    public init(
        name: String,
        domain: String,
        enableNodeOUs: Bool = false,
        ca: CASpec = CASpec(),
        specs: [NodeSpec] = [],
        template: NodeTemplate? = nil,
        userCount: Int = 0,
        gateway: GatewaySpec? = nil,
        line: Int = 0
    ) {
        self.name = name
        self.domain = domain
        self.enableNodeOUs = enableNodeOUs
        self.ca = ca
        self.specs = specs
        self.template = template
        self.userCount = userCount
        self.gateway = gateway
        self.line = line
    }
}

/// The `CA:` section: names of the CA and subject fields its certificates carry.
public struct CASpec: Sendable, Hashable {
    public var hostname: String?
    public var commonName: String?
    public var country: String?
    public var province: String?
    public var locality: String?
    public var organizationalUnit: String?
    public var streetAddress: String?
    public var postalCode: String?
    /// The key algorithm of the CA and of the TLS CA (Fabric 3: `ecdsa` or `ed25519`).
    public var publicKeyAlgorithm: SigningKey.Algorithm = .p256

    /// Creates a CA section.
    public init() {}
}

/// One `Specs:` entry.
public struct NodeSpec: Sendable, Hashable {
    /// Host name (a template over `{{.Domain}}`… is not allowed here, as in cryptogen).
    public var hostname: String
    /// CN template; default `{{.Hostname}}.{{.Domain}}`.
    public var commonName: String?
    /// Extra SAN templates over `{{.Hostname}}`, `{{.Domain}}`, `{{.CommonName}}`.
    public var sans: [String]
    /// Line in the file.
    public var line: Int
    /// The node's key algorithm, for its enrollment and TLS keys alike.
    public var publicKeyAlgorithm: SigningKey.Algorithm

    /// Creates a spec.
    public init(
        hostname: String,
        commonName: String? = nil,
        sans: [String] = [],
        line: Int = 0,
        publicKeyAlgorithm: SigningKey.Algorithm = .p256
    ) {
        self.hostname = hostname
        self.commonName = commonName
        self.sans = sans
        self.line = line
        self.publicKeyAlgorithm = publicKeyAlgorithm
    }
}

/// The `Template:` section.
public struct NodeTemplate: Sendable, Hashable {
    public var count: Int
    public var start: Int
    /// Host name template over `{{.Prefix}}` and `{{.Index}}`; default `{{.Prefix}}{{.Index}}`.
    public var hostname: String?
    public var sans: [String]
    public var line: Int
    /// The nodes' key algorithm.
    public var publicKeyAlgorithm: SigningKey.Algorithm = .p256

    /// Creates a template.
    public init(count: Int, start: Int = 0, hostname: String? = nil, sans: [String] = [], line: Int = 0) {
        self.count = count
        self.start = start
        self.hostname = hostname
        self.sans = sans
        self.line = line
    }
}

/// Charter's `Gateway:` section: Kubernetes services fronting the org's peers.
public struct GatewaySpec: Sendable, Hashable {
    public var services: [String]
    public var namespace: String?

    /// Creates a gateway setting.
    public init(services: [String], namespace: String? = nil) {
        self.services = services
        self.namespace = namespace
    }
}
