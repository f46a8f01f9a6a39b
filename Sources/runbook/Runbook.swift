import ArgumentParser
import Foundation
import RunbookCore

@main
struct Runbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Runbooks, checklists, postmortems and game-day drills in Markdown: an offline site, paper, and error search.",
        discussion: """
            The source folder (default: runbooks/) holds one folder per application \
            (runbooks/<app>/*.md, with an optional runbooks/<app>/index.md describing it), \
            checklists, postmortems and drills in folders of those names, and an optional \
            runbook.yml. Each document starts with YAML front matter that has at least a title.

            Start with:  runbook build   then open site/index.html in a browser.
            During an incident:  runbook search "connection refused"
            For a game day:  runbook checklist first-response   or   runbook drill --random
            """,
        version: BuildInfo.toolVersion,
        subcommands: [BuildCommand.self, CheckCommand.self, SearchCommand.self, ServeCommand.self, NewCommand.self, ChecklistCommand.self, DrillCommand.self]
    )

    /// Usage errors exit with 2, as grep and ripgrep do (ArgumentParser's default is 64), so
    /// scripts can tell "no results" (1) from "wrong command line" (2).
    static let usageExitCode: Int32 = 2

    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count > 1, arguments[1] == "search", let search = SearchRun.quickParse(arguments.dropFirst(2)) {
            do {
                try search.execute()
                Foundation.exit(0)
            } catch let code as ExitCode {
                Foundation.exit(code.rawValue)
            } catch {
                FileHandle.standardError.write(Data("runbook: error: \(error)\n".utf8))
                Foundation.exit(usageExitCode)
            }
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                let message = fullMessage(for: error)
                FileHandle.standardError.write(Data("runbook: \(message)\n".utf8))
                Foundation.exit(usageExitCode)
            }
            exit(withError: error)
        }
    }
}
