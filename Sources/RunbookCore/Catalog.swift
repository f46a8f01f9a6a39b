import Foundation

/// An application (service): a top-level folder of the source, or a name given by `app:`.
public struct App: Sendable, Equatable {
    public var id: String
    public var title: String
    public var owners: [String]
    /// Index into `Catalog.documents` of `<app>/index.md`, if there is one.
    public var indexDocument: Int?
    public var documents: [Int]

    /// The generated page, relative to the site root: the application's folder, where its
    /// `index.md` would be written too. `id` is a folder name or a checked `app:` value
    /// (see `Document.validAppName`), so it is a single, safe path segment.
    public var outputPath: String { "\(id)/index.html" }
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
    /// Tags, sorted: the name as first written, its page (relative to the site root), and the
    /// documents that carry it.
    public let tags: [(tag: String, page: String, documents: [Int])]
    /// A tag, lowercased → its index in `tags`.
    let tagIndexByKey: [String: Int]
    /// Document index → postmortems (indices) that link to it, newest first.
    public let seenInIncidents: [Int: [Int]]
    /// Postmortems, newest first.
    public let postmortems: [Int]
    public let checklists: [Int]
    /// Drills, by title.
    public let drills: [Int]
    /// Symptom documents, by title.
    public let symptoms: [Int]
    public let review: [ReviewState]
    public let today: Day
    /// Each document's position in lists: by kind, then title, then path (computed once,
    /// since lists of thousands are sorted on many pages).
    public let listRank: [Int]
    let appIndexByID: [String: Int]

    public func app(_ id: String) -> App? { appIndexByID[id].map { apps[$0] } }


    public var overdueCount: Int { review.filter(\.isOverdue).count }

    /// Generated list pages, relative to the site root; a document may not take these paths.
    static let checklistsPage = "checklists/index.html"
    static let drillsPage = "drills/index.html"
    static let postmortemsPage = "postmortems/index.html"
    static let tagsPage = "tags/index.html"

    /// The page of a tag as written in a document, if the tag is listed.
    func tagPage(_ tag: String) -> String? {
        tagIndexByKey[tag.trimmed().lowercased()].map { tags[$0].page }
    }
    static let assetsFolder = "assets"

    init(config: SiteConfig, documents unsorted: [Document], apps: [App], today: Day, linkTargets: [Int: Set<Int>]) {
        self.config = config
        self.today = today
        let documents = unsorted
        self.documents = documents

        self.apps = apps
        var appIndexByID: [String: Int] = [:]
        for (index, app) in apps.enumerated() { appIndexByID[app.id] = index }
        self.appIndexByID = appIndexByID

        // Tags that differ only in case ("Postgres", "postgres") are one tag, shown as first
        // written. Each gets a page named after it; names that would clash ("C++" and "C#" both
        // make "c") are numbered, and "index" is the list of tags.
        var tagMap: [String: (name: String, documents: [Int])] = [:]
        for (index, document) in documents.enumerated() {
            var seen = Set<String>()
            for tag in document.meta.tags.map({ $0.trimmed() }) where !tag.isEmpty {
                let key = tag.lowercased()
                guard seen.insert(key).inserted else { continue }
                tagMap[key, default: (tag, [])].documents.append(index)
            }
        }
        var usedNames: Set<String> = ["index"]
        var tags: [(tag: String, page: String, documents: [Int])] = []
        var tagIndexByKey: [String: Int] = [:]
        for key in tagMap.keys.sorted() {
            let base = Slug.fileName(key)
            var name = base
            var counter = 2
            while !usedNames.insert(name).inserted {
                name = "\(base)-\(counter)"
                counter += 1
            }
            tagIndexByKey[key] = tags.count
            tags.append((tagMap[key]!.name, "tags/\(name).html", tagMap[key]!.documents))
        }
        self.tags = tags
        self.tagIndexByKey = tagIndexByKey

        let postmortems = documents.indices
            .filter { documents[$0].kind == .postmortem }
            .sorted { Catalog.newerFirst(documents[$0], documents[$1]) }
        self.postmortems = postmortems
        self.checklists = documents.indices
            .filter { documents[$0].kind == .checklist }
            .sorted { documents[$0].title.localizedStandardCompare(documents[$1].title) == .orderedAscending }

        self.drills = documents.indices
            .filter { documents[$0].kind == .drill }
            .sorted { documents[$0].title.localizedStandardCompare(documents[$1].title) == .orderedAscending }

        self.symptoms = documents.indices
            .filter { documents[$0].kind == .symptom }
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
                                      message: "'apps' names '\(app)', which has no folder and no document; known: \(known.sorted().joined(separator: ", "))",
                                      rule: "apps"))
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
        guard document.kind != .postmortem, document.kind != .symptom, !document.isAppIndex, !document.isHomeIndex,
              let last = document.meta.lastReviewed else { return .notTracked }
        let due = last.adding(days: document.meta.reviewEvery ?? config.reviewEvery)
        return due < today ? .overdue(due: due, daysLate: today.dayNumber - due.dayNumber) : .fresh(due: due)
    }
}
