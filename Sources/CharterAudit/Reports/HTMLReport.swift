// `--html FILE`: one self-contained page (inline CSS and SVG, no script, no network) with the
// findings and a chart of certificate expiries by week, so the renewal wave is visible.

import CharterCore
import Foundation

/// Renders the HTML report.
public enum HTMLReport {
    /// The page.
    public static func render(findings: [Finding], summary: AuditSummary, generated: Date = Date()) -> String {
        let rows = findings.map { finding in
            """
            <tr class="\(finding.severity.rawValue)"><td>\(escape(finding.severity.rawValue))</td><td><code>\(escape(finding.kind.rawValue))</code></td>\
            <td>\(escape(finding.location))</td><td>\(escape(finding.subject))</td><td>\(escape(finding.detail))<br><small>\(escape(finding.kind.why)). \
            Fix: \(escape(finding.kind.fix)).</small></td></tr>
            """
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Charter certificate audit</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            h1 { margin-bottom: 0.2em; } .meta { color: #666; }
            .counts span { display: inline-block; margin-right: 1.5em; font-weight: bold; }
            .error { color: #b00020; } .warning { color: #a05a00; } .info { color: #555; }
            table { border-collapse: collapse; width: 100%; margin-top: 1em; font-size: 0.9em; table-layout: fixed; }
            th, td { border-bottom: 1px solid #ddd; padding: 0.4em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
            th:nth-child(1) { width: 5em; } th:nth-child(2) { width: 11em; } th:nth-child(3) { width: 28%; } th:nth-child(4) { width: 14%; }
            tr.error td:first-child { border-left: 4px solid #b00020; } tr.warning td:first-child { border-left: 4px solid #e09000; }
            svg { background: #fafafa; border: 1px solid #eee; }
            </style></head><body>
            <h1>Certificate audit</h1>
            <p class="meta">Generated \(escape(GoTime.format(generated))) by Charter · \(summary.certificates) certificates audited</p>
            <p class="counts"><span class="error">\(summary.errors) errors</span><span class="warning">\(summary.warnings) warnings</span>\
            <span class="info">\(summary.infos) info</span></p>
            <h2>Expiries by week</h2>
            \(chart(summary))
            <h2>Findings</h2>
            <table id="findings"><thead><tr><th>Severity</th><th>Id</th><th>Location</th><th>Subject</th><th>Detail</th></tr></thead>
            <tbody>
            \(rows.isEmpty ? "<tr><td colspan=\"5\">No findings.</td></tr>" : rows)
            </tbody></table>
            </body></html>

            """
    }

    /// A bar per week for the next two years, plus expired and later; inline SVG.
    static func chart(_ summary: AuditSummary) -> String {
        let bars = [summary.expired] + summary.expiriesByWeek + [summary.later]
        let peak = max(bars.max() ?? 0, 1)
        let width = 6, gap = 2, height = 160
        var rects = ""
        for (index, count) in bars.enumerated() {
            let barHeight = count == 0 ? 0 : max(2, count * (height - 20) / peak)
            let x = index * (width + gap) + 30
            let label = index == 0 ? "expired" : index == bars.count - 1 ? "later" : "week \(index - 1)"
            let color = index == 0 ? "#b00020" : index <= 5 ? "#e09000" : "#3a7bd5"
            rects +=
                "<rect class=\"bar\" x=\"\(x)\" y=\"\(height - barHeight)\" width=\"\(width)\" height=\"\(barHeight)\" fill=\"\(color)\"><title>\(label): \(count)</title></rect>"
        }
        let totalWidth = bars.count * (width + gap) + 40
        return """
            <svg id="expiry-chart" xmlns="http://www.w3.org/2000/svg" width="\(totalWidth)" height="\(height + 30)" role="img" aria-label="Certificate expiries by week">
            <text x="2" y="12" font-size="10">\(peak)</text><line x1="28" y1="\(height)" x2="\(totalWidth)" y2="\(height)" stroke="#999"/>
            \(rects)
            <text x="30" y="\(height + 20)" font-size="10">expired · now → 2 years · later</text></svg>
            """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
