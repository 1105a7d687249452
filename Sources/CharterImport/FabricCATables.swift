// fabric-ca's tables as a database hands them over, column by column as stored bytes, and
// the registry they describe. SQLite and MySQL both give bytes (text, blob and varbinary alike),
// so one reading decides what a NULL, a number or text that is not UTF-8 becomes.

import CharterCore

enum FabricCATables {
    /// A row: each column's bytes; a NULL column is absent.
    typealias Row = [String: [UInt8]]

    /// The users of `rows`: NULL reads as empty text or 0; a value that is not UTF-8 marks its row
    /// unreadable (the user carries the problem).
    static func users(_ rows: [Row]) -> [FabricCAUser] {
        rows.map { row in
            var reader = Reader(row: row)
            return FabricCAUser(
                id: reader.text("id"),
                token: reader.text("token"),
                type: reader.text("type"),
                affiliation: reader.text("affiliation"),
                attributes: reader.text("attributes"),
                state: reader.number("state"),
                maxEnrollments: reader.number("max_enrollments"),
                incorrectPasswordAttempts: reader.number("incorrect_password_attempts"),
                problem: reader.problem
            )
        }
    }

    /// The affiliation names of `rows`; a name that is not UTF-8 is refused.
    static func affiliations(_ rows: [Row]) -> FabricCARegistry {
        var registry = FabricCARegistry()
        for row in rows {
            var reader = Reader(row: row)
            let name = reader.text("name")
            if let problem = reader.problem {
                registry.refused.append(ImportRefusal(table: "affiliations", key: name, reason: problem))
            } else {
                registry.affiliations.append(name)
            }
        }
        return registry
    }

    /// The certificates of `rows`, read as the users are.
    static func certificates(_ rows: [Row]) -> [FabricCACertificate] {
        rows.map { row in
            var reader = Reader(row: row)
            return FabricCACertificate(
                id: reader.text("id"),
                serial: reader.text("serial_number"),
                authorityKeyIdentifier: reader.text("authority_key_identifier"),
                caLabel: reader.text("ca_label"),
                status: reader.text("status"),
                reason: reader.number("reason"),
                revokedAt: FabricCARegistry.time(reader.text("revoked_at")),
                pem: reader.text("pem"),
                problem: reader.problem
            )
        }
    }

    /// Reads one row's columns and remembers which were not UTF-8.
    struct Reader {
        let row: Row
        var unreadable: [String] = []

        mutating func text(_ column: String) -> String {
            guard let bytes = row[column] else { return "" }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                unreadable.append(column)
                return String(decoding: bytes, as: UTF8.self)
            }
            return text
        }

        /// An integer's digits; anything else reads as 0.
        mutating func number(_ column: String) -> Int {
            let written = text(column)
            let negative = written.hasPrefix("-")
            let magnitude = DecimalInteger.parse(negative ? written.dropFirst() : Substring(written), in: 0...Int.max)
            return magnitude.map { negative ? -$0 : $0 } ?? 0
        }

        var problem: String? {
            unreadable.isEmpty ? nil : "\(unreadable.joined(separator: ", ")) not UTF-8"
        }
    }
}
