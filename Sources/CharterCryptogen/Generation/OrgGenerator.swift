// Issues and writes the material of one organisation: its CAs and org MSP, then each node and
// user folder. Every certificate goes through CharterCore's authority.

import CharterCore
import CharterStore
import Foundation
import X509

/// Options shared by every org of a run.
struct GenerationOptions: Sendable {
    var backdate: Duration = ValidityWindow.defaultBackdate
    /// Write `node.env` in each peer and orderer folder.
    var environmentFiles = false
}

/// Generates one organisation into a staging writer.
struct OrgGenerator: Sendable {
    let plan: OrgPlan
    let options: GenerationOptions
    let now: Date

    /// One node or user folder to create.
    enum Member: Sendable {
        case node(NodePlan)
        case user(String)
    }

    /// Folder of a member relative to the org folder.
    func folder(of member: Member) -> String {
        switch member {
        case .node(let node): return "\(plan.kind.nodesFolder)/\(node.commonName)"
        case .user(let name): return "users/\(name)"
        }
    }

    /// Creates both CAs, the org MSP and the Admin user; returns the material the members need.
    func createOrganisation(in writer: TreeWriter) throws -> (OrgMaterial, [CertificateRecord]) {
        // The CA's algorithm covers its TLS CA too, as in Fabric 3's cryptogen.
        let caKey = SigningKey.generate(plan.spec.ca.publicKeyAlgorithm)
        let tlsKey = SigningKey.generate(plan.spec.ca.publicKeyAlgorithm)
        let ca = try CryptogenProfiles.authority(
            commonName: plan.caCommonName,
            org: plan.spec,
            key: caKey,
            backdate: options.backdate,
            now: now
        )
        let tlsCA = try CryptogenProfiles.authority(
            commonName: plan.tlsCACommonName,
            org: plan.spec,
            key: tlsKey,
            backdate: options.backdate,
            now: now
        )
        var material = OrgMaterial(
            ca: ca,
            tlsCA: tlsCA,
            adminCertificatePEM: nil,
            caPEM: ca.chainPEM,
            tlsCAPEM: tlsCA.chainPEM
        )
        let root = plan.folder
        for dir in ["ca", "tlsca", "msp/admincerts", "msp/cacerts", "msp/tlscacerts", plan.kind.nodesFolder, "users"] {
            try writer.folder("\(root)/\(dir)")
        }
        try writer.certificate("\(root)/ca/\(plan.caCommonName)-cert.pem", material.caPEM)
        try writer.key("\(root)/ca/priv_sk", caKey.pkcs8PEM)
        try writer.certificate("\(root)/tlsca/\(plan.tlsCACommonName)-cert.pem", material.tlsCAPEM)
        try writer.key("\(root)/tlsca/priv_sk", tlsKey.pkcs8PEM)
        try writeTrust(msp: "\(root)/msp", material: material, in: writer)
        var records: [CertificateRecord] = []
        for authority in [ca, tlsCA] {
            let issued = try IssuedCertificate(
                certificate: authority.certificate,
                authorityKeyIdentifier: authority.subjectKeyIdentifier,
                profile: "ca",
                window: authority.validity
            )
            let name = SubjectPolicy.commonName(of: authority.certificate.subject) ?? ""
            records.append(CertificateRecord(issued, enrollmentID: name, caName: name, issuedAt: now))
        }
        let admin = "Admin@\(plan.spec.domain)"
        let adminRecords = try createMember(.user(admin), material: &material, in: writer)
        if !plan.spec.enableNodeOUs, let pem = material.adminCertificatePEM {
            try writer.certificate("\(root)/msp/admincerts/\(admin)-cert.pem", pem)
        }
        records += adminRecords
        return (material, records)
    }

    /// Creates one node or user folder below the org folder.
    func createMember(_ member: Member, material: inout OrgMaterial, in writer: TreeWriter) throws
        -> [CertificateRecord]
    {
        let base = "\(plan.folder)/\(folder(of: member))"
        let commonName: String
        let unit: String
        var sans: [String] = []
        switch member {
        case .node(let node):
            commonName = node.commonName
            unit = plan.kind.rawValue
            sans = node.sans
        case .user(let name):
            commonName = name
            unit = name.hasPrefix("Admin@") ? "admin" : "client"
        }
        // A node's algorithm covers its enrollment and TLS keys; users follow `Users:`, the
        // admin its own setting.
        let algorithm: SigningKey.Algorithm
        switch member {
        case .node(let node): algorithm = node.publicKeyAlgorithm
        case .user(let name): algorithm = name.hasPrefix("Admin@") ? plan.spec.adminAlgorithm : plan.spec.userAlgorithm
        }
        let signKey = SigningKey.generate(algorithm)
        let sign = try material.ca.issue(
            IssuanceRequest(
                subjectKey: signKey,
                subject: try CryptogenProfiles.subject(
                    org: plan.spec,
                    organization: nil,
                    units: plan.spec.enableNodeOUs ? [unit] : [],
                    commonName: commonName
                ),
                profile: CryptogenProfiles.signing(backdate: options.backdate)
            ),
            now: now
        )
        let tlsKey = SigningKey.generate(algorithm)
        let tls = try material.tlsCA.issue(
            IssuanceRequest(
                subjectKey: tlsKey,
                subject: try CryptogenProfiles.subject(
                    org: plan.spec,
                    organization: nil,
                    units: [],
                    commonName: commonName
                ),
                subjectAlternativeNames: try plan.gatewayPolicy.subjectAlternativeNames(
                    hosts: sans,
                    profile: CryptogenProfiles.tls(backdate: options.backdate).name,
                    type: unit,
                    affiliation: ""
                ),
                profile: CryptogenProfiles.tls(backdate: options.backdate)
            ),
            now: now
        )
        if case .user(let name) = member, name.hasPrefix("Admin@") {
            material.adminCertificatePEM = sign.pem
        }

        // Written relative to the member's folder: short paths for the kernel to walk.
        let files = try writer.subtree(base)
        for dir in ["msp", "msp/admincerts", "msp/cacerts", "msp/keystore", "msp/signcerts", "msp/tlscacerts", "tls"] {
            try files.folder(dir)
        }
        try files.key("msp/keystore/priv_sk", signKey.pkcs8PEM)
        try files.certificate("msp/signcerts/\(commonName)-cert.pem", sign.pem)
        try writeTrust(msp: "msp", material: material, in: files)
        // Without NodeOUs, admincerts/ names the admins: a user its own certificate, a node the Admin's.
        if !plan.spec.enableNodeOUs {
            if case .user = member {
                try files.certificate("msp/admincerts/\(commonName)-cert.pem", sign.pem)
            } else if let admin = material.adminCertificatePEM {
                try files.certificate("msp/admincerts/Admin@\(plan.spec.domain)-cert.pem", admin)
            }
        }
        let (certName, keyName) = member.isNode ? ("server.crt", "server.key") : ("client.crt", "client.key")
        try files.certificate("tls/ca.crt", material.tlsCAPEM)
        try files.certificate("tls/\(certName)", tls.pem)
        try files.key("tls/\(keyName)", tlsKey.pkcs8PEM)
        if options.environmentFiles, case .node(let node) = member {
            try files.certificate("node.env", NodeEnvironment.text(plan: plan, node: node))
        }
        return [
            CertificateRecord(sign, enrollmentID: commonName, caName: plan.caCommonName, issuedAt: now),
            CertificateRecord(tls, enrollmentID: commonName, caName: plan.tlsCACommonName, issuedAt: now),
        ]
    }

    /// The CA certificates (and NodeOUs config) that every MSP folder of the org carries.
    func writeTrust(msp: String, material: OrgMaterial, in writer: TreeWriter) throws {
        try writer.certificate("\(msp)/cacerts/\(plan.caCommonName)-cert.pem", material.caPEM)
        try writer.certificate("\(msp)/tlscacerts/\(plan.tlsCACommonName)-cert.pem", material.tlsCAPEM)
        if plan.spec.enableNodeOUs {
            try writer.certificate("\(msp)/config.yaml", nodeOUsConfig)
        }
    }

    /// Fabric's NodeOUs MSP config, pointing every OU at the org CA.
    var nodeOUsConfig: String {
        NodeOUsConfig.yaml(caCertificate: "cacerts/\(plan.caCommonName)-cert.pem")
    }
}

extension OrgGenerator.Member {
    var isNode: Bool {
        if case .node = self { return true }
        return false
    }
}
