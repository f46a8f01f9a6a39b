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
    /// Build the search index, its script shards and the search page (on by default).
    public var search: Bool = true
    /// Keep the facilitator notes on drill pages. Off by default: the site is for responders
    /// too. (Drills are never in the search index.)
    public var includeFacilitatorNotes = false

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
    /// Wall time and CPU time (all threads) of each stage, in order, for `--timings`.
    public var timings: [(stage: String, seconds: Double, cpuSeconds: Double)] = []
    /// Files taken from the templates folder instead of the built-in ones.
    public var templatesUsed: [String] = []
}

/// Measures the stages of a build.
private struct StageClock {
    private var last = DispatchTime.now()
    private var lastCPU = StageClock.cpuSeconds()
    private(set) var timings: [(stage: String, seconds: Double, cpuSeconds: Double)] = []

    /// CPU time of the whole process (every thread): on a shared machine it varies less than
    /// wall time, so stages can be compared between runs.
    static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    mutating func lap(_ stage: String) {
        let now = DispatchTime.now(), cpu = StageClock.cpuSeconds()
        timings.append((stage, Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9, cpu - lastCPU))
        last = now
        lastCPU = cpu
    }
}

/// The pipeline: load → parse → model → render → verify → publish.
public enum SiteBuilder {
    public static func build(_ options: BuildOptions) throws -> BuildReport {
        var options = options
        // A link to an earlier site is followed: the site is replaced where it really is.
        options.output = options.output.standardizedFileURL.resolvingSymlinksInPath()
        let lock = try OutputFolder.Lock(for: options.output, outputDisplay: options.outputDisplay)
        defer { withExtendedLifetime(lock) {} }
        OutputFolder.recoverFromInterruptedBuilds(of: options.output)
        try OutputFolder.validate(output: options.output, outputDisplay: options.outputDisplay,
                                  source: options.source, sourceDisplay: options.sourceDisplay)
        var clock = StageClock()
        var diagnostics: [Diagnostic] = []
        let templates = try TemplateSet.load(overrides: options.templates, displayPath: options.templatesDisplay,
                                             diagnostics: &diagnostics)

        // Load, parse, model. The git state is asked for first: the catalog dates by it.
        let build = BuildInfo.stamp(time: options.time, source: options.source, sourceDisplay: options.sourceDisplay)
        clock.lap("git")
        let model = try SiteModel.make(source: options.source, sourceDisplay: options.sourceDisplay, excluding: options.output,
                                       includeFacilitatorNotes: options.includeFacilitatorNotes, today: build.day) { clock.lap($0) }
        diagnostics += model.diagnostics
        let (loaded, documents, resolver, analyses, catalog) = (model.loaded, model.documents, model.resolver, model.analyses, model.catalog)
        let displayPrefix = model.displayPrefix
        clock.lap("model and links")

        let searchable = documents.indices.filter { SearchIndexBuilder.indexes(documents[$0]) }
        var renderer = SiteRenderer(catalog: catalog, resolver: resolver, templates: templates, build: build,
                                    hrefs: analyses.map(\.hrefs))
        renderer.hasSearch = options.search
        renderer.includesFacilitatorNotes = options.includeFacilitatorNotes
        let jobs = renderer.jobs
        let pagePaths = jobs.map(renderer.path(of:))
        diagnostics += collisions(pages: pagePaths, jobs: jobs, catalog: catalog, statics: loaded.staticFiles,
                                  assets: Array(templates.assets.keys), displayPrefix: displayPrefix)

        func report(published: Bool) -> BuildReport {
            BuildReport(diagnostics: diagnostics.sorted(), published: published, pageCount: jobs.count,
                        documentCount: loaded.documents.count, fileCount: loaded.staticFiles.count,
                        overdueCount: catalog.overdueCount,
                        indexPage: options.output.standardizedFileURL.appendingPathComponent("index.html"),
                        timings: clock.timings, templatesUsed: templates.overridden)
        }
        if diagnostics.hasErrors { return report(published: false) }

        // Render, read back and write every page, on every core.
        let staging = try OutputFolder.makeStaging(for: options.output)
        let stagingPath = staging.path
        do {
            let folders = Set(pagePaths.map { ($0 as NSString).deletingLastPathComponent })
            for folder in folders.sorted() where !folder.isEmpty {
                try FileManager.default.createDirectory(at: staging.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
        } catch {
            OutputFolder.discard(staging)
            throw error
        }
        typealias Written = (ids: Set<String>, references: [PageInspection.Reference], error: String?)
        func renderAll(_ positions: [Int], with renderer: SiteRenderer) -> [Written] {
            positions.parallelMap(chunkState: {
                var copy = renderer
                copy.templates = renderer.templates.privateCopy()
                return copy
            }) { chunkRenderer, position in
                let html = chunkRenderer.render(jobs[position])
                let inspection = options.verify ? HTMLInspector.inspect(html) : PageInspection()
                do {
                    try FileWriter.write(html, to: stagingPath + "/" + pagePaths[position])
                    return (inspection.ids, inspection.references, nil)
                } catch {
                    return (inspection.ids, inspection.references, "\(error)")
                }
            }
        }
        // The symptom pages list the team's documents about each symptom, which the index finds.
        let needsIndex = jobs.indices.filter { position in
            if case .document(let index) = jobs[position] { return documents[index].kind == .symptom }
            return false
        }
        // The search index builds on its own thread while the other pages render; then, still
        // beside them, it renders the symptom pages and writes its own files as it makes them.
        let searchFailures = FirstFailure()
        let baseRenderer = renderer
        // It returns only the paths and the symptom pages: the index itself (hundreds of
        // thousands of terms) is freed on that thread, not at the end of the build.
        let indexTask = BackgroundTask<(paths: [String], symptomPages: [Written])?> {
            guard options.search else { return nil }
            let manifest = try SourceManifest.scan(root: options.source, excluding: options.output)
            let indexed = searchable.map { documents[$0] }
            let content = SearchIndexBuilder.build(documents: indexed, urls: indexed.map(\.outputPath), manifest: manifest)
            var symptomDocuments: [String: [Int]] = [:]
            for (index, symptom) in content.symptoms.enumerated() {
                var members = Set(content.symptomDocuments[index])
                for unit in content.symptomUnits[index] { members.insert(content.units[unit].document) }
                // The index counts only the searchable documents; the pages count them all.
                symptomDocuments[symptom.id] = members.map { searchable[$0] }.filter { documents[$0].kind != .symptom }.sorted()
            }
            var symptomRenderer = baseRenderer
            symptomRenderer.symptomDocuments = symptomDocuments
            let symptomPages = renderAll(needsIndex, with: symptomRenderer)
            for folder in SiteSearch.folders {
                try FileManager.default.createDirectory(at: staging.appendingPathComponent(folder), withIntermediateDirectories: true)
            }
            let paths = SiteSearch.write(for: content) { path, parts in
                do { try FileWriter.write(parts: parts, to: stagingPath + "/" + path) } catch { searchFailures.record("\(error)") }
            }
            return (paths, symptomPages)
        }
        do {
            let needsIndexSet = Set(needsIndex)
            var written = [Written](repeating: ([], [], nil), count: jobs.count)
            let first = jobs.indices.filter { !needsIndexSet.contains($0) }
            for (position, result) in zip(first, renderAll(first, with: renderer)) { written[position] = result }
            clock.lap("render, inspect and write pages (and build the search index, render the symptom pages)")
            let indexed = try indexTask.wait()
            clock.lap("wait for the search index")
            // Without the index (--no-search), the symptom pages list nothing and render now.
            let symptomPages = indexed?.symptomPages ?? renderAll(needsIndex, with: renderer)
            for (position, result) in zip(needsIndex, symptomPages) { written[position] = result }
            clock.lap("symptom pages without the index")
            if let failure = written.compactMap(\.error).first {
                throw OutputFolderError.cannotPublish(options.outputDisplay, reason: failure)
            }
            var files = Set<String>()
            for (name, data) in templates.assets {
                let path = Catalog.assetsFolder + "/" + name
                let url = staging.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileWriter.write(data, to: url.path)
                files.insert(path)
            }
            for path in loaded.staticFiles {
                let url = staging.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                // A link is copied as what it points at: the site must stand on its own.
                try FileManager.default.copyItem(at: options.source.appendingPathComponent(path).resolvingSymlinksInPath(), to: url)
                files.insert(path)
            }

            // The index's files were written while the pages rendered.
            if let failure = searchFailures.first {
                throw OutputFolderError.cannotPublish(options.outputDisplay, reason: failure)
            }
            files.formUnion(indexed?.paths ?? [])
            clock.lap("copy files")
            if options.verify {
                var ids: [String: Set<String>] = [:]
                for (path, page) in zip(pagePaths, written) { ids[path] = page.ids }
                let verifier = SiteVerifier(pageIDs: ids, files: files)
                // Stylesheets load files too: checked like the pages, reported at the asset.
                for (name, data) in templates.assets.sorted(by: { $0.key < $1.key }) where name.hasSuffix(".css") {
                    var cssCache = SiteVerifier.Cache()  // a cache holds one folder's resolutions
                    let path = Catalog.assetsFolder + "/" + name
                    let file = (options.templatesDisplay.map(SitePath.folderPrefix) ?? "<built-in>/") + path
                    let references = SiteVerifier.cssReferences(String(decoding: data, as: UTF8.self),
                                                                element: SiteVerifier.stylesheet, line: 1)
                    for problem in verifier.problems(page: path, references: references, cache: &cssCache) {
                        diagnostics.append(Diagnostic(file: file, line: problem.line, severity: .error, message: problem.message))
                    }
                }
                let outputPrefix = SitePath.folderPrefix(options.outputDisplay)
                // Pages grouped by folder, so that each group resolves the shared layout links once.
                var byFolder: [String: [Int]] = [:]
                for (index, path) in pagePaths.enumerated() {
                    byFolder[(path as NSString).deletingLastPathComponent, default: []].append(index)
                }
                // A problem with an href that a document's own link produced is reported at that
                // link in the Markdown (say, an anchor on an application's page); the rest
                // come from templates.
                let documentOfPage = Dictionary(jobs.enumerated().compactMap { position, job -> (Int, Int)? in
                    if case .document(let document) = job { return (position, document) }
                    return nil
                }, uniquingKeysWith: { first, _ in first })
                let problems = Array(byFolder.values).parallelMap { indices -> [Diagnostic] in
                    var cache = SiteVerifier.Cache()
                    return indices.flatMap { index -> [Diagnostic] in
                        let found = verifier.problems(page: pagePaths[index], references: written[index].references, cache: &cache)
                        return found.map { problem in
                            if let document = documentOfPage[index],
                               let source = sourceOfLink(problem.url, in: documents[document], hrefs: analyses[document].hrefs) {
                                return Diagnostic(file: displayPrefix + documents[document].path, line: source.line, column: source.column,
                                                  severity: .error, message: problem.message)
                            }
                            return Diagnostic(file: outputPrefix + pagePaths[index], line: problem.line, severity: .error,
                                              message: problem.message + " (check the templates)")
                        }
                    }
                }
                diagnostics += problems.joined()
            }
            clock.lap("verify links")
            if diagnostics.hasErrors {
                OutputFolder.discard(staging)
                return report(published: false)
            }
            try OutputFolder.publish(staging: staging, to: options.output, outputDisplay: options.outputDisplay)
            clock.lap("publish")
        } catch {
            // The index may still be writing into the staging folder: it finishes first. Its
            // own error, if any, is not the one to report.
            _ = try? indexTask.wait()
            OutputFolder.discard(staging)
            throw error
        }
        return report(published: true)
    }

    /// Where in a document's Markdown the link that became `href` was written, if it was one.
    private static func sourceOfLink(_ href: String, in document: Document, hrefs: [String: String]) -> (line: Int, column: Int)? {
        for reference in document.references where reference.kind != .rawHTML && hrefs[reference.destination] == href {
            return (reference.line + document.bodyLineOffset, reference.column)
        }
        return nil
    }

    /// Two things that would be written to the same path.
    static func collisions(pages: [String], jobs: [PageJob], catalog: Catalog, statics: [String],
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
            case .symptoms: return (nil, "the list of symptoms")
            case .search: return (nil, "the search page")
            case .drills: return (nil, "the list of drills")
            case .printView(let index): return (displayPrefix + catalog.documents[index].path, "the print view of \(catalog.documents[index].path)")
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
        let assetPaths = Set(assets.map { Catalog.assetsFolder + "/" + $0 })
        for path in statics where assetPaths.contains(path) {
            out.append(Diagnostic(file: displayPrefix + path, line: 1, severity: .error,
                                  message: "this file and the template asset \(path) would both be written to \(path); rename it, or put it in the templates folder's assets/ to replace the asset"))
        }
        return out
    }
}
