// The configuration reference page, written from the table of keys itself, so the documentation
// lists exactly the keys the loader knows and says what it does with each.

extension ConfigurationKeys {
    /// A Markdown table of every key: its path, its variable, what Charter does with it and why.
    public func markdownReference() -> String {
        var lines = [
            "| key | variable | treatment |",
            "|---|---|---|",
        ]
        for key in keys.sorted(by: { $0.path < $1.path }) {
            let variable = environmentName(of: key).map { "`\($0)`" } ?? "—"
            let treatment: String
            switch key.treatment {
            case .honoured: treatment = "honoured"
            case .noEffect(let why): treatment = "no effect: \(why)"
            case .refused(let instead):
                let inert =
                    key.inert.isEmpty ? "" : " (accepted: \(key.inert.map { "`\($0)`" }.joined(separator: ", ")))"
                treatment = "refused\(inert): \(instead)"
            }
            lines.append("| `\(key.path)` | \(variable) | \(treatment.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
