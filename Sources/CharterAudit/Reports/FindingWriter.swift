// Streaming output of findings: a terminal table, JSON or CSV, written as each finding arrives.

import Foundation
import Synchronization

/// The output formats of `charter audit`.
public enum AuditFormat: String, Sendable, CaseIterable {
    case table
    case json
    case csv
}

/// Writes findings to standard output as they come.
public final class FindingWriter: Sendable {
    let format: AuditFormat
    /// Whether no finding was written yet; the mutex also keeps lines whole.
    let empty = Mutex(true)
    let write: @Sendable (String) -> Void

    /// Creates a writer; `write` receives text to print.
    public init(
        format: AuditFormat,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
    ) {
        self.format = format
        self.write = write
        switch format {
        case .table: write(Self.row(["SEVERITY", "ID", "LOCATION", "SUBJECT", "DETAIL"]) + "\n")
        case .json: write("{\"findings\":[")
        case .csv: write("severity,id,location,serial,subject,issuer,detail,why,fix\n")
        }
    }

    /// Writes one finding.
    public func add(_ finding: Finding) {
        empty.withLock { first in
            emit(finding, first: first)
            first = false
        }
    }

    func emit(_ finding: Finding, first: Bool) {
        switch format {
        case .table:
            write(
                Self.row([
                    finding.severity.rawValue, finding.kind.rawValue, finding.location, finding.subject, finding.detail,
                ]) + "\n"
            )
        case .json:
            let entry = JSONFinding(finding)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            write((first ? "\n" : ",\n") + String(decoding: (try? encoder.encode(entry)) ?? Data(), as: UTF8.self))
        case .csv:
            let fields = [
                finding.severity.rawValue, finding.kind.rawValue, finding.location, finding.serial, finding.subject,
                finding.issuer,
                finding.detail, finding.kind.why, finding.kind.fix,
            ]
            write(fields.map(Self.csv).joined(separator: ",") + "\n")
        }
    }

    /// Closes the output with the summary.
    public func finish(_ summary: AuditSummary) {
        let first = empty.withLock { $0 }
        let line =
            "\(summary.certificates) certificates audited: \(summary.errors) errors, \(summary.warnings) warnings, \(summary.infos) info"
        switch format {
        case .table:
            if first { write("(no findings)\n") }
            write(line + "\n")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = String(decoding: (try? encoder.encode(summary)) ?? Data(), as: UTF8.self)
            write("\n],\"summary\":\(body)}\n")
        case .csv:
            break
        }
    }

    static func row(_ fields: [String]) -> String {
        let widths = [8, 24, 60, 50]
        return fields.enumerated().map { index, field in
            index < widths.count
                ? field.padding(toLength: max(widths[index], field.count), withPad: " ", startingAt: 0) : field
        }.joined(separator: "  ")
    }

    static func csv(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A finding with its explanation, for JSON.
struct JSONFinding: Encodable {
    let id: String
    let severity: String
    let location: String
    let serial: String
    let subject: String
    let issuer: String
    let detail: String
    let why: String
    let fix: String

    init(_ finding: Finding) {
        id = finding.kind.rawValue
        severity = finding.severity.rawValue
        location = finding.location
        serial = finding.serial
        subject = finding.subject
        issuer = finding.issuer
        detail = finding.detail
        why = finding.kind.why
        fix = finding.kind.fix
    }
}
