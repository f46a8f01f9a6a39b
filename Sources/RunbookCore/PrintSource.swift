import Foundation

/// The source folder loaded for printing: its checklists and drills, found by name.
public struct PrintSource: Sendable {
    public let documents: [Document]
    /// Problems found while loading, by file (the printed document's own are what matter).
    public let diagnostics: [Diagnostic]
    /// `runbooks/`: how the user names the source folder, for paths in messages and footers.
    public let displayPrefix: String
    public let commit: String?
    public let dirty: Bool
    public let today: Day

    public static func load(source: URL, sourceDisplay: String, time: Int = Int(Date().timeIntervalSince1970)) throws -> PrintSource {
        let loaded = try SourceLoader.load(root: source, displayRoot: sourceDisplay)
        let displayPrefix = SitePath.folderPrefix(sourceDisplay)
        let merged = SymptomBase.merge(team: loaded.documents, displayPrefix: displayPrefix)
        let git = BuildInfo.gitState(of: source)
        return PrintSource(documents: merged.documents, diagnostics: loaded.diagnostics + merged.diagnostics,
                           displayPrefix: displayPrefix, commit: git?.commit, dirty: git?.dirty ?? false,
                           today: Day(secondsSince1970: time))
    }

    public var checklists: [Document] { documents.filter { $0.kind == .checklist } }
    public var drills: [Document] { documents.filter { $0.kind == .drill } }

    /// The problems of one document's file.
    public func diagnostics(of document: Document) -> [Diagnostic] {
        diagnostics.filter { $0.file == displayPrefix + document.path }
    }

    public func footer(for document: Document) -> PaperFooter {
        PaperFooter(source: displayPrefix + document.path, commit: commit, dirty: dirty, printed: today)
    }

    public func checklistPaper(_ document: Document) throws -> Paper {
        try PaperBuilder.checklist(document, displayPath: displayPrefix + document.path, footer: footer(for: document))
    }

    public func drillPapers(_ document: Document) throws -> (responder: Paper, facilitator: Paper) {
        try PaperBuilder.drill(document, documents: documents, displayPrefix: displayPrefix, footer: footer(for: document))
    }

    /// The short name of a document: its file name without `.md`.
    public static func shortName(_ document: Document) -> String {
        let file = document.path.split(separator: "/").last.map(String.init) ?? document.path
        return file.hasSuffix(Document.markdownExtension) ? String(file.dropLast(Document.markdownExtension.count)) : file
    }

    /// Finds a document by file name, path or title (any case); an unambiguous prefix of the
    /// file name (its leading number may be left out) or title is enough, or failing that a
    /// part of either that only one has. `what` names the kind in messages ("checklist").
    public static func find(_ name: String, in candidates: [Document], app: String?, what: String) throws -> Document {
        let pool = app.map { app in candidates.filter { $0.app == app } } ?? candidates
        if let app, pool.isEmpty {
            throw LookupError.noneForApp(what: what, app: app, apps: Set(candidates.compactMap(\.app)).sorted())
        }
        if pool.isEmpty { throw LookupError.none(what: what) }
        // Compared as slugs, so "every other click", "Every-Other-Click" and the title's words agree.
        let wanted = lookupKey(name)
        func keys(_ document: Document) -> [String] {
            let path = document.path.lowercased()
            let withoutExtension = path.hasSuffix(Document.markdownExtension) ? String(path.dropLast(Document.markdownExtension.count)) : path
            let short = lookupKey(shortName(document))
            // `01-dns-record-deleted` answers to `dns-record-deleted` too.
            let unnumbered = String(short.drop(while: \.isNumber).drop(while: { $0 == "-" }))
            return [short, withoutExtension, path, lookupKey(document.title), unnumbered]
        }
        let exact = pool.filter { keys($0).contains(wanted) }
        if exact.count == 1 { return exact[0] }
        if exact.count > 1 { throw LookupError.ambiguous(what: what, name: name, matches: exact.map(\.path)) }
        let prefixed = pool.filter { document in
            let key = keys(document)
            return key[0].hasPrefix(wanted) || key[1].hasPrefix(wanted) || key[3].hasPrefix(wanted) || key[4].hasPrefix(wanted)
        }
        if prefixed.count == 1 { return prefixed[0] }
        if prefixed.count > 1 { throw LookupError.ambiguous(what: what, name: name, matches: prefixed.map(\.path)) }
        // Last, a word from the middle of the name or title, if only one has it.
        let containing = pool.filter { keys($0)[0].contains(wanted) || keys($0)[3].contains(wanted) }
        if containing.count == 1 { return containing[0] }
        if containing.count > 1 { throw LookupError.ambiguous(what: what, name: name, matches: containing.map(\.path)) }
        throw LookupError.notFound(what: what, name: name, closest: closest(to: wanted, in: pool))
    }

    /// Lower case, with every run of characters other than letters, digits, `/` and `.` as one `-`.
    static func lookupKey(_ text: String) -> String {
        var out = ""
        var pendingDash = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "/" || character == "." {
                if pendingDash, !out.isEmpty { out.append("-") }
                pendingDash = false
                out.append(character)
            } else {
                pendingDash = true
            }
        }
        return out
    }

    /// The names nearest to `name` (a lookup key) by edit distance, best first (however far:
    /// a list to pick from beats none).
    static func closest(to name: String, in documents: [Document], count: Int = 3) -> [String] {
        NearestNames.nearest(to: name, among: documents.map { (shortName($0), [lookupKey(shortName($0)), lookupKey($0.title)]) },
                             count: count)
    }

    public enum LookupError: Error, CustomStringConvertible, Equatable {
        case none(what: String)
        case noneForApp(what: String, app: String, apps: [String])
        case ambiguous(what: String, name: String, matches: [String])
        case notFound(what: String, name: String, closest: [String])

        public var description: String {
            switch self {
            case .none(let what):
                return "the source folder has no \(what)s"
            case .noneForApp(let what, let app, let apps):
                return "application '\(app)' has no \(what)s" + (apps.isEmpty ? "" : " (applications with \(what)s: \(apps.joined(separator: ", ")))")
            case .ambiguous(let what, let name, let matches):
                return "'\(name)' matches \(matches.count) \(what)s: \(matches.joined(separator: ", ")); give more of the name (or --app)"
            case .notFound(let what, let name, let closest):
                return "no \(what) named '\(name)'" + (closest.isEmpty ? "" : "; did you mean \(closest.map { "'\($0)'" }.joined(separator: " or "))?")
                    + " (--list shows them all)"
            }
        }
    }
}

/// A paper that could not be written.
public enum PaperOutputError: Error, CustomStringConvertible, Equatable {
    case cannotWrite(String, reason: String)
    case exists(String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .exists(let path): return "\(path) already exists; use --force to replace it, or write elsewhere (-o FILE, or -d DIR for a drill)"
        }
    }
}

/// Writing a paper to a file or standard output.
public enum PaperFile {
    public enum Format: String, Sendable, CaseIterable {
        case pdf, html, text
        public var fileExtension: String { self == .text ? "txt" : rawValue }
    }

    /// The paper in a format, as bytes. A PDF is drawn into a temporary file and read back.
    public static func render(_ paper: Paper, format: Format, size: PaperSize) throws -> [UInt8] {
        switch format {
        case .text: return Array(paper.plainText().utf8)
        case .html: return Array(paper.html(size: size, stylesheet: .inline).utf8)
        case .pdf:
            let temporary = FileManager.default.temporaryDirectory
                .appendingPathComponent("runbook-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).pdf").path
            defer { unlink(temporary) }
            try paper.writePDF(to: temporary, size: size)
            guard let data = FileManager.default.contents(atPath: temporary) else {
                throw PaperOutputError.cannotWrite(temporary, reason: "the PDF could not be read back")
            }
            return Array(data)
        }
    }

    /// Writes `bytes` to `path`: a file is written beside it first and then renamed into
    /// place, so a reader never sees half of one; a link is followed; a pipe or device
    /// (`/dev/stdout`) is written to as it is. An existing file is replaced only with `force`.
    public static func write(_ bytes: [UInt8], to path: String, force: Bool) throws {
        var info = stat()
        if lstat(path, &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type == S_IFLNK {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
                    throw PaperOutputError.cannotWrite(path, reason: "it is a link that cannot be read")
                }
                let resolved = target.hasPrefix("/") ? target : (path as NSString).deletingLastPathComponent + "/" + target
                return try write(bytes, to: resolved, force: force)
            }
            if type == S_IFDIR { throw PaperOutputError.cannotWrite(path, reason: "it is a folder") }
            if type == S_IFIFO || type == S_IFCHR { return try writeInPlace(bytes, to: path) }
            if !force { throw PaperOutputError.exists(path) }
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        do {
            try FileWriter.write(bytes, to: temporary)
        } catch {
            throw PaperOutputError.cannotWrite(path, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PaperOutputError.cannotWrite(path, reason: reason)
        }
    }

    /// A pipe or a device: there is nothing to replace, only something to write to.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw PaperOutputError.cannotWrite(path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }  // a close after a complete write reports nothing useful
        do {
            try handle.write(contentsOf: Data(bytes))
        } catch {
            throw PaperOutputError.cannotWrite(path, reason: error.localizedDescription)
        }
    }
}
