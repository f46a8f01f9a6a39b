/// `runbook check --format json`: one object, for CI tools and editors.
///
/// `{"documents": n, "alerts": n, "errors": n, "warnings": n, "diagnostics": [{"file", "line",
/// "column", "severity": "error"|"warning", "rule", "message"}]}`; with `--stale`,
/// `{"stale": [{"path", "title", "last_reviewed", "due", "days_late", "owners": []}]}`.
public enum CheckOutput {
    public static func json(_ report: CheckReport) -> String {
        let items = report.diagnostics.map { diagnostic in
            "{\"file\":\(JSON.string(diagnostic.file)),\"line\":\(diagnostic.line),\"column\":\(diagnostic.column),"
                + "\"severity\":\(JSON.string(diagnostic.severity.rawValue)),\"rule\":\(JSON.string(diagnostic.rule ?? Diagnostic.defaultRule)),"
                + "\"message\":\(JSON.string(diagnostic.message))}"
        }
        return "{\"documents\":\(report.documentCount),\"alerts\":\(report.alertCount),\"errors\":\(report.diagnostics.errorCount),"
            + "\"warnings\":\(report.diagnostics.warningCount),\"diagnostics\":[\(items.joined(separator: ","))]}"
    }

    public static func json(_ stale: [StaleDocument]) -> String {
        let items = stale.map { entry in
            "{\"path\":\(JSON.string(entry.path)),\"title\":\(JSON.string(entry.title)),\"last_reviewed\":\(JSON.string(entry.lastReviewed.description)),"
                + "\"due\":\(JSON.string(entry.due.description)),\"days_late\":\(entry.daysLate),"
                + "\"owners\":[\(entry.owners.map(JSON.string).joined(separator: ","))]}"
        }
        return "{\"stale\":[\(items.joined(separator: ","))]}"
    }
}
