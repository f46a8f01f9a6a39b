import Foundation

/// An application (service): a top-level folder of the source, or a name given by `app:`.
public struct App: Sendable, Equatable {
    public var id: String
    public var title: String
    public var owners: [String]
    /// Index into `Catalog.documents` of `<app>/index.md`, if there is one.
    public var indexDocument: Int?
    public var documents: [Int]

    /// The generated page, relative to the site root.
    public var outputPath: String { "\(Slug.fileName(id))/index.html" }
}

/// How fresh a runbook is, from `last_reviewed` and `review_every`.
public enum ReviewState: Sendable, Equatable {
    case notTracked
    case fresh(due: Day)
    case overdue(due: Day, daysLate: Int)

    public var isOverdue: Bool { if case .overdue = self { return true } else { return false } }
}

/// The whole knowledge base as one model: documents, applications, tags, and the links
/// between postmortems and the runbooks they used. Everything the renderers need, computed once.
public struct Catalog: Sendable {
    public let config: SiteConfig
    public let documents: [Document]
    public let apps: [App]
    /// Tag → document indices, tags sorted.
    public let tags: [(tag: String, documents: [Int])]
    /// Document index → postmortems (indices) that link to it, newest first.
    public let seenInIncidents: [Int: [Int]]
    /// Postmortems, newest first.
    public let postmortems: [Int]
    public let checklists: [Int]
    public let review: [ReviewState]
    public let today: Day
    /// Each document's position in lists: by kind, then title, then path (computed once,
    /// since lists of thousands are sorted on many pages).
    public let listRank: [Int]
    let indexByPath: [String: Int]
    let appIndexByID: [String: Int]

    public func app(_ id: String) -> App? { appIndexByID[id].map { apps[$0] } }

    public func document(atPath path: String) -> Document? {
        indexByPath[path].map { documents[$0] }
    }

    public var overdueCount: Int { review.filter(\.isOverdue).count }

    /// Generated list pages, relative to the site root; a document may not take these paths.
    static let checklistsPage = "checklists/index.html"
    static let postmortemsPage = "postmortems/index.html"
    static let tagsPage = "tags/index.html"
    static func tagPage(_ tag: String) -> String { "tags/\(Slug.fileName(tag)).html" }
    static let assetsFolder = "assets"

    init(config: SiteConfig, documents unsorted: [Document], apps: [App], today: Day, linkTargets: [Int: Set<Int>]) {
        self.config = config
        self.today = today
        let documents = unsorted
        self.documents = documents
        var indexByPath: [String: Int] = [:]
        for (index, document) in documents.enumerated() { indexByPath[document.path] = index }
        self.indexByPath = indexByPath

        self.apps = apps
        var appIndexByID: [String: Int] = [:]
        for (index, app) in apps.enumerated() { appIndexByID[app.id] = index }
        self.appIndexByID = appIndexByID

        // Tags that differ only in case or punctuation ("Postgres", "postgres") are one tag,
        // shown as first written, since they would share a page.
        var tagMap: [String: (name: String, documents: [Int])] = [:]
        for (index, document) in documents.enumerated() {
            var seen = Set<String>()
            for tag in document.meta.tags.map({ $0.trimmed() }) where !tag.isEmpty {
                let key = Slug.fileName(tag)
                guard seen.insert(key).inserted else { continue }
                tagMap[key, default: (tag, [])].documents.append(index)
            }
        }
        self.tags = tagMap.keys.sorted().map { (tagMap[$0]!.name, tagMap[$0]!.documents) }

        let postmortems = documents.indices
            .filter { documents[$0].kind == .postmortem }
            .sorted { Catalog.newerFirst(documents[$0], documents[$1]) }
        self.postmortems = postmortems
        self.checklists = documents.indices
            .filter { documents[$0].kind == .checklist }
            .sorted { documents[$0].title.localizedStandardCompare(documents[$1].title) == .orderedAscending }

        var seen: [Int: [Int]] = [:]
        for postmortem in postmortems {
            for target in (linkTargets[postmortem] ?? []).sorted() where target != postmortem {
                seen[target, default: []].append(postmortem)
            }
        }
        self.seenInIncidents = seen

        let keyed = documents.indices.map { ($0, documents[$0].kind, documents[$0].title.lowercased(), documents[$0].path) }
            .sorted { ($0.1, $0.2, $0.3) < ($1.1, $1.2, $1.3) }
        var rank = Array(repeating: 0, count: documents.count)
        for (position, entry) in keyed.enumerated() { rank[entry.0] = position }
        self.listRank = rank

        self.review = documents.map { Catalog.reviewState(of: $0, config: config, today: today) }
    }

    /// The applications named by the documents: their top folder, or `app:`.
    static func apps(of documents: [Document]) -> [App] {
        var apps: [String: App] = [:]
        for (index, document) in documents.enumerated() {
            guard let id = document.app else { continue }
            var app = apps[id] ?? App(id: id, title: id, owners: [], indexDocument: nil, documents: [])
            if document.isAppIndex && document.app == document.path.split(separator: "/").first.map(String.init) {
                app.indexDocument = index
                app.title = document.title
                app.owners = document.meta.owners
            } else {
                app.documents.append(index)
            }
            apps[id] = app
        }
        return apps.values.sorted { $0.id < $1.id }
    }

    /// Problems only visible across documents.
    func checks(displayPrefix: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let known = Set(apps.map(\.id))
        for document in documents where document.kind == .postmortem {
            for app in document.meta.apps where !known.contains(app) {
                out.append(Diagnostic(file: displayPrefix + document.path, line: document.meta.keyLines["apps"] ?? 1,
                                      severity: .warning,
                                      message: "'apps' names '\(app)', which has no folder and no document; known: \(known.sorted().joined(separator: ", "))"))
            }
        }
        return out
    }

    static func newerFirst(_ a: Document, _ b: Document) -> Bool {
        let da = a.meta.date ?? Day(year: 1, month: 1, day: 1)!
        let db = b.meta.date ?? Day(year: 1, month: 1, day: 1)!
        return da != db ? da > db : a.path < b.path
    }

    static func reviewState(of document: Document, config: SiteConfig, today: Day) -> ReviewState {
        guard document.kind != .postmortem, !document.isAppIndex, !document.isHomeIndex,
              let last = document.meta.lastReviewed else { return .notTracked }
        let due = last.adding(days: document.meta.reviewEvery ?? config.reviewEvery)
        return due < today ? .overdue(due: due, daysLate: today.dayNumber - due.dayNumber) : .fresh(due: due)
    }
}
