import Foundation

/// What `runbook check` is asked to check.
public struct CheckOptions: Sendable {
    public struct RuleFile: Sendable {
        public var url: URL
        /// As the user named it, for messages.
        public var display: String
        public init(url: URL, display: String) {
            self.url = url
            self.display = display
        }
    }

    public var source: URL
    public var sourceDisplay: String
    /// Seconds since 1970: "today" for review dates.
    public var time: Int
    /// Prometheus rule files whose alerts must each have a runbook.
    public var ruleFiles: [RuleFile] = []
    /// The site's address, against which `runbook_url`s are resolved (else `base_url` of runbook.yml).
    public var baseURL: String?
    /// A templates folder to check as a build would load it.
    public var templates: URL?
    public var templatesDisplay: String?

    public init(source: URL, sourceDisplay: String, time: Int = Int(Date().timeIntervalSince1970)) {
        self.source = source
        self.sourceDisplay = sourceDisplay
        self.time = time
    }
}

/// A runbook overdue for review, for `runbook check --stale`.
public struct StaleDocument: Sendable, Equatable {
    public var path: String
    public var title: String
    public var lastReviewed: Day
    public var due: Day
    public var daysLate: Int
    public var owners: [String]
}

public struct CheckReport: Sendable {
    /// Sorted by file, line, column.
    public var diagnostics: [Diagnostic]
    /// Oldest first.
    public var stale: [StaleDocument]
    public var documentCount: Int
    public var alertCount: Int
}

/// Everything `runbook build` reports about the content, without rendering a page, plus the
/// rules a build does not apply: symptom ids, owners, duplicate titles, review dates, owners of
/// action items, and (given rule files) alert coverage.
public enum SourceCheck {
    public static func run(_ options: CheckOptions) throws -> CheckReport {
        let today = Day(secondsSince1970: options.time)
        // As the default build sees the source: drills without their facilitator notes (a link
        // into them fails that build, so it fails here too).
        let model = try SiteModel.make(source: options.source, sourceDisplay: options.sourceDisplay, excluding: nil,
                                       includeFacilitatorNotes: false, today: today)
        var diagnostics = model.diagnostics
        let templates = try TemplateSet.load(overrides: options.templates, displayPath: options.templatesDisplay, diagnostics: &diagnostics)
        // The pages a build would write: checked for collisions, and what runbook_urls must lead to.
        let renderer = SiteRenderer(catalog: model.catalog, resolver: model.resolver, templates: templates,
                                    build: BuildInfo(time: options.time, source: model.displayPrefix), hrefs: model.analyses.map(\.hrefs))
        diagnostics += pageCollisions(model, renderer: renderer)
        let prefix = model.displayPrefix
        let team = model.documents.indices.filter { !model.documents[$0].isBuiltIn }

        diagnostics += symptomIDs(model, team: team)
        diagnostics += owners(model, team: team)
        diagnostics += duplicateTitles(model, team: team)
        let (staleDiagnostics, stale) = freshness(model)
        diagnostics += staleDiagnostics
        for index in team where model.documents[index].kind == .postmortem {
            diagnostics += actionItemOwners(model.documents[index], file: prefix + model.documents[index].path)
        }
        var alertCount = 0
        if !options.ruleFiles.isEmpty {
            let (alertDiagnostics, count) = try alertCoverage(model, options: options, pages: generatedPages(model, renderer: renderer))
            diagnostics += alertDiagnostics
            alertCount = count
        }
        return CheckReport(diagnostics: diagnostics.sorted(), stale: stale, documentCount: model.loaded.documents.count,
                           alertCount: alertCount)
    }

    /// Two things a build would write to one path (a page and a copied file, a document and a
    /// list page): the build's own check, on the pages it would make.
    static func pageCollisions(_ model: SiteModel, renderer: SiteRenderer) -> [Diagnostic] {
        let jobs = renderer.jobs
        return SiteBuilder.collisions(pages: jobs.map(renderer.path(of:)), jobs: jobs, catalog: model.catalog,
                                      statics: model.loaded.staticFiles, assets: Array(renderer.templates.assets.keys),
                                      displayPrefix: model.displayPrefix)
    }

    // MARK: - Front matter

    /// `symptoms:` entries that look like ids (`conn-refused`) must name a known symptom;
    /// anything else is a pasted error line and is matched as text.
    static func symptomIDs(_ model: SiteModel, team: [Int]) -> [Diagnostic] {
        let known = Set(model.documents.compactMap(\.symptomID))
        var out: [Diagnostic] = []
        for index in team {
            let document = model.documents[index]
            for entry in document.meta.symptoms where looksLikeSymptomID(entry.value) && !known.contains(entry.value) {
                let closest = closestNames(to: entry.value, in: known)
                let hint = closest.isEmpty ? "" : "; did you mean \(closest.map { "'\($0)'" }.joined(separator: " or "))?"
                out.append(Diagnostic(file: model.displayPrefix + document.path, line: entry.line, column: entry.column, severity: .error,
                                      message: "'symptoms' names '\(entry.value)', which is no symptom id\(hint) (runbook search --kind symptom lists them; quote a whole error line to match text instead)",
                                      rule: "symptoms"))
            }
        }
        return out
    }

    /// How many symptom ids a message suggests.
    static let suggestedSymptoms = 2

    /// The symptom ids nearest to `name` by edit distance, nearest first.
    static func closestNames(to name: String, in names: Set<String>) -> [String] {
        NearestNames.nearest(to: name, among: names.map { ($0, [$0]) }, within: max(3, name.count / 2), count: suggestedSymptoms)
    }

    /// `conn-refused`, `http-502`, `oom`: lower-case letters and digits joined by single dashes.
    static func looksLikeSymptomID(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-", text.last != "-", !text.contains("--") else { return false }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-")
        return text.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    static func owners(_ model: SiteModel, team: [Int]) -> [Diagnostic] {
        team.compactMap { index in
            let document = model.documents[index]
            guard document.kind == .runbook, !document.isAppIndex, !document.isHomeIndex, document.meta.owners.isEmpty else { return nil }
            return Diagnostic(file: model.displayPrefix + document.path, line: document.meta.keyLines["title"] ?? 1, severity: .warning,
                              message: "runbook has no 'owners': say who keeps it true (a team or people)", rule: "owners")
        }
    }

    static func duplicateTitles(_ model: SiteModel, team: [Int]) -> [Diagnostic] {
        var first: [String: Int] = [:]
        var out: [Diagnostic] = []
        for index in team {
            let document = model.documents[index]
            guard !document.isAppIndex, !document.isHomeIndex else { continue }
            let key = (document.app ?? "") + "\u{0}" + document.title.lowercased()
            if let earlier = first[key] {
                let where_ = document.app.map { "application '\($0)'" } ?? "the documents outside any application"
                out.append(Diagnostic(file: model.displayPrefix + document.path, line: document.meta.keyLines["title"] ?? 1, severity: .warning,
                                      message: "'\(document.title)' is also the title of \(model.displayPrefix + model.documents[earlier].path) in \(where_); a responder cannot tell them apart",
                                      rule: "duplicate-title"))
            } else {
                first[key] = index
            }
        }
        return out
    }

    static func freshness(_ model: SiteModel) -> ([Diagnostic], [StaleDocument]) {
        var out: [Diagnostic] = []
        var stale: [StaleDocument] = []
        for document in model.catalog.documents where !document.isBuiltIn && document.kind == .runbook
            && !document.isAppIndex && !document.isHomeIndex {
            let file = model.displayPrefix + document.path
            if let last = document.meta.lastReviewed, last > model.catalog.today {
                out.append(Diagnostic(file: file, line: document.meta.keyLines["last_reviewed"] ?? 1, severity: .warning,
                                      message: "'last_reviewed' is \(last), in the future", rule: "stale"))
            } else if document.meta.lastReviewed == nil, document.meta.keyLines["last_reviewed"] == nil {
                out.append(Diagnostic(file: file, line: document.meta.keyLines["title"] ?? 1, severity: .warning,
                                      message: "runbook has no 'last_reviewed': nobody can tell whether it is still true", rule: "stale"))
            }
        }
        for (index, document) in model.catalog.documents.enumerated() where !document.isBuiltIn {
            guard case .overdue(let due, let daysLate) = model.catalog.review[index], let last = document.meta.lastReviewed else { continue }
            let owners = document.meta.owners.isEmpty ? (document.app.flatMap { model.catalog.app($0)?.owners } ?? []) : document.meta.owners
            out.append(Diagnostic(file: model.displayPrefix + document.path, line: document.meta.keyLines["last_reviewed"] ?? 1,
                                  severity: .warning,
                                  message: "overdue for review: last reviewed \(last), due \(due) (\(daysLate) day\(daysLate == 1 ? "" : "s") ago)\(owners.isEmpty ? "" : "; owners: \(owners.joined(separator: ", "))")",
                                  rule: "stale"))
            stale.append(StaleDocument(path: model.displayPrefix + document.path, title: document.title, lastReviewed: last, due: due,
                                       daysLate: daysLate, owners: owners))
        }
        stale.sort { $0.due != $1.due ? $0.due < $1.due : $0.path < $1.path }
        return (out, stale)
    }

    // MARK: - Postmortems

    /// How much of an action item a message quotes.
    static let quotedLength = 60
    static let actionItemsHeading = "action items"
    static let ownerColumn = "owner"
    /// Cell values that name nobody.
    static let noOwner: Set<String> = ["", "-", "?", "tbd", "todo", "n/a", "none", "nobody"]

    /// Action items of a postmortem need an owner: in a table, a non-empty Owner cell; in a
    /// list, an `@mention` or `owner:`.
    static func actionItemOwners(_ document: Document, file: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var inSection = false
        var sectionLevel = 0
        func warn(_ line: Int, _ what: String) {
            out.append(Diagnostic(file: file, line: line + document.bodyLineOffset, severity: .warning,
                                  message: "action item without an owner: \(what)", rule: "action-owner"))
        }
        for block in document.body.children {
            if case .heading(let level) = block.kind {
                if inSection, level <= sectionLevel { inSection = false }
                if block.plainText.trimmed().lowercased().hasPrefix(actionItemsHeading) {
                    inSection = true
                    sectionLevel = level
                }
                continue
            }
            guard inSection else { continue }
            switch block.kind {
            case .table:
                guard let header = block.children.first else { continue }
                let titles = header.children.map { $0.plainText.trimmed().lowercased() }
                guard let ownerIndex = titles.firstIndex(where: { $0.hasPrefix(ownerColumn) }) else { continue }
                for row in block.children.dropFirst() {
                    let cells = row.children.map { $0.plainText.trimmed() }
                    let owner = ownerIndex < cells.count ? cells[ownerIndex] : ""
                    let action = cells.first { !$0.isEmpty } ?? ""
                    if noOwner.contains(owner.lowercased()), !cells.allSatisfy(\.isEmpty) {
                        warn(row.line, "'\(action.prefix(quotedLength))' has an empty \(header.children[ownerIndex].plainText.trimmed()) cell")
                    }
                }
            case .list:
                for item in block.children {
                    let text = item.plainText.replacingOccurrences(of: "\n", with: " ").trimmed()
                    let lowered = text.lowercased()
                    if !text.contains("@"), !lowered.contains("owner:") {
                        warn(item.line, "'\(text.prefix(quotedLength))' names nobody (add @someone or owner: …)")
                    }
                }
            default:
                break
            }
        }
        return out
    }

    // MARK: - Alerts

    static func alertCoverage(_ model: SiteModel, options: CheckOptions, pages: [String: Int?]) throws -> ([Diagnostic], Int) {
        var diagnostics: [Diagnostic] = []
        var rules: [AlertRule] = []
        for file in options.ruleFiles {
            let text: String
            do {
                text = try String(contentsOf: file.url, encoding: .utf8)
            } catch {
                throw CheckError.cannotRead(file.display, reason: (error as NSError).localizedDescription)
            }
            let parsed = PrometheusRules.parse(text, file: file.display)
            rules += parsed.rules
            diagnostics += parsed.diagnostics
        }
        // Documents that answer each alert: runbooks and checklists (a postmortem that names an
        // alert is history, not what to do when it fires).
        var namedBy: [String: [(document: Int, entry: Located<String>)]] = [:]
        for (index, document) in model.documents.enumerated() where document.kind == .runbook || document.kind == .checklist {
            for entry in document.meta.alerts { namedBy[entry.value, default: []].append((index, entry)) }
        }
        let unreadable = diagnostics.hasErrors  // a rule file that did not parse: its alerts are unknown
        let base = (options.baseURL ?? model.loaded.config.baseURL).map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        for rule in rules {
            if let url = rule.runbookURL {
                if let problem = problem(with: url.value, base: base, pages: pages, model: model) {
                    diagnostics.append(Diagnostic(file: rule.file, line: url.line, column: url.column, severity: problem.severity,
                                                  message: "alert '\(rule.name)': \(problem.message)", rule: "runbook-url"))
                }
            } else if namedBy[rule.name] == nil {
                diagnostics.append(Diagnostic(file: rule.file, line: rule.line, column: rule.column, severity: .error,
                                              message: "alert '\(rule.name)' has no runbook: no document names it in 'alerts:' and it has no annotations.runbook_url (runbook new runbook --app APP --alert \(rule.name))",
                                              rule: "alert-without-runbook"))
            }
        }
        let defined = Set(rules.map(\.name))
        let files = options.ruleFiles.map(\.display).joined(separator: ", ")
        for (name, documents) in namedBy where !defined.contains(name) && !unreadable {
            for (index, entry) in documents where !model.documents[index].isBuiltIn {
                diagnostics.append(Diagnostic(file: model.displayPrefix + model.documents[index].path, line: entry.line, column: entry.column,
                                              severity: .warning, message: "'alerts' names '\(name)', which no rule file defines (\(files))",
                                              rule: "unknown-alert"))
            }
        }
        return (diagnostics, rules.count)
    }

    /// Page path → the document it shows (nil for list pages), for every page a build writes
    /// (the renderer's own list) and every file it copies.
    static func generatedPages(_ model: SiteModel, renderer: SiteRenderer) -> [String: Int?] {
        var pages: [String: Int?] = [:]
        let home = model.catalog.documents.firstIndex(where: \.isHomeIndex)
        for job in renderer.jobs {
            let document: Int?
            switch job {
            case .document(let index): document = index
            case .app(let index): document = model.catalog.apps[index].indexDocument
            case .home: document = home
            default: document = nil
            }
            let path = renderer.path(of: job)
            if pages[path] == nil { pages[path] = .some(document) }
        }
        for file in model.loaded.staticFiles where pages[file] == nil { pages[file] = .some(nil) }
        return pages
    }

    /// Why a `runbook_url` does not lead to a page (or heading) of the site, or nil.
    static func problem(with url: String, base: String?, pages: [String: Int?], model: SiteModel)
        -> (severity: Diagnostic.Severity, message: String)? {
        if url.contains("{{") { return nil }  // a Prometheus template, filled in per alert
        var relative: Substring
        if let base, let inSite = sitePath(of: url, base: base) {
            relative = Substring(inSite)
        } else if LinkResolver.isExternal(url) || url.hasPrefix("/") {
            guard let base else {
                return (.warning, "runbook_url '\(url)' cannot be checked: give --base-url, or base_url in runbook.yml, with the site's address")
            }
            return (.warning, "runbook_url '\(url)' is outside the runbook site (\(base)); not checked")
        } else {
            relative = Substring(url)
        }
        if let query = relative.firstIndex(of: "?") {
            let anchor = relative.firstIndex(of: "#")
            relative = relative[..<query] + (anchor.map { relative[$0...] } ?? "")
        }
        let (pathPart, anchor) = SitePath.splitURL(String(relative))
        // `./a/../b/x.html` is `b/x.html`; a folder is its index page.
        var path = SitePath.resolve(pathPart.percentDecoded(), againstFolderOf: "index.html") ?? pathPart.percentDecoded()
        if path.isEmpty || path.hasSuffix("/") { path += "index.html" }
        if pages[path] == nil, pages[path + "/index.html"] != nil { path += "/index.html" }
        guard let document = pages[path] else {
            let near = nearestPage(to: path, in: pages.keys)
            return (.error, "runbook_url '\(url)' leads to no page of the site (\(path))\(near.map { "; did you mean \($0)?" } ?? "")")
        }
        if let anchor, !anchor.isEmpty, let index = document {
            let ids = model.catalog.documents[index].headings.map(\.id)
            if !ids.contains(anchor) {
                let shown = ids.prefix(anchorsShown).joined(separator: ", ") + (ids.count > anchorsShown ? ", …" : "")
                return (.error, "runbook_url '\(url)': \(path) has no heading with the anchor #\(anchor) (its anchors: \(shown))")
            }
        }
        return nil
    }

    /// How many of a page's anchors a message lists, and how far (in edits) a suggested page may be.
    static let anchorsShown = 8
    static let nearestPageDistance = 3

    /// The page nearest to `path` by edit distance (paths of about its length only).
    static func nearestPage(to path: String, in pages: Dictionary<String, Int?>.Keys) -> String? {
        NearestNames.nearest(to: path, among: pages.map { ($0, [$0]) }, within: nearestPageDistance, count: 1).first
    }

    /// The part of `url` after the site's `base` (both as addresses: scheme and host in any
    /// case, a default port or not), or nil when `url` is not on the site.
    static func sitePath(of url: String, base: String) -> String? {
        guard let target = URLComponents(string: url), let site = URLComponents(string: base) else { return nil }
        let fragment = target.percentEncodedFragment.map { "#" + $0 } ?? ""
        if target.scheme == nil, target.host == nil {
            // Root-relative: on the site when the site is at the root of its host.
            guard url.hasPrefix("/"), site.path.isEmpty || site.path == "/" else { return nil }
            return String(target.percentEncodedPath.dropFirst()) + fragment
        }
        func port(_ components: URLComponents) -> Int? {
            components.port ?? (components.scheme?.lowercased() == "https" ? 443 : components.scheme?.lowercased() == "http" ? 80 : nil)
        }
        guard target.scheme?.lowercased() == site.scheme?.lowercased(), target.host?.lowercased() == site.host?.lowercased(),
              port(target) == port(site) else { return nil }
        let basePath = site.percentEncodedPath.hasSuffix("/") ? site.percentEncodedPath : site.percentEncodedPath + "/"
        var path = target.percentEncodedPath
        if path + "/" == basePath { path = basePath }
        guard path.hasPrefix(basePath) else { return nil }
        return String(path.dropFirst(basePath.count)) + fragment
    }

    public enum CheckError: Error, CustomStringConvertible {
        case cannotRead(String, reason: String)
        public var description: String {
            switch self {
            case .cannotRead(let file, let reason): return "cannot read \(file): \(reason)"
            }
        }
    }
}
