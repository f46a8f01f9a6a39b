import Foundation
import Mustache

/// What `runbook new` is asked to write.
public struct NewDocumentRequest: Sendable {
    public var kind: DocumentKind
    public var title: String?
    public var app: String?
    /// A Prometheus alert name: the runbook's title and `alerts:` come from it.
    public var alert: String?
    public var source: URL
    public var sourceDisplay: String
    /// A team's templates folder; `new/<kind>.md` there replaces the built-in template.
    public var templates: URL?
    /// The templates folder as the user named it, for messages.
    public var templatesDisplay: String?
    /// Seconds since 1970 ("today" for `last_reviewed` and `date`).
    public var time: Int

    public init(kind: DocumentKind, title: String?, app: String?, alert: String? = nil, source: URL, sourceDisplay: String,
                templates: URL? = nil, time: Int = Int(Date().timeIntervalSince1970)) {
        self.kind = kind
        self.title = title
        self.app = app
        self.alert = alert
        self.source = source
        self.sourceDisplay = sourceDisplay
        self.templates = templates
        self.time = time
    }
}

public enum NewDocumentError: Error, CustomStringConvertible, Equatable {
    case noTitle
    case badAlert(String)
    case reservedName(String)
    case alertOnlyForRunbooks
    case appNeeded
    case badApp(String)
    case unknownApp(String, suggestions: [String])
    case unsupportedKind(String)
    case exists(String)
    case template(String, reason: String)
    case cannotWrite(String, reason: String)

    public var description: String {
        switch self {
        case .noTitle: return "give the new document a title (or --alert NAME for a runbook)"
        case .badAlert(let name):
            return "'\(name)' is not a Prometheus alert name (letters, digits, '_' and ':', not starting with a digit)"
        case .reservedName(let file):
            return "a title that makes the file name '\(file)' would not become a page of its own (index.md describes a folder, README.md is for the repository); choose another title"
        case .alertOnlyForRunbooks: return "--alert fills a runbook from an alert name; it does not apply to other kinds"
        case .appNeeded: return "a runbook belongs to an application: give --app NAME"
        case .badApp(let problem): return "--app \(problem)"
        case .unknownApp(let app, let suggestions):
            return "there is no application '\(app)' in the source folder" + (suggestions.isEmpty ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?")
                + " (create its folder first to start a new one)"
        case .unsupportedKind(let kind): return "runbook new makes runbooks, checklists, postmortems and drills, not \(kind)s"
        case .exists(let path): return "\(path) already exists; runbook new never overwrites a file (choose another title)"
        case .template(let file, let reason): return "\(file): the template does not render: \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Writes a new document from a template, at the path the site expects for its kind.
public enum NewDocument {
    /// Where templates for new documents live, inside a templates folder.
    public static let templateFolder = "new"
    public static let kinds: [DocumentKind] = [.runbook, .checklist, .postmortem, .drill]

    /// The longest file name a title makes (before `.md`): long titles are cut at a word.
    static let maximumSlugLength = 80
    /// File names the loader treats specially: a new document must not take them.
    static let reservedSlugs: Set<String> = ["index", "readme", "license"]

    /// Creates the document and returns its path as the user would write it
    /// (`runbooks/api/disk-full.md`), with warnings (an app index whose owners could not be
    /// read). Never replaces an existing file.
    public static func create(_ request: NewDocumentRequest) throws -> (path: String, warnings: [Diagnostic]) {
        let (relative, text, warnings) = try render(request)
        let url = request.source.appendingPathComponent(relative)
        let display = SitePath.folderPrefix(request.sourceDisplay) + relative
        if FileManager.default.fileExists(atPath: url.path) { throw NewDocumentError.exists(display) }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw NewDocumentError.cannotWrite(display, reason: "\(error)")
        }
        // O_EXCL: if the file appeared since the check above, it is still not overwritten.
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw NewDocumentError.exists(display) }
            throw NewDocumentError.cannotWrite(display, reason: String(cString: strerror(errno)))
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let closed = close(descriptor)
        guard written == bytes.count, closed == 0 else {
            unlink(url.path)
            throw NewDocumentError.cannotWrite(display, reason: String(cString: strerror(errno)))
        }
        return (display, warnings)
    }

    /// The path (relative to the source folder), text and warnings of the new document, without writing.
    public static func render(_ request: NewDocumentRequest) throws -> (path: String, text: String, warnings: [Diagnostic]) {
        guard kinds.contains(request.kind) else { throw NewDocumentError.unsupportedKind(request.kind.rawValue) }
        if request.alert != nil, request.kind != .runbook { throw NewDocumentError.alertOnlyForRunbooks }
        let alert = request.alert?.trimmed()
        if let alert, !isAlertName(alert) { throw NewDocumentError.badAlert(alert) }
        guard let title = (request.title?.trimmed()).flatMap({ $0.isEmpty ? nil : $0 }) ?? alert.map(title(ofAlert:)) else {
            throw NewDocumentError.noTitle
        }
        let app = try checkedApp(request)
        if request.kind == .runbook, app == nil { throw NewDocumentError.appNeeded }
        let today = Day(secondsSince1970: request.time)
        let (owners, warnings) = app.map { NewDocument.owners(of: $0, in: request.source, sourceDisplay: request.sourceDisplay) } ?? ([], [])
        let slug = shortSlug(title)
        if reservedSlugs.contains(slug) { throw NewDocumentError.reservedName(slug + Document.markdownExtension) }

        let relative: String
        switch request.kind {
        case .checklist: relative = (app.map { "\($0)/" } ?? "") + "checklists/\(slug).md"
        case .postmortem: relative = "postmortems/\(today)-\(slug).md"
        case .drill: relative = "drills/\(slug).md"
        default: relative = "\(app ?? "")/\(slug).md"
        }

        let context: [String: Any] = [
            "title": title,
            "titleYAML": yamlString(title),
            "app": app ?? "",
            "appsYAML": yamlList(app.map { [$0] } ?? []),
            "ownersYAML": yamlList(owners),
            "alert": alert ?? "",
            "alertsYAML": yamlList(alert.map { [$0] } ?? []),
            "date": today.description,
            "kind": request.kind.rawValue,
        ]
        let (templateText, templateFile) = try template(for: request.kind, in: request.templates, folderDisplay: request.templatesDisplay)
        let text: String
        do {
            let template = try MustacheTemplate(string: textPragma + templateText)
            text = template.render(context)
        } catch {
            throw NewDocumentError.template(templateFile, reason: templateProblem(error))
        }
        return (relative, text, warnings)
    }

    /// A Mustache parse error as `line:column: problem` (the column of line 1 without the pragma).
    private static func templateProblem(_ error: any Error) -> String {
        guard let parse = error as? MustacheTemplate.ParserError else { return "\(error)" }
        let line = parse.context.lineNumber
        let column = parse.context.columnNumber - (line == 1 ? textPragma.count : 0)
        return "line \(line), column \(max(column, 1)): \(parse.error)"
    }

    /// A title as a file name, cut at a word when long.
    static func shortSlug(_ title: String) -> String {
        let slug = Slug.fileName(title)
        guard slug.count > maximumSlugLength else { return slug }
        let cut = slug.prefix(maximumSlugLength)
        return String(cut.lastIndex(of: "-").map { cut[..<$0] } ?? cut)
    }

    /// Prometheus's rule for metric and alert names: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isAlertName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == ":") }
    }

    /// Plain text: nothing in a Markdown file is HTML-escaped.
    private static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    private static func template(for kind: DocumentKind, in folder: URL?, folderDisplay: String?) throws -> (text: String, file: String) {
        let name = "\(templateFolder)/\(kind.rawValue).md"
        if let folder {
            let url = folder.appendingPathComponent(name)
            let display = SitePath.folderPrefix(folderDisplay ?? folder.path) + name
            if FileManager.default.fileExists(atPath: url.path) {
                do {
                    return (try String(contentsOf: url, encoding: .utf8), display)
                } catch {
                    throw NewDocumentError.template(display, reason: "cannot be read as UTF-8 text (\(error.localizedDescription))")
                }
            }
        }
        guard let text = EmbeddedTemplates.files[name] else { throw NewDocumentError.template("<built-in>/\(name)", reason: "missing") }
        return (text, "<built-in>/\(name)")
    }

    /// The application, checked against the source folder's application folders.
    private static func checkedApp(_ request: NewDocumentRequest) throws -> String? {
        guard let app = request.app?.trimmed(), !app.isEmpty else { return nil }
        if let problem = Document.problemWithAppName(app) { throw NewDocumentError.badApp(problem) }
        // The loader does not follow links to folders; a document put there would not be read.
        var info = stat()
        if lstat(request.source.appendingPathComponent(app).path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR { return app }
            if info.st_mode & S_IFMT == S_IFLNK {
                throw NewDocumentError.badApp("'\(app)' is a link to a folder, which the build does not read; use the folder itself")
            }
        }
        // Only for suggestions: an unreadable source folder just means none.
        let known = ((try? FileManager.default.contentsOfDirectory(atPath: request.source.path)) ?? [])
            .filter { name in
                var isFolder: ObjCBool = false
                return !name.hasPrefix(".") && !Document.reservedTopFolders.contains(name)
                    && FileManager.default.fileExists(atPath: request.source.appendingPathComponent(name).path, isDirectory: &isFolder)
                    && isFolder.boolValue
            }
        let suggestions = NearestNames.nearest(to: app.lowercased(), among: known.map { ($0, [$0.lowercased()]) },
                                               within: max(2, app.count / 3), count: known.count).sorted()
        throw NewDocumentError.unknownApp(app, suggestions: suggestions)
    }

    /// The owners named in `<app>/index.md`, and what kept them from being read (its problems).
    static func owners(of app: String, in source: URL, sourceDisplay: String) -> (owners: [String], problems: [Diagnostic]) {
        let url = source.appendingPathComponent(app).appendingPathComponent("index.md")
        guard FileManager.default.fileExists(atPath: url.path) else { return ([], []) }
        var sink = DiagnosticSink(file: SitePath.folderPrefix(sourceDisplay) + app + "/index.md")
        guard let text = SourceLoader.readText(url, sink: &sink) else { return ([], sink.diagnostics) }
        let split = FrontMatter.split(text, sink: &sink)
        let owners = FrontMatter.parse(split, sink: &sink).owners
        // Reported as warnings here: the new document is still written, without owners.
        let problems = sink.diagnostics.map { problem in
            var warning = problem
            warning.severity = .warning
            warning.message = "owners not filled in: " + problem.message
            return warning
        }
        return (owners, problems)
    }

    /// `PostgresTooManyConnections` → `Postgres too many connections`; `API5xxHigh` → `API 5xx high`;
    /// `X509CertificateExpiring` → `X509 certificate expiring`; `IPv6Down` → `IPv6 down`.
    public static func title(ofAlert name: String) -> String {
        var words: [String] = []
        var current = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            if character == "_" || character == "-" || character == " " || character == "." || character == ":" {
                if !current.isEmpty { words.append(current); current = "" }
                continue
            }
            if let last = current.last {
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // What follows a run of digits starting here: `5xx` is a word, `X509` and `IPv6` are not split.
                let afterDigits = characters[index...].first { !$0.isNumber }
                let startsWord = (character.isUppercase && last.isLowercase)                     // bookingsDown
                    || (character.isUppercase && last.isNumber && (next?.isLowercase ?? false))  // X509Certificate
                    || (character.isUppercase && last.isUppercase && (next?.isLowercase ?? false) && current.count > 1)  // APIRate
                    || (character.isNumber && last.isLetter && current.count > 1 && (afterDigits?.isLowercase ?? false))  // API5xx
                if startsWord { words.append(current); current = "" }
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        let shaped = words.enumerated().map { index, word -> String in
            // Acronyms (API, TLS) and words with digits or inner capitals (5xx, IPv6) stay as written.
            let isAcronym = word.count > 1 && word.allSatisfy { $0.isUppercase || $0.isNumber }
            let hasInnerCapital = word.dropFirst().contains(where: \.isUppercase)
            if isAcronym || hasInnerCapital || word.contains(where: \.isNumber) {
                return index == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word
            }
            return index == 0 ? word.prefix(1).uppercased() + word.dropFirst().lowercased() : word.lowercased()
        }
        return shaped.joined(separator: " ")
    }

    /// A YAML double-quoted string: JSON's string escaping is valid YAML.
    static func yamlString(_ text: String) -> String { JSON.string(text) }

    static func yamlList(_ items: [String]) -> String {
        "[" + items.map(yamlString).joined(separator: ", ") + "]"
    }
}
