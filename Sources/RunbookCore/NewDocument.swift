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

    /// Creates the document and returns its path as the user would write it
    /// (`runbooks/api/disk-full.md`). Never replaces an existing file.
    public static func create(_ request: NewDocumentRequest) throws -> String {
        let (relative, text) = try render(request)
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
        return display
    }

    /// The path (relative to the source folder) and text of the new document, without writing.
    public static func render(_ request: NewDocumentRequest) throws -> (path: String, text: String) {
        guard kinds.contains(request.kind) else { throw NewDocumentError.unsupportedKind(request.kind.rawValue) }
        if request.alert != nil, request.kind != .runbook { throw NewDocumentError.alertOnlyForRunbooks }
        let alert = request.alert?.trimmed()
        guard let title = (request.title?.trimmed()).flatMap({ $0.isEmpty ? nil : $0 }) ?? alert.map(title(ofAlert:)) else {
            throw NewDocumentError.noTitle
        }
        let app = try checkedApp(request)
        if request.kind == .runbook, app == nil { throw NewDocumentError.appNeeded }
        let today = Day(secondsSince1970: request.time)
        let owners = app.map { NewDocument.owners(of: $0, in: request.source) } ?? []
        let slug = Slug.fileName(title)

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
        let (templateText, templateFile) = try template(for: request.kind, in: request.templates)
        let text: String
        do {
            let template = try MustacheTemplate(string: textPragma + templateText)
            text = template.render(context)
        } catch {
            throw NewDocumentError.template(templateFile, reason: "\(error)")
        }
        return (relative, text)
    }

    /// Plain text: nothing in a Markdown file is HTML-escaped.
    private static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    private static func template(for kind: DocumentKind, in folder: URL?) throws -> (text: String, file: String) {
        let name = "\(templateFolder)/\(kind.rawValue).md"
        if let folder {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) {
                do {
                    return (try String(contentsOf: url, encoding: .utf8), url.path)
                } catch {
                    throw NewDocumentError.template(url.path, reason: "cannot be read as UTF-8 text (\(error.localizedDescription))")
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
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: request.source.appendingPathComponent(app).path, isDirectory: &isDirectory),
           isDirectory.boolValue {
            return app
        }
        // Only for suggestions: an unreadable source folder just means none.
        let known = ((try? FileManager.default.contentsOfDirectory(atPath: request.source.path)) ?? [])
            .filter { name in
                var isFolder: ObjCBool = false
                return !name.hasPrefix(".") && !Document.reservedTopFolders.contains(name)
                    && FileManager.default.fileExists(atPath: request.source.appendingPathComponent(name).path, isDirectory: &isFolder)
                    && isFolder.boolValue
            }
        let suggestions = known.filter { PrintSource.editDistance($0.lowercased(), app.lowercased()) <= max(2, app.count / 3) }.sorted()
        throw NewDocumentError.unknownApp(app, suggestions: suggestions)
    }

    /// The owners named in `<app>/index.md`, if it has front matter that says.
    static func owners(of app: String, in source: URL) -> [String] {
        let url = source.appendingPathComponent(app).appendingPathComponent("index.md")
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else { return [] }
        var sink = DiagnosticSink(file: url.path)
        let split = FrontMatter.split(text, sink: &sink)
        return FrontMatter.parse(split, sink: &sink).owners
    }

    /// `PostgresTooManyConnections` → `Postgres too many connections`; `API5xxHigh` → `API 5xx high`.
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
                let startsWord = (character.isUppercase && last.isLowercase)
                    || (character.isUppercase && last.isUppercase && (next?.isLowercase ?? false))
                    || (character.isNumber && last.isLetter && !last.isUppercase)
                    || (character.isNumber && last.isUppercase && current.count > 1 && current.allSatisfy(\.isUppercase))
                if startsWord { words.append(current); current = "" }
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        let shaped = words.enumerated().map { index, word -> String in
            // Acronyms (API, TLS) and words with digits (5xx) stay as they are.
            if word.count > 1 && word.allSatisfy({ $0.isUppercase || $0.isNumber }) { return word }
            if word.contains(where: \.isNumber) { return word.lowercased() }
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
