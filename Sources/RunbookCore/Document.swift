import Foundation

/// A heading of a document: what the table of contents lists and what `#anchor` links target.
public struct Heading: Sendable, Equatable {
    public var level: Int
    public var text: String
    public var id: String
    /// File line (front matter included).
    public var line: Int
}

/// One Markdown file of the source folder, parsed: front matter, body tree, headings.
/// A class, so that the many lists and lookups that share a document do not copy it.
public final class Document: Sendable {
    /// Path relative to the source folder, with `/` separators: `api/db-locked.md`.
    public let path: String
    public let kind: DocumentKind
    /// The application (service) this document belongs to, if any.
    public let app: String?
    /// `runbooks/<app>/index.md`: the description of the application itself.
    public let isAppIndex: Bool
    /// `runbooks/index.md`: an introduction shown on the home page.
    public let isHomeIndex: Bool
    public let meta: FrontMatter
    public let body: MarkdownNode
    /// Links, images and raw HTML of the body, in order (lines relative to the body).
    public let references: [MarkdownReference]
    /// Add to a body line number to get the file line number.
    public let bodyLineOffset: Int
    public let headings: [Heading]
    /// A document of the built-in symptom knowledge base (it has no file in the source folder).
    public let isBuiltIn: Bool

    public var title: String { meta.title }

    /// For a symptom document: its id (`id:`, else the file name without `.md`).
    public var symptomID: String? {
        guard kind == .symptom else { return nil }
        if let id = meta.id, !id.isEmpty { return id }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(Document.markdownExtension) ? String(name.dropLast(Document.markdownExtension.count)) : name
    }

    /// The generated page, relative to the site root: `api/db-locked.html`.
    public let outputPath: String

    static let markdownExtension = ".md"

    /// The page of a source path: `.md` becomes `.html` (`index.md` at the top is the home page,
    /// `index.html`, by the same rule). The search index derives pages with it too.
    static func outputPath(ofSourcePath path: String) -> String {
        path.hasSuffix(markdownExtension) ? String(path.dropLast(markdownExtension.count)) + ".html" : path
    }

    /// Why `name` cannot name an application (it becomes a folder of the site), or nil.
    static func problemWithAppName(_ name: String) -> String? {
        if name.hasPrefix(".") { return "'\(name)' cannot start with '.'" }
        if name.contains("/") || name.contains("\\") { return "'\(name)' must be a single name, without '/'" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "'\(name)' contains a control character"
        }
        if reservedTopFolders.contains(name.lowercased()) {
            return "'\(name)' is reserved for the site's own pages; choose another name"
        }
        return nil
    }

    /// Folder names at the top of the source folder that never name an application.
    static let reservedTopFolders: Set<String> = ["checklists", "postmortems", "tags", "assets", "symptoms", "drills", "templates", "search"]

    init(path: String, meta: FrontMatter, body: MarkdownNode, references: [MarkdownReference], bodyLineOffset: Int,
         isBuiltIn: Bool = false, sink: inout DiagnosticSink) {
        self.path = path
        self.isBuiltIn = isBuiltIn
        self.meta = meta
        self.body = body
        self.references = references
        self.bodyLineOffset = bodyLineOffset
        let parts = path.split(separator: "/").map(String.init)
        let folders = parts.dropLast()
        let fileName = parts.last ?? path

        if let declared = meta.kind {
            if let kind = DocumentKind(rawValue: declared) {
                self.kind = kind
            } else {
                sink.error("unknown kind '\(declared)'; expected one of \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))",
                           line: meta.keyLines["kind"] ?? 1)
                self.kind = .runbook
            }
        } else {
            self.kind = folders.compactMap { DocumentKind.folderKinds[$0] }.first ?? .runbook
        }

        let folderApp = folders.first.flatMap { Document.reservedTopFolders.contains($0) ? nil : $0 }
        if let declared = meta.app?.trimmed(), !declared.isEmpty {
            if let problem = Document.problemWithAppName(declared) {
                sink.error("'app' \(problem)", line: meta.keyLines["app"] ?? 1)
                self.app = folderApp
            } else {
                self.app = declared
            }
        } else {
            self.app = folderApp
        }
        self.isAppIndex = folders.count == 1 && folderApp != nil && fileName == "index.md"
        self.isHomeIndex = folders.isEmpty && fileName == "index.md"
        self.outputPath = Document.outputPath(ofSourcePath: path)

        // Every heading, nested ones (in a quote or a list) included, in the order the renderer
        // meets them: it hands out these ids in that order.
        var slugger = Slugger()
        var headings: [Heading] = []
        body.forEach { node in
            guard case .heading(let level) = node.kind else { return }
            let text = node.plainText.trimmed()
            headings.append(Heading(level: level, text: text, id: slugger.unique(text), line: node.line + bodyLineOffset))
        }
        self.headings = headings
    }
}

extension Document {
    /// Whether the first block of the body is an H1 that repeats the title (the page shows the
    /// title already, so that heading is not rendered twice).
    var bodyRepeatsTitle: Bool {
        guard let first = body.children.first, case .heading(level: 1) = first.kind else { return false }
        return first.plainText.trimmed().lowercased() == title.lowercased()
    }
}
