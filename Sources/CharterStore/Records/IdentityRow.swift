// The stored form of an identity: attributes as a JSON array, as fabric-ca keeps them.

import CharterCore
import Foundation
import GRDB

struct IdentityRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "identities"

    var id: String
    var secretHash: String
    var type: String
    var affiliation: String
    var attributes: String
    var enrollments: Int
    var maxEnrollments: Int
    var incorrectPasswordAttempts: Int
    var revoked: Bool

    enum CodingKeys: String, CodingKey {
        case id
        case secretHash = "secret_hash"
        case type, affiliation, attributes, enrollments
        case maxEnrollments = "max_enrollments"
        case incorrectPasswordAttempts = "incorrect_password_attempts"
        case revoked
    }

    // Decoding by column, not through Codable: this runs on every authenticated request.
    init(row: Row) {
        id = row["id"]
        secretHash = row["secret_hash"]
        type = row["type"]
        affiliation = row["affiliation"]
        attributes = row["attributes"]
        enrollments = row["enrollments"]
        maxEnrollments = row["max_enrollments"]
        incorrectPasswordAttempts = row["incorrect_password_attempts"]
        revoked = row["revoked"]
    }

    init(_ identity: Identity) throws {
        id = identity.id
        secretHash = identity.secretHash
        type = identity.type
        affiliation = identity.affiliation
        attributes = try StoredAttributes.encode(identity.attributes)
        enrollments = identity.enrollments
        maxEnrollments = identity.maxEnrollments
        incorrectPasswordAttempts = identity.incorrectPasswordAttempts
        revoked = identity.revoked
    }

    /// The identity; `decoded` keeps attribute columns already decoded (the same few texts are
    /// read with every token request).
    func identity(decoded: BoundedCache<String, [IdentityAttribute]>? = nil) throws -> Identity {
        Identity(
            id: id,
            type: type,
            affiliation: affiliation,
            attributes: try StoredAttributes.decode(attributes, cache: decoded),
            maxEnrollments: maxEnrollments,
            secretHash: secretHash,
            enrollments: enrollments,
            incorrectPasswordAttempts: incorrectPasswordAttempts,
            revoked: revoked
        )
    }
}
