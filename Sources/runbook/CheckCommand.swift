import ArgumentParser
import Foundation
import RunbookCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the runbooks for problems, all at once, as a CI step.",
        discussion: """
            Reports everything a build would (broken YAML, bad dates, unknown kinds, broken \
            links and anchors…) without writing a site, and more: 'symptoms:' naming an \
            unknown symptom id, runbooks without owners, duplicate titles within an \
            application, runbooks overdue for review, postmortem action items without an owner. \
            With --alerts, every alert of the Prometheus rule files must have a runbook (named \
            in a document's 'alerts:', or its annotations.runbook_url leading to a page of the \
            site), and every alert a runbook names must exist.

            Each problem is a line path:line:col: error|warning: message [rule]. Exit status: \
            1 with errors (with --strict, warnings too), 0 otherwise, 2 on a usage error.

            Examples:
              runbook check
              runbook check --strict --alerts deploy/prometheus/*.yml --base-url https://runbooks.example.com/
              runbook check --stale          # runbooks overdue for review, oldest first
              runbook check --format json
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .long, help: ArgumentHelp("The folder of Markdown documents.", valueName: "dir"))
    var source: String = "runbooks"

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Prometheus rule files (or PrometheusRule resources) whose alerts must have runbooks.", valueName: "file"))
    var alerts: [String] = []

    @Option(name: .long, help: ArgumentHelp("The address the site is published at, to check runbook_url annotations (default: base_url in runbook.yml).", valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("A templates folder to check too, as a build would use it. Default: ./templates when it exists.", valueName: "dir"))
    var templates: String?

    @Flag(name: .long, help: "Check only the built-in templates, even when ./templates exists.")
    var builtinTemplates = false

    @Option(name: .long, help: ArgumentHelp("text (default) or json.", valueName: "format"))
    var format: Format = .text

    @Flag(name: .long, help: "Fail (exit 1) on warnings too.")
    var strict = false

    @Flag(name: .long, help: "List the runbooks overdue for review, oldest first, with their owners, instead of the problems.")
    var stale = false

    func validate() throws {
        try CommandEnvironment.validateSourceDate()
        try CommandEnvironment.validateTemplates(templates, builtinOnly: builtinTemplates)
        try CommandEnvironment.validateSourceFolder(source)
        for file in alerts where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("The rule file '\(file)' does not exist or cannot be read.")
        }
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            throw ValidationError("--base-url must be an http:// or https:// address, not '\(baseURL)'.")
        }
    }

    func run() throws {
        var options = CheckOptions(source: URL(fileURLWithPath: source, isDirectory: true), sourceDisplay: source, time: CommandEnvironment.now)
        options.ruleFiles = alerts.map { CheckOptions.RuleFile(url: URL(fileURLWithPath: $0), display: $0) }
        options.baseURL = baseURL
        let templatesFolder = CommandEnvironment.templatesFolder(templates, builtinOnly: builtinTemplates)
        options.templates = templatesFolder.map { URL(fileURLWithPath: $0, isDirectory: true) }
        options.templatesDisplay = templatesFolder
        let report: CheckReport
        do {
            report = try SourceCheck.run(options)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        if stale {
            printStale(report.stale)
            return
        }
        let errors = report.diagnostics.errorCount, warnings = report.diagnostics.warningCount
        switch format {
        case .json:
            Terminal.line(CheckOutput.json(report))
        case .text:
            for diagnostic in report.diagnostics { Terminal.line(Terminal.stdoutDiagnostic(diagnostic)) }
            var summary = "checked \(Terminal.count(report.documentCount, "document"))"
            if !alerts.isEmpty { summary += " and \(Terminal.count(report.alertCount, "alert"))" }
            summary += ": \(Terminal.count(errors, "error")), \(Terminal.count(warnings, "warning"))"
            Terminal.note(summary)
        }
        if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
    }

    private func printStale(_ stale: [StaleDocument]) {
        switch format {
        case .json:
            Terminal.line(CheckOutput.json(stale))
        case .text:
            if stale.isEmpty { Terminal.note("no runbook is overdue for review") }
            for entry in stale {
                let owners = entry.owners.isEmpty ? "no owners" : entry.owners.joined(separator: ", ")
                Terminal.line("\(entry.due)  \(String(entry.daysLate).leftPadded(to: 4)) days late  \(entry.path)  \(entry.title)  (last reviewed \(entry.lastReviewed); \(owners))")
            }
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
