import Foundation

/// The model stage that `runbook build` and `runbook check` share: the source loaded and
/// parsed, the built-in symptoms merged in, every link analysed, the catalog made.
struct SiteModel {
    let loaded: LoadedSource
    /// `runbooks/`: how paths in messages begin.
    let displayPrefix: String
    let documents: [Document]
    let apps: [App]
    let resolver: LinkResolver
    let analyses: [LinkAnalysis]
    let catalog: Catalog
    /// Everything found so far, in no particular order.
    let diagnostics: [Diagnostic]

    /// - Parameters:
    ///   - excluding: a folder inside the source not to read (the site being built).
    ///   - includeFacilitatorNotes: keep drills' facilitator sections (else they are cut here,
    ///     before anything renders or indexes them).
    ///   - lap: called after each stage, for timings.
    static func make(source: URL, sourceDisplay: String, excluding: URL?, includeFacilitatorNotes: Bool, today: Day,
                     lap: (String) -> Void = { _ in }) throws -> SiteModel {
        var diagnostics: [Diagnostic] = []
        let loaded = try SourceLoader.load(root: source, displayRoot: sourceDisplay, excluding: excluding)
        diagnostics += loaded.diagnostics
        let displayPrefix = SitePath.folderPrefix(sourceDisplay)
        // The built-in symptom knowledge base joins the team's documents (theirs win by id).
        let merged = SymptomBase.merge(team: loaded.documents, displayPrefix: displayPrefix)
        diagnostics += merged.diagnostics
        for document in merged.documents where document.kind == .drill && !document.isBuiltIn {
            diagnostics += document.facilitatorWarnings(file: displayPrefix + document.path)
        }
        let documents = includeFacilitatorNotes ? merged.documents
            : merged.documents.map { $0.kind == .drill ? $0.withoutFacilitatorNotes() : $0 }
        lap("load and parse")

        let apps = Catalog.apps(of: documents)
        let resolver = LinkResolver(documents: documents, staticFiles: loaded.staticFiles, apps: apps)
        lap("resolver")
        let analyses = Array(documents.indices).parallelMap {
            LinkAnalysis(document: $0, of: documents, resolver: resolver, displayPrefix: displayPrefix)
        }
        var targets: [Int: Set<Int>] = [:]
        for (index, analysis) in analyses.enumerated() {
            diagnostics += analysis.diagnostics
            targets[index] = analysis.targets
        }
        lap("link analysis")
        let catalog = Catalog(config: loaded.config, documents: documents, apps: apps, today: today, linkTargets: targets)
        diagnostics += catalog.checks(displayPrefix: displayPrefix)
        return SiteModel(loaded: loaded, displayPrefix: displayPrefix, documents: documents, apps: apps, resolver: resolver,
                         analyses: analyses, catalog: catalog, diagnostics: diagnostics)
    }
}
