// `node.env` (with --env): the variables a peer or orderer container needs to find its MSP and
// TLS files, assuming the node's folder is mounted where Fabric's images expect it.

/// Per-node environment files.
enum NodeEnvironment {
    /// Where fabric-peer and fabric-orderer images look for their material.
    static let peerRoot = "/etc/hyperledger/fabric"
    static let ordererRoot = "/var/hyperledger/orderer"

    static func text(plan: OrgPlan, node: NodePlan) -> String {
        switch plan.kind {
        case .peer:
            let root = peerRoot
            return """
                # \(node.commonName): mount this folder at \(root)
                CORE_PEER_ID=\(node.commonName)
                CORE_PEER_LOCALMSPID=\(plan.mspID)
                CORE_PEER_MSPCONFIGPATH=\(root)/msp
                CORE_PEER_TLS_ENABLED=true
                CORE_PEER_TLS_CERT_FILE=\(root)/tls/server.crt
                CORE_PEER_TLS_KEY_FILE=\(root)/tls/server.key
                CORE_PEER_TLS_ROOTCERT_FILE=\(root)/tls/ca.crt

                """
        case .orderer:
            let root = ordererRoot
            return """
                # \(node.commonName): mount this folder at \(root)
                ORDERER_GENERAL_LOCALMSPID=\(plan.mspID)
                ORDERER_GENERAL_LOCALMSPDIR=\(root)/msp
                ORDERER_GENERAL_TLS_ENABLED=true
                ORDERER_GENERAL_TLS_CERTIFICATE=\(root)/tls/server.crt
                ORDERER_GENERAL_TLS_PRIVATEKEY=\(root)/tls/server.key
                ORDERER_GENERAL_TLS_ROOTCAS=[\(root)/tls/ca.crt]
                ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=\(root)/tls/server.crt
                ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=\(root)/tls/server.key
                ORDERER_GENERAL_CLUSTER_ROOTCAS=[\(root)/tls/ca.crt]

                """
        }
    }
}
