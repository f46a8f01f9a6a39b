import ArgumentParser
import Foundation
import RunbookCore

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Preview the site while writing: build, serve, rebuild on every change, reload the pages.",
        discussion: """
            Builds the site into a temporary folder (or --out DIR), serves it at \
            http://127.0.0.1:8000/, and rebuilds when a document, runbook.yml or a template \
            changes; open pages reload by themselves. When a change does not build, the last \
            good site stays up and the page shows the errors.

            It listens on loopback only; another address (say 0.0.0.0) needs --allow-remote, \
            since the preview has no access control.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The folder of Markdown documents.", valueName: "dir"))
    var source: String = "runbooks"

    @Option(name: .long, help: ArgumentHelp("Where to build the site (default: a temporary folder, removed on exit).", valueName: "dir"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("A folder of templates replacing the built-in ones by name. Default: ./templates when it exists.", valueName: "dir"))
    var templates: String?

    @Flag(name: .long, help: "Use only the built-in templates, even when ./templates exists.")
    var builtinTemplates = false

    @Option(name: .long, help: ArgumentHelp("The address to listen on.", valueName: "address"))
    var host: String = PreviewServer.defaultHost

    @Option(name: .long, help: ArgumentHelp("The port (0 picks a free one).", valueName: "port"))
    var port: UInt16 = PreviewServer.defaultPort

    @Flag(name: .long, help: "Allow an address other machines can reach (the preview has no access control).")
    var allowRemote = false

    @Flag(name: .long, help: "Leave out the search index (faster rebuilds of a large site).")
    var noSearch = false

    func validate() throws {
        try CommandEnvironment.validateSourceDate()
        try CommandEnvironment.validateSourceFolder(source)
        try CommandEnvironment.validateTemplates(templates, builtinOnly: builtinTemplates)
        if !allowRemote, !PreviewServer.isLoopback(host) {
            throw ValidationError("\(ServeError.notLoopback(host)).")
        }
    }

    func run() throws {
        let temporary: URL?
        let output: URL
        if let out {
            temporary = nil
            output = URL(fileURLWithPath: out, isDirectory: true)
        } else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-serve-\(ProcessInfo.processInfo.processIdentifier)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            temporary = folder
            output = folder.appendingPathComponent("site", isDirectory: true)
        }
        let templatesFolder = CommandEnvironment.templatesFolder(templates, builtinOnly: builtinTemplates)
        var build = BuildOptions(source: URL(fileURLWithPath: source, isDirectory: true), sourceDisplay: source,
                                 output: output, outputDisplay: out ?? "the preview",
                                 templates: templatesFolder.map { URL(fileURLWithPath: $0, isDirectory: true) }, templatesDisplay: templatesFolder)
        build.search = !noSearch
        build.time = CommandEnvironment.now
        var options = ServeOptions(build: build)
        options.host = host
        options.port = port
        options.allowRemote = allowRemote
        // A fixed moment only when asked for; otherwise each rebuild dates itself.
        options.fixedTime = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] != nil ? CommandEnvironment.now : nil

        // Ctrl-C and TERM: remove the temporary site, then stop.
        let signals = [SIGINT, SIGTERM].map { signalNumber -> DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
            source.setEventHandler {
                if let temporary { try? FileManager.default.removeItem(at: temporary) }  // best effort on the way out
                Foundation.exit(0)
            }
            source.resume()
            return source
        }
        let server = PreviewServer(options: options)
        Task {
            do {
                try await server.run { event in ServeCommand.report(event) }
            } catch {
                Terminal.error("\(error)")
                if let temporary { try? FileManager.default.removeItem(at: temporary) }
                Foundation.exit(2)
            }
        }
        withExtendedLifetime(signals) { dispatchMain() }
    }

    /// Says what the server did: the address once, then each rebuild and its problems.
    @Sendable static func report(_ event: ServeEvent) {
        /// Unbuffered: a script waiting for the address must see it at once.
        func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        switch event {
        case .listening(let url):
            say("serving \(url.absoluteString) (Ctrl-C to stop)")
        case .built(let report, let seconds, let changed):
            report.diagnostics.forEach(Terminal.diagnostic)
            let what = changed.isEmpty ? "built" : "rebuilt after changes to \(changed.prefix(3).joined(separator: ", "))\(changed.count > 3 ? " and \(changed.count - 3) more" : "")"
            if report.published {
                say("\(what): \(Terminal.count(report.pageCount, "page")) in \(String(format: "%.2f", seconds)) s")
            } else {
                Terminal.error("\(what): \(Terminal.count(report.diagnostics.errorCount, "error")); still serving the last good site")
            }
        case .failed(let message, _):
            Terminal.error("\(message); still serving the last good site")
        }
    }
}
