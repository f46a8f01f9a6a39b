import ArgumentParser
import Foundation
import RunbookCore

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the static site from the source folder.",
        discussion: """
            The site works offline: open its index.html straight from disk (file://), no server \
            and no network needed. It is built in a hidden folder beside the output and swapped \
            in only when the build succeeds, so a failed build leaves the previous site intact.

            Problems are reported as path:line:col: error|warning: message, all at once. \
            Errors (broken YAML, a missing title, a bad date, a broken link or anchor, a file \
            that is not UTF-8) fail the build with exit status 1; warnings do not.

            The build time and the source's git commit are stamped on every page. Set \
            SOURCE_DATE_EPOCH (seconds since 1970) to build as of another moment, for example \
            for reproducible output.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The folder of Markdown documents.", valueName: "dir"))
    var source: String = "runbooks"

    @Option(name: .long, help: ArgumentHelp("Where to write the site. It must be empty, missing, or a site runbook built before.", valueName: "dir"))
    var out: String = "site"

    @Option(name: .long, help: ArgumentHelp("A folder of templates (*.mustache, assets/*) replacing the built-in ones by name. Default: ./templates when it exists.", valueName: "dir"))
    var templates: String?

    @Flag(name: .long, help: "Use only the built-in templates, even when ./templates exists.")
    var builtinTemplates = false

    @Flag(name: .long, help: "Leave out the search index, the search box and search page (a smaller site).")
    var noSearch = false

    @Flag(name: .long, help: "Keep the facilitator notes on drill pages (by default the site leaves them out: responders read it too).")
    var includeFacilitatorNotes = false

    @Flag(name: [.short, .long], help: "Print only problems, no summary.")
    var quiet = false

    @Flag(name: .long, help: "Print how long each stage of the build took, wall and CPU time (to stderr).")
    var timings = false

    func validate() throws {
        if source.isEmpty { throw ValidationError("The --source folder cannot be an empty path.") }
        if out.isEmpty { throw ValidationError("The --out folder cannot be an empty path.") }
        try CommandEnvironment.validateTemplates(templates, builtinOnly: builtinTemplates)
        try CommandEnvironment.validateSourceDate()
    }

    /// `site` or `site/` as `site/`, for messages.
    static func folderName(_ path: String) -> String {
        path.hasSuffix("/") ? path : path + "/"
    }

    func run() throws {
        let started = Date()
        let templatesFolder = CommandEnvironment.templatesFolder(templates, builtinOnly: builtinTemplates)
        var options = BuildOptions(
            source: URL(fileURLWithPath: source, isDirectory: true), sourceDisplay: source,
            output: URL(fileURLWithPath: out, isDirectory: true), outputDisplay: out,
            templates: templatesFolder.map { URL(fileURLWithPath: $0, isDirectory: true) }, templatesDisplay: templatesFolder)
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Int.init) {
            options.time = epoch
        }
        options.search = !noSearch
        options.includeFacilitatorNotes = includeFacilitatorNotes

        let report: BuildReport
        do {
            report = try SiteBuilder.build(options)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        if timings {
            FileHandle.standardError.write(Data("   wall      cpu  stage\n".utf8))
            for (stage, seconds, cpu) in report.timings {
                FileHandle.standardError.write(Data("\(String(format: "%7.3f s %7.3f s", seconds, cpu))  \(stage)\n".utf8))
            }
        }
        for diagnostic in report.diagnostics {
            Terminal.diagnostic(diagnostic)
        }
        let errors = report.diagnostics.errorCount, warnings = report.diagnostics.warningCount
        guard report.published else {
            Terminal.error("build failed: \(Terminal.count(errors, "error"))\(warnings > 0 ? ", \(Terminal.count(warnings, "warning"))" : ""); \(Self.folderName(out)) was left as it was")
            throw ExitCode(1)
        }
        if !quiet {
            let seconds = Date().timeIntervalSince(started)
            var summary = "built \(Terminal.count(report.pageCount, "page")) from \(Terminal.count(report.documentCount, "document")) in \(String(format: "%.2f", seconds)) s into \(Self.folderName(out))"
            if warnings > 0 { summary += " (\(Terminal.count(warnings, "warning")))" }
            Terminal.line(summary)
            if report.fileCount > 0 {
                Terminal.line("copied \(Terminal.count(report.fileCount, "other file")) (images, attachments) as they are")
            }
            if let folder = templatesFolder, !report.templatesUsed.isEmpty {
                Terminal.line("templates from \(Self.folderName(folder)): \(report.templatesUsed.joined(separator: ", "))")
            }
            if report.overdueCount > 0 {
                Terminal.line("\(Terminal.count(report.overdueCount, "runbook")) overdue for review")
            }
            Terminal.line("open \(report.indexPage.absoluteString)")
        }
    }
}
