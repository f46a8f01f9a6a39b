import ArgumentParser
import Foundation
import RunbookCore

extension PaperFile.Format: ExpressibleByArgument {}
extension PaperSize: ExpressibleByArgument {}

/// What `runbook checklist` and `runbook drill` share: where the documents are, how to print.
struct PaperOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The folder of Markdown documents.", valueName: "dir"))
    var source: String = "runbooks"

    @Option(name: .long, help: ArgumentHelp("pdf (drawn by runbook itself), html (the browser print view) or text (80 columns, for a terminal or lp).", valueName: "format"))
    var format: PaperFile.Format = .pdf

    @Option(name: .long, help: ArgumentHelp("Paper size: a4 or letter.", valueName: "size"))
    var paper: PaperSize = .a4

    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false

    func validate() throws {
        try CommandEnvironment.validateSourceDate()
        if source.isEmpty { throw ValidationError("The --source folder cannot be an empty path.") }
        try CommandEnvironment.validateSourceFolder(source)
    }

    /// Loads the source; problems that stop printing are reported and end the command.
    func load() throws -> PrintSource {
        do {
            return try PrintSource.load(source: URL(fileURLWithPath: source, isDirectory: true), sourceDisplay: source,
                                        time: CommandEnvironment.now)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }

    /// Reports the document's own problems; errors end the command (exit 1).
    func checkDiagnostics(of document: Document, in printSource: PrintSource) throws {
        let diagnostics = printSource.diagnostics(of: document)
        diagnostics.forEach(Terminal.diagnostic)
        if diagnostics.hasErrors {
            Terminal.error("\(printSource.displayPrefix)\(document.path) has errors; fix them before printing")
            throw ExitCode(1)
        }
    }

    /// Renders and writes (or sends to stdout for `-`), reporting failures.
    func emit(_ paper: Paper, to path: String) throws {
        do {
            if path == "-", format == .pdf, isatty(STDOUT_FILENO) != 0 {
                Terminal.error("a PDF on a terminal would print garbage; redirect it (-o - > file.pdf, or | lp) or give -o FILE")
                throw ExitCode(2)
            }
            let bytes = try PaperFile.render(paper, format: format, size: self.paper)
            if path == "-" {
                FileHandle.standardOutput.write(Data(bytes))
            } else {
                try PaperFile.write(bytes, to: path, force: force)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }
}

struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "Print a checklist on paper: PDF, print view (HTML) or text.",
        discussion: """
            The paper has blank lines for the drill or incident name, the date and the roles \
            (incident commander, scribe, communications), boxes for the times (detected, \
            acknowledged, mitigated, resolved), every task item of the checklist as a box to \
            tick with room for the time and initials, and a log of decisions and actions tried. \
            Each page says what it was printed from (path, tool version, git commit, date).

            NAME is the checklist's file name or title; an unambiguous prefix is enough.

            Examples:
              runbook checklist --list
              runbook checklist first-response                 # writes first-response.pdf
              runbook checklist failover --app postgres --paper letter -o failover.pdf
              runbook checklist first-response --format text -o - | lp
            """
    )

    @Argument(help: ArgumentHelp("The checklist: file name or title (a prefix will do).", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("Only the checklists of this application.", valueName: "app"))
    var app: String?

    @Flag(name: .long, help: "List the checklists and exit.")
    var list = false

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write; - for standard output. Default: NAME.pdf (.html, .txt) in the current folder.", valueName: "file"))
    var output: String?

    @OptionGroup var options: PaperOptions

    func validate() throws {
        if !list, name == nil { throw ValidationError("Name the checklist to print (runbook checklist --list shows them).") }
        if list, output != nil { throw ValidationError("--list prints the list; it writes no file, so -o does not apply.") }
        if output?.isEmpty == true { throw ValidationError("The -o file cannot be an empty path; use - for standard output.") }
    }

    func run() throws {
        let source = try options.load()
        if list {
            let checklists = source.checklists.filter { app == nil || $0.app == app }
            if checklists.isEmpty { Terminal.note("no checklists\(app.map { " for application '\($0)'" } ?? "") in \(source.displayPrefix)") }
            let nameWidth = checklists.map { PrintSource.shortName($0).count }.max() ?? 0
            for document in checklists {
                let name = PrintSource.shortName(document)
                Terminal.line("\(name)\(String(repeating: " ", count: nameWidth - name.count))  \(document.title)  [\(document.app ?? "all applications")] \(source.displayPrefix)\(document.path)")
            }
            return
        }
        let document: Document
        do {
            document = try PrintSource.find(name ?? "", in: source.checklists, app: app, what: "checklist")
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        try options.checkDiagnostics(of: document, in: source)
        let paper: Paper
        do {
            paper = try source.checklistPaper(document)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        let path = output ?? "\(PrintSource.shortName(document)).\(options.format.fileExtension)"
        try options.emit(paper, to: path)
        if path != "-" {
            Terminal.note("wrote \(path) (\(Terminal.count(paper.items.count, "item")), \(options.format.rawValue)\(options.format == .text ? "" : ", \(options.paper.rawValue)"))")
        }
    }
}

struct DrillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Print a game-day drill: the responder packet and, separately, the facilitator sheet.",
        discussion: """
            A drill is a document under drills/ (or with kind: drill): the brief responders get, \
            objectives:, the checklists: and runbooks: that apply, and a section whose heading \
            starts with "Facilitator" (how to induce the failure, hints, how to restore).

            The responder packet holds the brief, the objectives, the checklists to tick, a \
            cheat sheet of network errors (timeouts, refused, reset, DNS, TLS) with their usual \
            causes, a blank timeline and a decisions log. It never holds the facilitator notes: \
            those are only on the facilitator sheet, a separate file.

            Examples:
              runbook drill --list
              runbook drill security-group            # NAME-responder.pdf, NAME-facilitator.pdf
              runbook drill --random --seed 7 --output-dir packets/
            """
    )

    @Argument(help: ArgumentHelp("The drill: file name or title (a prefix will do).", valueName: "name"))
    var name: String?

    @Flag(name: .long, help: "Pick a drill at random (say --seed to pick the same one again).")
    var random = false

    @Option(name: .long, help: ArgumentHelp("The seed of --random.", valueName: "n"))
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Only the drills of this application.", valueName: "app"))
    var app: String?

    @Flag(name: .long, help: "List the drills with their objectives and exit.")
    var list = false

    @Option(name: [.customShort("d"), .long], help: ArgumentHelp("The folder to write both files to.", valueName: "dir"))
    var outputDir: String = "."

    @OptionGroup var options: PaperOptions

    func validate() throws {
        if list, random || name != nil { throw ValidationError("--list prints the drills; give no NAME and no --random with it.") }
        if !list, !random, name == nil { throw ValidationError("Name the drill to print, or pick one with --random (runbook drill --list shows them).") }
        if random, name != nil { throw ValidationError("Give a drill NAME or --random, not both.") }
        if seed != nil, !random { throw ValidationError("--seed only applies with --random.") }
        var isDirectory: ObjCBool = false
        if !list, !(FileManager.default.fileExists(atPath: outputDir, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("The output folder '\(outputDir)' does not exist.")
        }
    }

    func run() throws {
        let source = try options.load()
        let drills = source.drills.filter { app == nil || $0.app == app }
        if list {
            if drills.isEmpty { Terminal.note("no drills\(app.map { " for application '\($0)'" } ?? "") in \(source.displayPrefix)") }
            for drill in drills {
                Terminal.line("\(PrintSource.shortName(drill))  \(drill.title)\(drill.meta.difficulty.map { "  [\($0)]" } ?? "")")
                for objective in drill.meta.objectives { Terminal.line("    - \(objective)") }
            }
            return
        }
        let drill: Document
        do {
            if random {
                guard !drills.isEmpty else {
                    if let app {
                        throw PrintSource.LookupError.noneForApp(what: "drill", app: app, apps: Set(source.drills.compactMap(\.app)).sorted())
                    }
                    throw PrintSource.LookupError.none(what: "drill")
                }
                var generator = SeededGenerator(seed: seed ?? UInt64.random(in: 0...UInt64(UInt32.max)))
                drill = drills[Int(generator.next() % UInt64(drills.count))]
                Terminal.note("picked \(source.displayPrefix)\(drill.path) (--seed \(generator.seed) picks it again)")
            } else {
                drill = try PrintSource.find(name ?? "", in: drills, app: app, what: "drill")
            }
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        try options.checkDiagnostics(of: drill, in: source)
        let papers: (responder: Paper, facilitator: Paper)
        do {
            papers = try source.drillPapers(drill)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
        let base = (outputDir as NSString).appendingPathComponent(PrintSource.shortName(drill))
        let responderPath = "\(base)-responder.\(options.format.fileExtension)"
        let facilitatorPath = "\(base)-facilitator.\(options.format.fileExtension)"
        if !options.force {
            for path in [responderPath, facilitatorPath] where FileManager.default.fileExists(atPath: path) {
                Terminal.error("\(PaperOutputError.exists(path))")
                throw ExitCode(2)
            }
        }
        try options.emit(papers.responder, to: responderPath)
        try options.emit(papers.facilitator, to: facilitatorPath)
        Terminal.note("wrote \(responderPath) (hand out) and \(facilitatorPath) (facilitator only)")
    }
}

/// SplitMix64: the same seed picks the same drill on every machine.
struct SeededGenerator: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64) {
        self.seed = seed
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
