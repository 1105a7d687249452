// Fabric's NodeOUs MSP configuration: identities are classified by the OU of their certificate
// (client, peer, admin, orderer), each OU identified by the CA certificate file given.

/// The `config.yaml` of an MSP folder with NodeOUs enabled.
public enum NodeOUsConfig {
    /// The file's text, with every identifier pointing at `caCertificate` (relative to the MSP).
    public static func yaml(caCertificate: String) -> String {
        let identifiers = [
            ("ClientOUIdentifier", "client"), ("PeerOUIdentifier", "peer"), ("AdminOUIdentifier", "admin"),
            ("OrdererOUIdentifier", "orderer"),
        ]
        return "NodeOUs:\n  Enable: true\n"
            + identifiers.map {
                "  \($0.0):\n    Certificate: \(caCertificate)\n    OrganizationalUnitIdentifier: \($0.1)\n"
            }.joined()
    }
}
