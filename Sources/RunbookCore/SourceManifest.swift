import Foundation

/// The Markdown files an index was built from, with their sizes and modification times, so
/// that `runbook search` notices edits, additions and deletions before it answers.
public struct SourceManifest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var size: Int
        /// Nanoseconds since 1970.
        public var modified: Int
    }

    /// Sorted by path.
    public var entries: [Entry] = []
    /// Identifies the built-in knowledge base and the tool that indexed: a new binary reindexes.
    public var toolStamp: String = ""

    public init(entries: [Entry] = [], toolStamp: String = SourceManifest.currentToolStamp) {
        self.entries = entries
        self.toolStamp = toolStamp
    }

    /// The tool version and a hash of the built-in symptom documents.
    public static let currentToolStamp: String = {
        var hasher = FNV1a64()
        for name in EmbeddedSymptoms.files.keys.sorted() {
            hasher.add(name.utf8)
            hasher.add(EmbeddedSymptoms.files[name, default: ""].utf8)
        }
        return "\(BuildInfo.toolVersion)+kb\(String(hasher.value, radix: 16))"
    }()

    /// Reads the sizes and times of the Markdown files under `root` (the same files
    /// `SourceLoader` loads), plus `runbook.yml`; with `everyFile`, of the other files too
    /// (images, templates, stylesheets: what the preview server watches).
    public static func scan(root: URL, excluding: URL? = nil, everyFile: Bool = false) throws -> SourceManifest {
        let listing = try SourceLoader.listFiles(root: root, excluding: excluding)
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        // Thousands of stat calls: on every core.
        var entries = (listing.markdown + (everyFile ? listing.statics : []) + [SiteConfig.fileName]).parallelMap { relative -> Entry? in
            var info = stat()
            guard stat(rootPath + "/" + relative, &info) == 0 else { return nil }
            return Entry(path: relative, size: Int(info.st_size),
                         modified: Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec))
        }.compactMap { $0 }
        entries.sort { $0.path < $1.path }
        return SourceManifest(entries: entries)
    }
}
