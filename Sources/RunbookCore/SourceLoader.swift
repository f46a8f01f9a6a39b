import Foundation

/// A source folder read and parsed: the first stage of the one-way pipeline
/// load → parse → model → render → publish.
public struct LoadedSource: Sendable {
    public var root: URL
    public var config: SiteConfig
    public var documents: [Document]
    /// Non-Markdown files (images, attachments), relative paths, copied into the site as they are.
    public var staticFiles: [String]
    public var diagnostics: [Diagnostic]
}

public enum SourceLoaderError: Error, CustomStringConvertible, Equatable {
    case missingFolder(String)
    case notAFolder(String)
    case noDocuments(String)

    public var description: String {
        switch self {
        case .missingFolder(let path): return "source folder '\(path)' does not exist (use --source DIR to point at your runbooks)"
        case .notAFolder(let path): return "source '\(path)' is not a folder"
        case .noDocuments(let path): return "source folder '\(path)' holds no Markdown (.md) documents"
        }
    }
}

public enum SourceLoader {
    /// File names that belong to the repository, not the site.
    static let ignoredFileNames: Set<String> = ["README.md", "readme.md", "README", "LICENSE", SiteConfig.fileName]

    /// Reads every `.md` under `root` (hidden files and folders skipped, as is `excluding`,
    /// typically the output folder when it sits inside the source), parsing them on every core.
    /// `displayRoot` is how paths are shown in diagnostics (as the user typed the folder).
    public static func load(root: URL, displayRoot: String, excluding: URL? = nil) throws -> LoadedSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw SourceLoaderError.missingFolder(displayRoot)
        }
        guard isDirectory.boolValue else { throw SourceLoaderError.notAFolder(displayRoot) }

        let (markdown, statics, skipped) = try listFiles(root: root, excluding: excluding)
        guard !markdown.isEmpty else { throw SourceLoaderError.noDocuments(displayRoot) }
        let prefix = SitePath.folderPrefix(displayRoot)

        var diagnostics = skipped.map { Diagnostic(file: prefix + $0.path, line: 1, severity: .warning, message: $0.reason) }
        var config = SiteConfig()
        let configURL = root.appendingPathComponent(SiteConfig.fileName)
        if FileManager.default.fileExists(atPath: configURL.path) {
            var sink = DiagnosticSink(file: prefix + SiteConfig.fileName, rule: "config")
            if let text = readText(configURL, sink: &sink) {
                config = SiteConfig.parse(text, sink: &sink)
            }
            diagnostics += sink.diagnostics
        }

        let parsed: [(Document?, [Diagnostic])] = markdown.parallelMap { relative in
            var sink = DiagnosticSink(file: prefix + relative)
            guard let text = readText(root.appendingPathComponent(relative), sink: &sink) else {
                return (nil, sink.diagnostics)
            }
            let document = parseDocument(path: relative, text: text, sink: &sink)
            return (document, sink.diagnostics)
        }
        var documents: [Document] = []
        for (document, problems) in parsed {
            if let document { documents.append(document) }
            diagnostics += problems
        }
        return LoadedSource(root: root, config: config, documents: documents, staticFiles: statics, diagnostics: diagnostics)
    }

    /// Parses one document's text. Exposed for tests and for tools that work on a single file.
    public static func parseDocument(path: String, text: String, diagnosticPath: String? = nil) -> (Document, [Diagnostic]) {
        var sink = DiagnosticSink(file: diagnosticPath ?? path)
        let document = parseDocument(path: path, text: text, sink: &sink)
        return (document, sink.diagnostics)
    }

    static func parseDocument(path: String, text: String, isBuiltIn: Bool = false, sink: inout DiagnosticSink) -> Document {
        let split = FrontMatter.split(text, sink: &sink)
        let meta = FrontMatter.parse(split, sink: &sink)
        let parsed = Markdown.parseWithReferences(split.body)
        return Document(path: path, meta: meta, body: parsed.root, references: parsed.references,
                        bodyLineOffset: split.bodyLineOffset, isBuiltIn: isBuiltIn, sink: &sink)
    }

    /// The file's text, or nil with an error naming the line and column of the first byte
    /// that is not UTF-8.
    static func readText(_ url: URL, sink: inout DiagnosticSink) -> String? {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            sink.error("cannot read file: \(error.localizedDescription)", line: 1)
            return nil
        }
        if let text = String(validating: data, as: UTF8.self) { return text }
        let (line, column) = firstInvalidUTF8(in: data)
        sink.error("file is not valid UTF-8 (first bad byte at line \(line), column \(column)); save it as UTF-8",
                   line: line, column: column)
        return nil
    }

    static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int) {
        let bytes = [UInt8](data)
        var line = 1
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && index + length <= bytes.count
            if valid {
                for offset in 1..<max(length, 1) where bytes[index + offset] & 0xC0 != 0x80 { valid = false }
            }
            if valid, length > 1, String(validating: bytes[index..<index + length], as: UTF8.self) == nil { valid = false }
            if !valid {
                let column = (String(validating: bytes[lineStart..<index], as: UTF8.self)?.count ?? (index - lineStart)) + 1
                return (line, column)
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += length
        }
        return (line, 1)
    }

    /// Relative paths of Markdown files and of other files, sorted, hidden entries skipped.
    /// A plain readdir walk: FileManager's enumerator costs more than parsing at 10,000 files.
    static func listFiles(root: URL, excluding: URL?) throws -> (markdown: [String], statics: [String], skipped: [(path: String, reason: String)]) {
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        let excludedPath = excluding?.standardizedFileURL.resolvingSymlinksInPath().path
        var markdown: [String] = []
        var statics: [String] = []
        var skipped: [(path: String, reason: String)] = []
        var pending: [String] = [""]
        while let relativeFolder = pending.popLast() {
            let folderPath = relativeFolder.isEmpty ? rootPath : rootPath + "/" + relativeFolder
            guard let directory = opendir(folderPath) else {
                if relativeFolder.isEmpty { throw SourceLoaderError.notAFolder(rootPath) }
                skipped.append((relativeFolder, "cannot read this folder (\(String(cString: strerror(errno)))); its documents are left out"))
                continue
            }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let relative = relativeFolder.isEmpty ? name : relativeFolder + "/" + name
                let fullPath = rootPath + "/" + relative
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                    // A link to a file counts as the file; links to folders are not followed
                    // (a link cycle would never end), as FileManager's enumerator does.
                    var linkInfo = stat()
                    let isLink = type == UInt8(DT_LNK)
                        || (lstat(fullPath, &linkInfo) == 0 && (linkInfo.st_mode & S_IFMT) == S_IFLNK)
                    var info = stat()
                    guard stat(fullPath, &info) == 0 else {
                        skipped.append((relative, "cannot read this entry (\(String(cString: strerror(errno)))); it is left out"))
                        continue
                    }
                    let format = info.st_mode & S_IFMT
                    type = format == S_IFREG ? UInt8(DT_REG) : (format == S_IFDIR && !isLink) ? UInt8(DT_DIR) : 0
                }
                if type == UInt8(DT_DIR) {
                    if let excludedPath, fullPath == excludedPath { continue }
                    pending.append(relative)
                } else if type == UInt8(DT_REG) {
                    if ignoredFileNames.contains(name) && (name != SiteConfig.fileName || relativeFolder.isEmpty) { continue }
                    if relative.lowercased().hasSuffix(Document.markdownExtension) {
                        markdown.append(relative)
                    } else {
                        statics.append(relative)
                    }
                }
            }
        }
        return (markdown.sorted(), statics.sorted(), skipped)
    }
}
