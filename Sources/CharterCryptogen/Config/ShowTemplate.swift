// `charter cryptogen showtemplate`: a commented starting point, in Charter's words.

/// The template printed by `showtemplate`.
public enum ShowTemplate {
    public static let text = """
        # crypto-config.yaml: the organisations, nodes and users `charter cryptogen generate` creates.
        #
        # Each organisation gets a signing CA and a TLS CA, an organisation MSP, and an MSP plus TLS
        # material for every node and user. Output: <output>/ordererOrganizations/<Domain>/ and
        # <output>/peerOrganizations/<Domain>/.

        # ---------------------------------------------------------------------------
        # Ordering-service organisations
        # ---------------------------------------------------------------------------
        OrdererOrgs:
          - Name: Orderer
            Domain: example.com
            # true: write Fabric NodeOUs config.yaml files (identities are classified by the OU of
            # their certificate: client, peer, admin, orderer) and leave admincerts/ empty.
            # false: copy the Admin certificate into the admincerts/ folders instead.
            EnableNodeOUs: false
            # Nodes listed one by one. CommonName defaults to "{{.Hostname}}.{{.Domain}}".
            Specs:
              - Hostname: orderer
                # Extra subject alternative names for the TLS certificate; the CN and the host
                # name are always included. Placeholders: {{.Hostname}}, {{.Domain}}, {{.CommonName}}.
                # SANS:
                #   - "{{.Hostname}}.alt.{{.Domain}}"
                #   - 127.0.0.1

        # ---------------------------------------------------------------------------
        # Peer organisations
        # ---------------------------------------------------------------------------
        PeerOrgs:
          - Name: Org1
            Domain: org1.example.com
            EnableNodeOUs: false
            # Optional subject fields of the CAs and their certificates:
            # CA:
            #   Hostname: ca              # the CA's CN becomes <Hostname>.<Domain>
            #   Country: US
            #   Province: California
            #   Locality: San Francisco
            #   OrganizationalUnit: Hyperledger Fabric
            #   StreetAddress: address for org
            #   PostalCode: postalCode for org
            #   # Key algorithm of the CA and the TLS CA: ecdsa (P-256, the default) or ed25519.
            #   # Ed25519 identities need Fabric 3 and the channel capability V3_0.
            #   PublicKeyAlgorithm: ecdsa
            # Numbered nodes: Count of them, from Start (default 0), named by Hostname, a template
            # over {{.Prefix}} ("peer") and {{.Index}} (default "{{.Prefix}}{{.Index}}").
            Template:
              Count: 1
              # Start: 5
              # Hostname: "{{.Prefix}}{{.Index}}"
              # SANS:
              #   - localhost
              # PublicKeyAlgorithm: ecdsa     # the nodes' enrollment and TLS keys (or ed25519)
            # Nodes may also be listed one by one, as for the orderers:
            # Specs:
            #   - Hostname: foo
            #     CommonName: foo27.org5.example.com
            #     PublicKeyAlgorithm: ed25519
            # Users besides Admin: User1 … User<Count>.
            Users:
              Count: 1
              # PublicKeyAlgorithm: ecdsa     # the users' keys, Admin included (or ed25519)
            # Charter only: Kubernetes services that front several peers. Each name (and, with a
            # namespace, <svc>.<ns>, <svc>.<ns>.svc, <svc>.<ns>.svc.cluster.local) is added to every
            # peer's TLS certificate, so a client reaching the service can verify any of them.
            # Gateway:
            #   Services:
            #     - org1-peer-gateway-svc
            #   Namespace: fabric

          - Name: Org2
            Domain: org2.example.com
            EnableNodeOUs: false
            Template:
              Count: 1
            Users:
              Count: 1

        """
}
