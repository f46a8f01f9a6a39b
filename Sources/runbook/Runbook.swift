import ArgumentParser
import RunbookCore

@main
struct Runbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Turn a folder of Markdown runbooks, checklists and postmortems into an offline site.",
        discussion: """
            The source folder (default: runbooks/) holds one folder per application \
            (runbooks/<app>/*.md, with an optional runbooks/<app>/index.md describing it), \
            checklists and postmortems in folders of those names, and an optional runbook.yml. \
            Each document starts with YAML front matter that has at least a title.

            Start with:  runbook build   then open site/index.html in a browser.
            """,
        version: BuildInfo.toolVersion,
        subcommands: [BuildCommand.self, SearchCommand.self]
    )
}
