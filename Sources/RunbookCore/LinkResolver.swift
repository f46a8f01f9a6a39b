import Foundation

/// What a link in a document points at, once resolved against the whole source folder.
enum LinkTarget: Equatable {
    /// Another site (`https://…`, `mailto:`): left as written.
    case external
    case document(index: Int, anchor: String?)
    /// A generated page (an application's page, a list) or a copied static file.
    case page(String, anchor: String?)
}

/// Why a link cannot be followed; each becomes an error at the link's line.
enum LinkProblem: Error, Equatable, CustomStringConvertible {
    case outsideSource(String)
    case missingDocument(String)
    case missingFile(String)
    case missingAnchor(anchor: String, in: String)

    var description: String {
        switch self {
        case .outsideSource(let link): return "link '\(link)' points outside the source folder"
        case .missingDocument(let path): return "link to missing document '\(path)'"
        case .missingFile(let path): return "link to missing file '\(path)'"
        case .missingAnchor(let anchor, let path): return "link to missing anchor '#\(anchor)' in '\(path)'"
        }
    }
}

/// Turns links as people write them on GitHub (`../api/db.md#diagnosis`) into the generated
/// pages' relative URLs, and says precisely what is wrong with the ones that lead nowhere.
struct LinkResolver: Sendable {
    let documentsByPath: [String: Int]
    let anchors: [Set<String>]
    let documentPaths: [String]
    let outputPaths: [String]
    let staticFiles: Set<String>
    /// Folder (relative path) → the generated page that stands for it.
    let folderPages: [String: String]

    init(documents: [Document], staticFiles: [String], apps: [App]) {
        var byPath: [String: Int] = [:]
        for (index, document) in documents.enumerated() { byPath[document.path] = index }
        documentsByPath = byPath
        anchors = documents.map { Set($0.headings.map(\.id)) }
        documentPaths = documents.map(\.path)
        outputPaths = documents.map(\.outputPath)
        self.staticFiles = Set(staticFiles)
        var folders: [String: String] = ["": "index.html", "checklists": Catalog.checklistsPage,
                                         "postmortems": Catalog.postmortemsPage, "tags": Catalog.tagsPage,
                                         "drills": Catalog.drillsPage]
        for app in apps { folders[app.id] = app.outputPath }
        folderPages = folders
    }

    /// Schemes a link may use; anything else (`javascript:`, `data:`, `file:`…) is written as
    /// plain text, since the site is safe by default.
    static let allowedLinkSchemes: Set<String> = ["http", "https", "mailto", "tel"]

    /// The lowercased scheme of an external URL (`""` for `//host`), nil for a relative one.
    static func scheme(of destination: String) -> String? {
        guard isExternal(destination) else { return nil }
        guard let colon = destination.utf8.firstIndex(of: UInt8(ascii: ":")),
              !destination.utf8.starts(with: "//".utf8) else { return "" }
        return String(destination[..<colon]).lowercased()
    }

    /// Whether a link may be written as it is: relative, or with an allowed scheme.
    static func isSafeLink(_ destination: String) -> Bool {
        guard let scheme = scheme(of: destination.trimmed()) else { return true }
        return allowedLinkSchemes.contains(scheme)
    }

    /// An image embedded in the document itself (`data:image/…`): shown, since it fetches nothing.
    static func isInlineImage(_ source: String) -> Bool {
        source.trimmed().lowercased().hasPrefix("data:image/")
    }

    /// Whether a URL names a scheme (`https:`, `mailto:`) or a host (`//host`): RFC 3986's
    /// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"` before any `/`, `?` or `#`.
    static func isExternal(_ destination: String) -> Bool {
        var first = true
        for byte in destination.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                break
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if first { return false }
            case UInt8(ascii: ":"):
                return !first
            case UInt8(ascii: "/"):
                return first && destination.utf8.starts(with: "//".utf8)
            default:
                return false
            }
            first = false
        }
        return false
    }

    /// Resolves `destination` written in the document at `from`.
    func resolve(_ destination: String, from: Int) -> Result<LinkTarget, LinkProblem> {
        let trimmed = destination.trimmed()
        if LinkResolver.isExternal(trimmed) { return .success(.external) }
        let (pathPart, decodedAnchor) = SitePath.splitURL(trimmed)
        let sourcePath = documentPaths[from]

        if pathPart.isEmpty {
            // `#anchor` within the same document.
            if let decodedAnchor, !decodedAnchor.isEmpty, !anchors[from].contains(decodedAnchor) {
                return .failure(.missingAnchor(anchor: decodedAnchor, in: sourcePath))
            }
            return .success(.document(index: from, anchor: decodedAnchor))
        }
        let decodedPath = pathPart.percentDecoded()
        guard let target = SitePath.resolve(decodedPath, againstFolderOf: sourcePath) else {
            return .failure(.outsideSource(destination))
        }
        if target.lowercased().hasSuffix(Document.markdownExtension) {
            guard let index = documentsByPath[target] else { return .failure(.missingDocument(target)) }
            if let decodedAnchor, !decodedAnchor.isEmpty, !anchors[index].contains(decodedAnchor) {
                return .failure(.missingAnchor(anchor: decodedAnchor, in: target))
            }
            return .success(.document(index: index, anchor: decodedAnchor))
        }
        if let page = folderPages[target] { return .success(.page(page, anchor: decodedAnchor)) }
        if staticFiles.contains(target) { return .success(.page(target, anchor: decodedAnchor)) }
        if let index = documentsByPath[target + "/index.md"] {
            return .success(.document(index: index, anchor: decodedAnchor))
        }
        return .failure(.missingFile(target))
    }

    /// The href to write in the page generated from document `from`.
    func href(for target: LinkTarget, original: String, from: Int) -> String {
        let page = outputPaths[from]
        switch target {
        case .external:
            return original
        case .document(let index, let anchor) where index == from:
            return anchor.map { "#" + SitePath.encodeFragment($0) } ?? SitePath.href(from: page, to: page)
        case .document(let index, let anchor):
            return SitePath.href(from: page, to: outputPaths[index], anchor: anchor)
        case .page(let target, let anchor):
            return SitePath.href(from: page, to: target, anchor: anchor)
        }
    }
}
