import Foundation

/// Where `runbook search` keeps its index, and how it keeps it fresh: the index of a source
/// folder lives in the user's cache folder (never in the source or the site), is checked
/// against the source's files before each search, and is rebuilt when anything changed, when it
/// was made by another version, or when it is damaged.
public enum SearchIndexStore {
    public struct Opened {
        public var index: SearchIndex
        /// Why it was (re)built, if it was: "missing", "out of date", or the damage found.
        public var rebuiltBecause: String?
        public var documentCount: Int
        /// Of those, the built-in symptom documents.
        public var builtInCount: Int = 0
    }

    /// `$XDG_CACHE_HOME/runbook` or `~/.cache/runbook`.
    public static func cacheFolder(environment: [String: String]) -> URL? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("runbook", isDirectory: true)
        }
        if let home = environment["HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/runbook", isDirectory: true)
        }
        return nil
    }

    /// The cache file for a source folder: one per absolute path.
    public static func cacheFile(for source: URL, in folder: URL) -> URL {
        let path = source.standardizedFileURL.resolvingSymlinksInPath().path
        let hash = FNV1a64.hash(path.utf8)
        let name = source.standardizedFileURL.lastPathComponent.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        return folder.appendingPathComponent("\(name.isEmpty ? "source" : name)-\(String(hash, radix: 16)).rbx")
    }

    /// Loads, parses and indexes a source folder (the site's pages are not rendered).
    public static func content(source: URL, sourceDisplay: String) throws -> (SearchIndexContent, [Diagnostic]) {
        let manifest = try SourceManifest.scan(root: source)
        let loaded = try SourceLoader.load(root: source, displayRoot: sourceDisplay)
        let merged = SymptomBase.merge(team: loaded.documents, displayPrefix: SitePath.folderPrefix(sourceDisplay))
        let documents = merged.documents.filter(SearchIndexBuilder.indexes)
        let content = SearchIndexBuilder.build(documents: documents, urls: documents.map(\.outputPath), manifest: manifest)
        return (content, loaded.diagnostics + merged.diagnostics)
    }

    /// The index of `source`, fresh: reused when the source's files are as recorded, else
    /// rebuilt into `file` (written beside it and renamed into place).
    public static func openFresh(source: URL, sourceDisplay: String, file: URL) throws -> Opened {
        var reason: String?
        do {
            let index = try SearchIndex(path: file.path)
            let current = try SourceManifest.scan(root: source)
            let recorded = index.manifest()
            if index.isDamaged {
                reason = "\(SearchIndexError.damaged(file.path, reason: "checksum mismatch"))"
            } else if current == recorded {
                return Opened(index: index, rebuiltBecause: nil, documentCount: index.documentCount)
            } else {
                reason = index.toolStamp == current.toolStamp ? "the source changed" : "it was made by another version of runbook"
            }
        } catch let error as SearchIndexError {
            if case .unreadable(_, let why) = error, why == String(cString: strerror(ENOENT)) {
                reason = "there was none yet"
            } else {
                reason = "\(error)"
            }
        }
        return try rebuild(source: source, sourceDisplay: sourceDisplay, file: file, because: reason ?? "asked to")
    }

    /// Indexes `source` into `file` and opens it.
    public static func rebuild(source: URL, sourceDisplay: String, file: URL, because reason: String) throws -> Opened {
        let (content, _) = try content(source: source, sourceDisplay: sourceDisplay)
        try write(content, to: file)
        let index = try SearchIndex(path: file.path)
        return Opened(index: index, rebuiltBecause: reason, documentCount: index.documentCount,
                      builtInCount: content.documents.filter(\.isBuiltIn).count)
    }

    /// Writes an index file atomically: a reader sees the old file or the new one, never half.
    public static func write(_ content: SearchIndexContent, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(getpid()).tmp")
        try FileWriter.write(parts: content.fileParts(), to: temporary.path)
        guard rename(temporary.path, file.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw SearchIndexError.unreadable(file.path, reason: "cannot write it: \(reason)")
        }
    }
}
