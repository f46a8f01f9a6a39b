import ArgumentParser
import Foundation
import RunbookCore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find what an error message means and the team's runbooks for it.",
        discussion: """
            Paste what the logs said: a fragment ("connection refused"), an errno name \
            (ECONNREFUSED), or whole log lines with their timestamps, addresses and ids (those \
            are left out of the ranking). With no QUERY, or with -, the query is read from \
            standard input, so a block of log lines can be piped in.

            Results come from the source folder's runbooks, checklists and postmortems and from \
            the built-in knowledge base of common failure symptoms (timeouts, refused and reset \
            connections, DNS, TLS, HTTP 5xx, disk, memory, permissions, locks). The symptom the \
            query shows comes first, then the team's documents about it.

            The index is kept in the cache folder ($XDG_CACHE_HOME/runbook or ~/.cache/runbook) \
            and rebuilt when a document was added, edited or removed. --index reads a given \
            index file as it is, for example site/search/index.rbx from `runbook build`.

            Exit status: 0 with results, 1 with none, 2 on a usage or index error.
            """
    )

    @Argument(help: ArgumentHelp("What to look for; '-' or nothing reads standard input.", valueName: "query"))
    var query: [String] = []

    @Option(name: .long, help: ArgumentHelp("The folder of Markdown documents.", valueName: "dir"))
    var source: String = "runbooks"

    @Option(name: .long, help: ArgumentHelp("Read this index file as it is instead of the source folder's cached index.", valueName: "file"))
    var index: String?

    @Option(name: .long, help: ArgumentHelp("Show at most this many results.", valueName: "n"))
    var limit: Int = SearchQuery.defaultLimit

    @Option(name: .long, help: ArgumentHelp("Only results of this kind: runbook, checklist, postmortem or symptom.", valueName: "kind"))
    var kind: String?

    @Option(name: .long, help: ArgumentHelp("Only documents of this application.", valueName: "name"))
    var app: String?

    @Flag(name: .long, help: "Print one JSON object: the query, the symptoms it shows, and the results.")
    var json = false

    func validate() throws { try SearchRun(self).validate() }

    func run() throws { try SearchRun(self).execute() }
}

/// `runbook search` with its options as plain values: what the command runs, whether
/// ArgumentParser parsed the line or `quickParse` did.
struct SearchRun {
    var query: [String]
    var source: String
    var index: String?
    var limit: Int
    var kind: String?
    var app: String?
    var json: Bool

    init(_ command: SearchCommand) {
        query = command.query
        source = command.source
        index = command.index
        limit = command.limit
        kind = command.kind
        app = command.app
        json = command.json
    }

    init() {
        query = []
        source = "runbooks"
        limit = SearchQuery.defaultLimit
        json = false
    }

    /// A search is a fresh process each time, and ArgumentParser's reflection costs more than
    /// the search itself, so plain command lines (the options above, words, `--`) are read
    /// here; anything else (help, `--opt=value`, an unknown flag, a missing value) returns nil
    /// and goes through ArgumentParser, which explains the problem.
    static func quickParse(_ arguments: ArraySlice<String>) -> SearchRun? {
        var run = SearchRun()
        var rest = arguments[...]
        var onlyWords = false
        while let argument = rest.popFirst() {
            if onlyWords || !argument.hasPrefix("-") || argument == "-" {
                run.query.append(argument)
                continue
            }
            switch argument {
            case "--": onlyWords = true
            case "--json": run.json = true
            case "--index", "--source", "--limit", "--kind", "--app":
                guard let value = rest.popFirst() else { return nil }
                switch argument {
                case "--index": run.index = value
                case "--source": run.source = value
                case "--limit": guard let number = Int(value) else { return nil }; run.limit = number
                case "--kind": run.kind = value
                default: run.app = value
                }
            default: return nil
            }
        }
        do {
            try run.validate()
        } catch {
            return nil  // ArgumentParser reports it, with the usage line
        }
        return run
    }

    /// A pasted log block larger than this is cut: the head of a log carries the error.
    static let maximumQueryBytes = 64 * 1024

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit).") }
        if let kind, DocumentKind(rawValue: kind.lowercased()) == nil {
            throw ValidationError("--kind must be one of \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(kind)'.")
        }
        if source.isEmpty { throw ValidationError("The --source folder cannot be an empty path.") }
        if let app, app.isEmpty { throw ValidationError("--app needs an application name.") }
    }

    func readQuery() throws -> String {
        if !query.isEmpty, query != ["-"] { return query.joined(separator: " ") }
        if query.isEmpty, isatty(STDIN_FILENO) != 0 {
            throw ValidationError("Give a query, for example: runbook search \"connection refused\" (or pipe log lines in).")
        }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: data.prefix(Self.maximumQueryBytes), as: UTF8.self)
    }

    func execute() throws {
        let text = try readQuery()
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw ValidationError("The query is empty: give the words or the log lines to look for.")
        }
        var searchIndex: SearchIndex
        var cacheFile: URL?
        var sourceURL: URL? = URL(fileURLWithPath: source, isDirectory: true)
        do {
            if let index {
                searchIndex = try SearchIndex(path: index)
                if self.source == "runbooks", !FileManager.default.fileExists(atPath: source) { sourceURL = nil }
            } else {
                let environment = ProcessInfo.processInfo.environment
                guard let folder = SearchIndexStore.cacheFolder(environment: environment) else {
                    Terminal.error("no cache folder: set HOME or XDG_CACHE_HOME, or give --index FILE")
                    throw ExitCode(2)
                }
                let source = URL(fileURLWithPath: self.source, isDirectory: true)
                let file = SearchIndexStore.cacheFile(for: source, in: folder)
                cacheFile = file
                let opened = try SearchIndexStore.openFresh(source: source, sourceDisplay: self.source, file: file)
                if let reason = opened.rebuiltBecause, !json {
                    Terminal.note("indexed \(Terminal.count(opened.documentCount - opened.builtInCount, "document")) of \(BuildCommand.folderName(self.source)) and \(opened.builtInCount) built-in symptoms (\(reason))")
                }
                searchIndex = opened.index
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        let query = SearchQuery(text: text, limit: limit, kind: kind.flatMap { DocumentKind(rawValue: $0.lowercased()) }, app: app)
        var response = SearchEngine(index: searchIndex).respond(query, source: sourceURL)
        // Records are checked as they are read: a damaged one means the answer cannot be trusted.
        if searchIndex.isDamaged {
            let damage = SearchIndexError.damaged(index ?? cacheFile?.path ?? "", reason: "checksum mismatch")
            guard let cacheFile else {
                Terminal.error("\(damage); rebuild it with runbook build")
                throw ExitCode(2)
            }
            do {
                let opened = try SearchIndexStore.rebuild(source: URL(fileURLWithPath: source, isDirectory: true), sourceDisplay: source,
                                                          file: cacheFile, because: "\(damage)")
                Terminal.note("indexed \(Terminal.count(opened.documentCount - opened.builtInCount, "document")) of \(BuildCommand.folderName(source)) and \(opened.builtInCount) built-in symptoms (\(damage))")
                searchIndex = opened.index
                response = SearchEngine(index: searchIndex).respond(query, source: sourceURL)
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(2)
            }
        }
        if json {
            Terminal.line(response.json())
        } else {
            SearchOutput.print(response)
        }
        if response.results.isEmpty { throw ExitCode(1) }
    }
}


/// Results for a person, in the manner of ripgrep: what matched, where, and the line.
enum SearchOutput {
    static func print(_ response: SearchResponse) {
        let paint = Terminal.stdoutPaint
        var out = ""
        if !response.symptoms.isEmpty {
            out += paint("symptom: ", "1") + response.symptoms.joined(separator: ", ") + "\n\n"
        }
        if response.results.isEmpty {
            FileHandle.standardError.write(Data("no results for \(response.query.count > 80 ? String(response.query.prefix(80)) + "…" : response.query)\n".utf8))
        }
        let rankWidth = String(response.results.count).count
        for result in response.results {
            let rank = String(repeating: " ", count: rankWidth - String(result.rank).count) + "\(result.rank)"
            var head = "\(paint(rank, "1"))  \(paint(result.kind.rawValue, "36"))  \(paint(result.title, "1"))"
            if let app = result.app { head += "  [\(app)]" }
            out += head + "\n"
            let indent = String(repeating: " ", count: rankWidth + 2)
            var place = result.path.map { "\($0):\(result.line ?? 1)" } ?? "built-in: \(result.url)"
            if let section = result.section { place += "  § \(section)" }
            out += indent + paint(place, "35") + "\n"
            if !result.snippet.isEmpty {
                out += indent + highlight(result.snippet, result.highlights, paint) + "\n"
            }
            out += "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    static func highlight(_ text: String, _ ranges: [Range<Int>], _ paint: (String, String) -> String) -> String {
        guard Terminal.stdoutUsesColor, !ranges.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var out = "", cursor = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where range.lowerBound >= cursor && range.upperBound <= bytes.count {
            out += String(decoding: bytes[cursor..<range.lowerBound], as: UTF8.self)
            out += paint(String(decoding: bytes[range], as: UTF8.self), "1;31")
            cursor = range.upperBound
        }
        return out + String(decoding: bytes[cursor...], as: UTF8.self)
    }
}
