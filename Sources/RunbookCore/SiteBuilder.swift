import Foundation

/// What `runbook build` is asked to do. Paths are given twice: as URLs to work with and as
/// the user wrote them, for messages.
public struct BuildOptions: Sendable {
    public var source: URL
    public var sourceDisplay: String
    public var output: URL
    public var outputDisplay: String
    /// A folder of templates overriding the built-in ones by name, if any.
    public var templates: URL?
    public var templatesDisplay: String?
    /// The build's clock, seconds since 1970 (for "overdue" and the stamp).
    public var time: Int
    /// Check every link and anchor of the generated HTML (on by default).
    public var verify: Bool = true

    public init(source: URL, sourceDisplay: String? = nil, output: URL, outputDisplay: String? = nil,
                templates: URL? = nil, templatesDisplay: String? = nil, time: Int = Int(Date().timeIntervalSince1970)) {
        self.source = source
        self.sourceDisplay = sourceDisplay ?? source.path
        self.output = output
        self.outputDisplay = outputDisplay ?? output.path
        self.templates = templates
        self.templatesDisplay = templatesDisplay ?? templates?.path
        self.time = time
    }
}

/// What a build did.
public struct BuildReport: Sendable {
    public var diagnostics: [Diagnostic]
    /// Whether the new site replaced the old one (false when there were errors).
    public var published: Bool
    public var pageCount: Int
    public var documentCount: Int
    public var fileCount: Int
    public var overdueCount: Int
    /// The home page of the published site.
    public var indexPage: URL
}

/// The pipeline: load → parse → model → render → verify → publish.
public enum SiteBuilder {
    public static func build(_ options: BuildOptions) throws -> BuildReport {
        try OutputFolder.validate(output: options.output, outputDisplay: options.outputDisplay,
                                  source: options.source, sourceDisplay: options.sourceDisplay)
        var diagnostics: [Diagnostic] = []
        let templates = try TemplateSet.load(overrides: options.templates, displayPath: options.templatesDisplay,
                                             diagnostics: &diagnostics)

        // Load and parse.
        let loaded = try SourceLoader.load(root: options.source, displayRoot: options.sourceDisplay, excluding: options.output)
        diagnostics += loaded.diagnostics
        let documents = loaded.documents
        let displayPrefix = options.sourceDisplay.hasSuffix("/") ? options.sourceDisplay : options.sourceDisplay + "/"

        // Model: applications, links, the catalog.
        let apps = Catalog.apps(of: documents)
        let resolver = LinkResolver(documents: documents, staticFiles: loaded.staticFiles, apps: apps)
        let analyses = Array(documents.indices).parallelMap {
            LinkAnalysis(document: $0, of: documents, resolver: resolver, displayPrefix: displayPrefix)
        }
        var targets: [Int: Set<Int>] = [:]
        for (index, analysis) in analyses.enumerated() {
            diagnostics += analysis.diagnostics
            targets[index] = analysis.targets
        }
        var gitCommit: String?
        var gitDirty = false
        if let state = BuildInfo.gitState(of: options.source) {
            gitCommit = state.commit
            gitDirty = state.dirty
        }
        let build = BuildInfo(time: options.time, source: options.sourceDisplay, commit: gitCommit, dirty: gitDirty)
        let catalog = Catalog(config: loaded.config, documents: documents, apps: apps, today: build.day, linkTargets: targets)
        diagnostics += catalog.checks(displayPrefix: displayPrefix)

        let renderer = SiteRenderer(catalog: catalog, resolver: resolver, templates: templates, build: build)
        let jobs = renderer.jobs
        let pagePaths = jobs.map(renderer.path(of:))
        diagnostics += collisions(pages: pagePaths, jobs: jobs, catalog: catalog, statics: loaded.staticFiles,
                                  assets: Array(templates.assets.keys), displayPrefix: displayPrefix)

        func report(published: Bool) -> BuildReport {
            BuildReport(diagnostics: diagnostics.sorted(), published: published, pageCount: jobs.count,
                        documentCount: documents.count, fileCount: loaded.staticFiles.count,
                        overdueCount: catalog.overdueCount,
                        indexPage: options.output.standardizedFileURL.appendingPathComponent("index.html"))
        }
        if diagnostics.hasErrors { return report(published: false) }

        // Render, read back and write every page, on every core.
        let staging = try OutputFolder.makeStaging(for: options.output)
        do {
            let written: [(ids: Set<String>, references: [PageInspection.Reference], error: String?)] =
                Array(zip(jobs, pagePaths)).parallelMap { job, path in
                    let html = renderer.render(job)
                    let inspection = options.verify ? HTMLInspector.inspect(html) : PageInspection()
                    do {
                        let url = staging.appendingPathComponent(path)
                        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                        try Data(html.utf8).write(to: url)
                        return (inspection.ids, inspection.references, nil)
                    } catch {
                        return (inspection.ids, inspection.references, "cannot write \(path): \(error.localizedDescription)")
                    }
                }
            if let failure = written.compactMap(\.error).first {
                throw OutputFolderError.cannotPublish(options.outputDisplay, reason: failure)
            }
            var files = Set<String>()
            for (name, data) in templates.assets {
                let path = Catalog.assetsFolder + "/" + name
                let url = staging.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
                files.insert(path)
            }
            for path in loaded.staticFiles {
                let url = staging.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: options.source.appendingPathComponent(path), to: url)
                files.insert(path)
            }

            if options.verify {
                var ids: [String: Set<String>] = [:]
                for (path, page) in zip(pagePaths, written) { ids[path] = page.ids }
                let verifier = SiteVerifier(pageIDs: ids, files: files)
                let outputPrefix = options.outputDisplay.hasSuffix("/") ? options.outputDisplay : options.outputDisplay + "/"
                for (path, page) in zip(pagePaths, written) {
                    for problem in verifier.problems(page: path, references: page.references) {
                        diagnostics.append(Diagnostic(file: outputPrefix + path, line: problem.line, severity: .error,
                                                      message: problem.message + " (check the templates)"))
                    }
                }
            }
            if diagnostics.hasErrors {
                OutputFolder.discard(staging)
                return report(published: false)
            }
            try OutputFolder.publish(staging: staging, to: options.output, outputDisplay: options.outputDisplay)
        } catch {
            OutputFolder.discard(staging)
            throw error
        }
        return report(published: true)
    }

    /// Two things that would be written to the same path.
    private static func collisions(pages: [String], jobs: [PageJob], catalog: Catalog, statics: [String],
                                   assets: [String], displayPrefix: String) -> [Diagnostic] {
        var owner: [String: String] = [:]
        var out: [Diagnostic] = []
        func describe(_ job: PageJob) -> (file: String?, what: String) {
            switch job {
            case .document(let index): return (displayPrefix + catalog.documents[index].path, "the page of \(catalog.documents[index].path)")
            case .app(let index): return (nil, "the page of application '\(catalog.apps[index].id)'")
            case .tag(let index): return (nil, "the page of tag '\(catalog.tags[index].tag)'")
            case .home: return (nil, "the home page")
            case .checklists: return (nil, "the list of checklists")
            case .postmortems: return (nil, "the list of postmortems")
            case .tags: return (nil, "the list of tags")
            }
        }
        var firstJob: [String: PageJob] = [:]
        for (job, path) in zip(jobs, pages) {
            if let previous = firstJob[path] {
                let (fileA, whatA) = describe(previous)
                let (fileB, whatB) = describe(job)
                out.append(Diagnostic(file: fileB ?? fileA ?? displayPrefix, line: 1, severity: .error,
                                      message: "\(whatB) and \(whatA) would both be written to \(path); rename one"))
            } else {
                firstJob[path] = job
                owner[path] = describe(job).what
            }
        }
        for path in statics + assets.map({ Catalog.assetsFolder + "/" + $0 }) {
            if let what = owner[path] {
                out.append(Diagnostic(file: displayPrefix + path, line: 1, severity: .error,
                                      message: "this file and \(what) would both be written to \(path); rename one"))
            }
        }
        return out
    }
}
