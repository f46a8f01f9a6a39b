import ArgumentParser
import Foundation
import RunbookCore

extension DocumentKind: ExpressibleByArgument {}

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start a new runbook, checklist, postmortem or drill from a template.",
        discussion: """
            Writes the document where the site expects it and prints its path: \
            <app>/<title>.md for a runbook, [<app>/]checklists/<title>.md, \
            postmortems/<today>-<title>.md, drills/<title>.md. The front matter is filled in: \
            title, app, owners (from the application's index.md), today's date for \
            last_reviewed or date. It never overwrites a file.

            Templates are templates/new/<kind>.md: a templates/ folder in the current directory \
            (or --templates DIR) replaces the built-in ones. They are Mustache: {{title}}, \
            {{titleYAML}}, {{app}}, {{ownersYAML}}, {{alert}}, {{alertsYAML}}, {{appsYAML}}, {{date}}.

            Examples:
              runbook new runbook --app postgres "Replication lag"
              runbook new runbook --app postgres --alert PostgresReplicationLagHigh
              runbook new postmortem --app api "Bookings down after a reboot"
              runbook new checklist "Deploy freeze"
            """
    )

    @Argument(help: ArgumentHelp("runbook, checklist, postmortem or drill.", valueName: "kind"))
    var kind: DocumentKind

    @Argument(help: ArgumentHelp("The title.", valueName: "title"))
    var title: String?

    @Option(name: .long, help: ArgumentHelp("The application (a folder of the source).", valueName: "app"))
    var app: String?

    @Option(name: .long, help: ArgumentHelp("A Prometheus alert name: the runbook's title and alerts: come from it.", valueName: "name"))
    var alert: String?

    @Option(name: .long, help: ArgumentHelp("The folder of Markdown documents.", valueName: "dir"))
    var source: String = "runbooks"

    @Option(name: .long, help: ArgumentHelp("A templates folder whose new/<kind>.md replace the built-in ones. Default: ./templates when it exists.", valueName: "dir"))
    var templates: String?

    func validate() throws {
        try CommandEnvironment.validateSourceDate()
        try CommandEnvironment.validateTemplates(templates, builtinOnly: false)
        guard NewDocument.kinds.contains(kind) else {
            throw ValidationError("runbook new makes runbook, checklist, postmortem or drill documents, not \(kind.rawValue).")
        }
        if alert != nil, kind != .runbook { throw ValidationError("--alert fills a runbook from an alert name; use it with 'runbook new runbook'.") }
        if title == nil, alert == nil { throw ValidationError("Give the new \(kind.rawValue) a title, in quotes: runbook new \(kind.rawValue) \"Title\".") }
        try CommandEnvironment.validateSourceFolder(source)
    }

    func run() throws {
        let templatesFolder = CommandEnvironment.templatesFolder(templates, builtinOnly: false)
        var request = NewDocumentRequest(kind: kind, title: title, app: app, alert: alert,
                                         source: URL(fileURLWithPath: source, isDirectory: true), sourceDisplay: source,
                                         templates: templatesFolder.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                         time: CommandEnvironment.now)
        request.templatesDisplay = templatesFolder
        do {
            let created = try NewDocument.create(request)
            created.warnings.forEach(Terminal.diagnostic)
            Terminal.line(created.path)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }
}
