import Foundation

/// One page of the site to generate.
enum PageJob: Sendable {
    case home
    case document(Int)
    case app(Int)
    case checklists
    case postmortems
    case tags
    case tag(Int)
    case symptoms
    case search
    case drills
    /// A checklist's print view: the paper, laid out for a browser's Print.
    case printView(Int)
}

/// Renders the model into HTML pages through the templates. Pure: it reads the catalog and
/// returns strings; writing and checking the files is the builder's job.
struct SiteRenderer: Sendable {
    let catalog: Catalog
    let resolver: LinkResolver
    var templates: TemplateSet
    let build: BuildInfo
    /// Per document: each link destination as written → its href (from the model stage).
    let hrefs: [[String: String]]
    /// Symptom id → the team's documents about it (from the search index's tagging).
    var symptomDocuments: [String: [Int]] = [:]
    /// Whether the site has the search index and page (`runbook build --no-search` leaves them out).
    var hasSearch = true
    /// Whether drill pages keep their facilitator notes (`--include-facilitator-notes`).
    var includesFacilitatorNotes = false

    /// Every page of the site. Application and home overviews (`index.md`) render inside
    /// their application's page and the home page, not as pages of their own. The list pages,
    /// which can be large, come first so that the cores share them out before the documents.
    var jobs: [PageJob] {
        var jobs: [PageJob] = [.home, .checklists, .postmortems, .tags, .symptoms, .drills]
        if hasSearch { jobs.append(.search) }
        jobs += catalog.tags.indices.map(PageJob.tag)
        jobs += catalog.apps.indices.map(PageJob.app)
        let embedded = Set(catalog.apps.compactMap(\.indexDocument))
        for index in catalog.documents.indices
        where !embedded.contains(index) && !catalog.documents[index].isHomeIndex {
            jobs.append(.document(index))
        }
        jobs += printable.map(PageJob.printView)
        return jobs
    }

    func path(of job: PageJob) -> String {
        switch job {
        case .home: return "index.html"
        case .document(let index): return catalog.documents[index].outputPath
        case .app(let index): return catalog.apps[index].outputPath
        case .checklists: return Catalog.checklistsPage
        case .postmortems: return Catalog.postmortemsPage
        case .tags: return Catalog.tagsPage
        case .tag(let index): return catalog.tags[index].page
        case .symptoms: return SymptomBase.indexPage
        case .search: return SiteSearch.page
        case .drills: return Catalog.drillsPage
        case .printView(let index): return SiteRenderer.printPath(of: catalog.documents[index])
        }
    }

    /// `checklists/first-response.html` → `checklists/first-response.print.html`.
    static func printPath(of document: Document) -> String {
        let page = document.outputPath
        return (page.hasSuffix(".html") ? String(page.dropLast(".html".count)) : page) + ".print.html"
    }

    /// The checklists that have a print view: those with task items to tick.
    var printable: [Int] {
        catalog.checklists.filter { SiteRenderer.hasTaskItems(catalog.documents[$0]) }
    }

    /// One line of Markdown (an objective in front matter) as HTML: code, emphasis, strong.
    static func inlineHTML(_ line: String) -> String {
        Paper.html(PaperBuilder.inlineText(ofMarkdownLine: line))
    }

    static func hasTaskItems(_ document: Document) -> Bool {
        var hasItem = false
        document.body.forEach { node in
            if case .item(task: .some) = node.kind { hasItem = true }
        }
        return hasItem
    }

    /// The paper of a checklist, as printed from the site.
    private func printView(_ index: Int, page: String) -> String {
        let document = catalog.documents[index]
        var footer = PaperFooter(source: SitePath.folderPrefix(build.source) + document.path, toolVersion: build.version,
                                 commit: build.commit, dirty: build.dirty, printed: build.day)
        footer.dateLabel = "site built"  // the day the site was built, not the day it is printed
        let root = SitePath.rootPrefix(of: page)
        let back = String(document.outputPath.split(separator: "/").last ?? "")
        do {
            let paper = try PaperBuilder.checklist(document, displayPath: footer.source, footer: footer)
            return paper.html(size: nil, stylesheet: .link(root + Catalog.assetsFolder + "/" + Paper.stylesheetAsset),
                              backLink: (encoded(back), "back to the checklist"))
        } catch {
            // `printable` lists only checklists with items; this is not reached.
            return "<!DOCTYPE html><title>\(HTML.escape(document.title))</title><p>\(HTML.escape("\(error)"))</p>"
        }
    }

    func render(_ job: PageJob) -> String {
        let page = path(of: job)
        if case .printView(let index) = job { return printView(index, page: page) }
        var context = baseContext(page: page)
        let template: PageTemplate
        switch job {
        case .home:
            template = .home
            context.merge(homeContext(page: page)) { $1 }
            context["navHome"] = true
        case .document(let index):
            template = .document
            context.merge(documentContext(index, page: page)) { $1 }
            let kind = catalog.documents[index].kind
            context["navChecklists"] = kind == .checklist
            context["navPostmortems"] = kind == .postmortem
            context["navSymptoms"] = kind == .symptom
            context["navDrills"] = kind == .drill
        case .app(let index):
            template = .app
            context.merge(appContext(index, page: page)) { $1 }
        case .checklists:
            template = .list
            context["pageTitle"] = "Checklists"
            context["heading"] = "Checklists"
            context["kindLabel"] = "Index"
            context["description"] = "Work through them top to bottom; print one for a drill."
            context["items"] = catalog.checklists.map { item($0) }
            context["navChecklists"] = true
        case .postmortems:
            template = .postmortems
            context["pageTitle"] = "Postmortems"
            context["items"] = catalog.postmortems.map { item($0) }
            context["navPostmortems"] = true
        case .tags:
            template = .tags
            context["pageTitle"] = "Tags"
            context["tags"] = catalog.tags.map { tag in
                ["name": tag.tag, "url": encoded(tag.page), "count": tag.documents.count] as [String: Any]
            }
            context["navTags"] = true
        case .symptoms:
            template = .list
            context["pageTitle"] = "Symptoms"
            context["heading"] = "Symptoms"
            context["kindLabel"] = "Knowledge base"
            context["description"] = "Common failures: what each error means, how each stack words it, its usual causes and the first checks. Paste an error into the search box to land on the right one."
            context["items"] = catalog.symptoms.map { item($0) }
            context["navSymptoms"] = true
        case .drills:
            template = .drills
            context["pageTitle"] = "Drills"
            context["items"] = catalog.drills.map { index -> [String: Any] in
                var entry = item(index)
                let document = catalog.documents[index]
                entry["objectives"] = document.meta.objectives.map(SiteRenderer.inlineHTML)
                entry["difficulty"] = TemplateText(document.meta.difficulty)
                entry["shortName"] = PrintSource.shortName(document)
                return entry
            }
            context["navDrills"] = true
        case .printView:
            template = .layout  // drawn above, without the templates
        case .search:
            template = .search
            context["pageTitle"] = "Search"
            context["bodyClass"] = "search-page"
        case .tag(let index):
            template = .list
            let tag = catalog.tags[index]
            context["pageTitle"] = "Tag: \(tag.tag)"
            context["heading"] = tag.tag
            context["kindLabel"] = "Tag"
            context["parent"] = ["title": "Tags", "url": Catalog.tagsPage]
            context["items"] = tag.documents.sorted { catalog.listRank[$0] < catalog.listRank[$1] }.map { item($0) }
            context["navTags"] = true
        }
        context["content"] = templates.render(template, context)
        return templates.render(.layout, context)
    }

    // MARK: - Contexts

    private func baseContext(page: String) -> [String: Any] {
        var context: [String: Any] = [
            "root": SitePath.rootPrefix(of: page),
            "siteTitle": catalog.config.title,
            "build": build.context,
            "bodyClass": "",
            "hasSearch": hasSearch,
        ]
        if let organisation = catalog.config.organisation { context["organisation"] = organisation }
        return context
    }

    private func encoded(_ path: String) -> String { SitePath.encodePath(path) }

    /// A document's tags as links to their pages (empty tags have none and are left out).
    private func tagLinks(_ tags: [String]) -> [[String: Any]] {
        tags.compactMap { tag in catalog.tagPage(tag).map { ["name": tag, "url": encoded($0)] } }
    }

    private func appTitle(_ id: String?) -> String? {
        guard let id else { return nil }
        return catalog.app(id)?.title ?? id
    }

    private func appLink(_ id: String) -> [String: Any] {
        let app = catalog.app(id)
        return ["title": app?.title ?? id, "url": encoded(app?.outputPath ?? "index.html")]
    }

    /// Where a document's row in a list links: an application's overview is its application's page.
    private func listURL(_ document: Document) -> String {
        encoded(document.isAppIndex ? (document.app.flatMap(catalog.app)?.outputPath ?? document.outputPath) : document.outputPath)
    }

    /// The badge on a document's row in a list.
    private func listKindLabel(_ document: Document) -> String {
        document.isAppIndex ? "Application" : document.kind.label
    }

    /// A document as a row of a list.
    private func item(_ index: Int) -> [String: Any] {
        let document = catalog.documents[index]
        var item: [String: Any] = [
            "title": document.title,
            "url": listURL(document),
            "kind": document.kind.rawValue,
            "kindLabel": listKindLabel(document),
            "alerts": document.meta.alerts.map(\.value),
            "overdue": catalog.review[index].isOverdue,
        ]
        // Every key is set, empty when the document has no value: a missing key would make
        // Mustache look it up in the page around the list and show the page's own value.
        item["appTitle"] = TemplateText(appTitle(document.app))
        item["severity"] = TemplateText(document.meta.severity)
        item["lastReviewed"] = TemplateText(document.kind == .postmortem ? nil : document.meta.lastReviewed?.description)
        item["date"] = TemplateText(document.meta.date?.description)
        item["duration"] = TemplateText(document.meta.duration)
        item["impact"] = TemplateText(document.meta.impact)
        item["due"] = TemplateText(nil)
        item["daysLate"] = TemplateText(nil)
        let apps = document.meta.apps.isEmpty ? (document.app.map { [$0] } ?? []) : document.meta.apps
        item["apps"] = apps.map(appLink)
        if case .overdue(let due, let daysLate) = catalog.review[index] {
            item["due"] = TemplateText(due.description)
            item["daysLate"] = TemplateText(String(daysLate))
        }
        return item
    }

    private func body(_ index: Int) -> String {
        let document = catalog.documents[index]
        var renderer = HTMLRenderer(
            headingIDs: document.headings.map(\.id),
            skipFirstBlock: document.bodyRepeatsTitle,
            // A link the model stage could not resolve was reported there; keep it as written.
            rewrite: { destination in hrefs[index][destination] ?? destination })
        return renderer.render(document.body)
    }

    private func homeContext(page: String) -> [String: Any] {
        let documents = catalog.documents
        var context: [String: Any] = ["pageTitle": "Home"]
        if let intro = documents.indices.first(where: { documents[$0].isHomeIndex }) {
            context["intro"] = body(intro)
        }
        context["apps"] = catalog.apps.map { app -> [String: Any] in
            let members = app.documents
            var card: [String: Any] = [
                "title": app.title, "url": encoded(app.outputPath), "owners": app.owners,
                "runbookCount": members.filter { documents[$0].kind == .runbook }.count,
                "checklistCount": members.filter { documents[$0].kind == .checklist }.count,
                "postmortemCount": catalog.postmortems.filter { postmortemMentions($0, app: app.id) }.count,
                "overdueCount": members.filter { catalog.review[$0].isOverdue }.count,
            ]
            for (count, flag) in [("checklistCount", "hasChecklists"), ("postmortemCount", "hasPostmortems"), ("overdueCount", "hasOverdue")] {
                card[flag] = (card[count] as? Int ?? 0) > 0
            }
            if let indexDocument = app.indexDocument, let summary = summary(of: indexDocument) { card["summary"] = summary }
            return card
        }
        context["checklists"] = catalog.checklists.map { item($0) }
        // Runbooks outside any application's folder would otherwise be linked from nowhere.
        context["generalRunbooks"] = documents.indices
            .filter { documents[$0].kind == .runbook && documents[$0].app == nil && !documents[$0].isHomeIndex }
            .sorted { catalog.listRank[$0] < catalog.listRank[$1] }
            .map { item($0) }
        let recentPostmortemCount = 5
        context["recentPostmortems"] = catalog.postmortems.prefix(recentPostmortemCount).map { item($0) }
        context["appCount"] = catalog.apps.count
        context["runbookCount"] = documents.indices.filter { documents[$0].kind == .runbook && !documents[$0].isAppIndex && !documents[$0].isHomeIndex }.count
        context["checklistCount"] = catalog.checklists.count
        context["postmortemCount"] = catalog.postmortems.count
        context["overdueCount"] = catalog.overdueCount
        context["hasOverdue"] = catalog.overdueCount > 0
        // The oldest first; a large knowledge base shows the worst ones and a count of the rest.
        let overdueShownOnHome = 25
        let overdue = documents.indices.filter { catalog.review[$0].isOverdue }
            .sorted { (catalog.documents[$0].meta.lastReviewed ?? catalog.today, $0) < (catalog.documents[$1].meta.lastReviewed ?? catalog.today, $1) }
        context["overdue"] = overdue.prefix(overdueShownOnHome).map { item($0) }
        if overdue.count > overdueShownOnHome { context["overdueMore"] = overdue.count - overdueShownOnHome }
        if let firstResponse = catalog.checklists.first(where: { catalog.documents[$0].path.hasSuffix("first-response.md") }) ?? catalog.checklists.first {
            context["firstResponseURL"] = encoded(catalog.documents[firstResponse].outputPath)
        } else {
            context["firstResponseURL"] = Catalog.checklistsPage
        }
        return context
    }

    private func postmortemMentions(_ index: Int, app: String) -> Bool {
        let document = catalog.documents[index]
        return document.app == app || document.meta.apps.contains(app)
    }

    /// The first paragraph of a document, as plain text, for cards.
    private func summary(of index: Int) -> String? {
        let maximumLength = 220
        guard let paragraph = catalog.documents[index].body.children.first(where: { $0.kind == .paragraph }) else { return nil }
        let text = paragraph.plainText
        return text.count > maximumLength ? String(text.prefix(maximumLength - 1)) + "…" : text
    }

    private func appContext(_ appIndex: Int, page: String) -> [String: Any] {
        let app = catalog.apps[appIndex]
        let documents = catalog.documents
        var context: [String: Any] = ["pageTitle": app.title, "title": app.title, "id": app.id, "owners": app.owners,
                                      "tags": [[String: Any]]()]
        if let indexDocument = app.indexDocument {
            context["overview"] = body(indexDocument)
            context["sourcePath"] = SitePath.folderPrefix(build.source) + documents[indexDocument].path
            context["tags"] = tagLinks(documents[indexDocument].meta.tags)
        }
        let members = app.documents.sorted { catalog.listRank[$0] < catalog.listRank[$1] }
        context["runbooks"] = members.filter { documents[$0].kind == .runbook }.map { item($0) }
        context["checklists"] = members.filter { documents[$0].kind == .checklist }.map { item($0) }
        context["postmortems"] = catalog.postmortems.filter { postmortemMentions($0, app: app.id) }.map { item($0) }
        return context
    }

    /// The rows of a symptom page's "In this knowledge base" list, as the built-in template
    /// wrote them: kind badge, link, application.
    private func forSymptomListHTML(_ members: [Int], root: String) -> String {
        var html = ""
        html.reserveCapacity(members.count * Self.estimatedListRowBytes)
        let escapedRoot = HTML.escape(root)
        var appSuffixes: [String: String] = [:]
        for index in members {
            let document = catalog.documents[index]
            html += "<li><span class=\"badge kind-badge\">"
            html += HTML.escape(listKindLabel(document))
            html += "</span> <a href=\""
            html += escapedRoot
            html += HTML.escape(listURL(document))
            html += "\">"
            html += HTML.escape(document.title)
            html += "</a>"
            // An application's own page needs no "· application" after its name. A list's
            // thousands of rows share a few applications: each is looked up and escaped once.
            if !document.isAppIndex, let id = document.app {
                if let suffix = appSuffixes[id] {
                    html += suffix
                } else {
                    let title = appTitle(id) ?? ""
                    let suffix = title.isEmpty ? "" : " <span class=\"meta\">\u{B7} " + HTML.escape(title) + "</span>"
                    appSuffixes[id] = suffix
                    html += suffix
                }
            }
            html += "</li>"
        }
        return html
    }

    /// Room reserved per row of a ready-made list, so that a long list grows its string rarely.
    private static let estimatedListRowBytes = 160

    /// Headings listed in a page's table of contents.
    static let tocLevels = 2...3

    static func tableOfContentsHTML(_ headings: [Heading]) -> String {
        guard !headings.isEmpty else { return "" }
        var html = "<ol>"
        for heading in headings {
            html += "<li class=\"toc-\(heading.level)\"><a href=\"#\(HTML.escape(SitePath.encodeFragment(heading.id)))\">\(HTML.escape(heading.text))</a></li>"
        }
        return html + "</ol>"
    }

    private func documentContext(_ index: Int, page: String) -> [String: Any] {
        let document = catalog.documents[index]
        let tocHeadings = document.headings.filter { SiteRenderer.tocLevels.contains($0.level) }
        let meta = document.meta
        var context: [String: Any] = [
            "pageTitle": document.title,
            "title": document.title,
            "kind": document.kind.rawValue,
            "kindLabel": document.kind.label,
            "kindPlural": document.kind.plural.prefix(1).uppercased() + document.kind.plural.dropFirst(),
            "kindListURL": TemplateText(document.kind == .postmortem ? Catalog.postmortemsPage
                                        : document.kind == .checklist ? Catalog.checklistsPage
                                        : document.kind == .symptom ? SymptomBase.indexPage
                                        : document.kind == .drill ? Catalog.drillsPage : nil),
            "owners": meta.owners,
            "tags": tagLinks(meta.tags),
            "symptoms": meta.symptoms.map(\.value),
            "alerts": meta.alerts.map(\.value),
            "extra": meta.extra.map { ["key": $0.key, "value": $0.value] },
            // Like Hugo's .TableOfContents: ready-made HTML (`{{{tableOfContents}}}`), rendering a
            // dozen entries through Mustache cost as much as the rest of the page; the entries are
            // there as `toc` too, for a template that wants its own markup.
            "toc": tocHeadings.map { ["id": $0.id, "text": $0.text, "level": $0.level] as [String: Any] },
            "tableOfContents": SiteRenderer.tableOfContentsHTML(tocHeadings),
            "body": body(index),
            "sourcePath": document.isBuiltIn ? "built into runbook: \(document.path)" : SitePath.folderPrefix(build.source) + document.path,
        ]
        if let summary = meta.summary, document.kind == .symptom { context["summary"] = summary }
        context["printView"] = TemplateText(document.kind == .checklist && SiteRenderer.hasTaskItems(document)
                                            ? encoded(SiteRenderer.printPath(of: document)) : nil)
        // Set for every document: a missing key would be looked up in the page around it.
        context["objectives"] = [String]()
        context["drillApplies"] = [[String: Any]]()
        if document.kind == .drill {
            context["objectives"] = meta.objectives.map(SiteRenderer.inlineHTML)
            context["difficulty"] = TemplateText(meta.difficulty)
            context["drillApplies"] = (meta.checklists + meta.runbooks).compactMap { entry -> [String: Any]? in
                guard case .success(.document(let target, _)) = resolver.resolve(entry.value, from: index) else { return nil }
                return item(target)
            }
            context["facilitatorNotesShown"] = includesFacilitatorNotes && document.hasFacilitatorNotes
        }
        // At 10,000 documents a symptom's list holds thousands of rows: like the table of
        // contents it comes ready-made (`{{{forSymptomList}}}`), while `forSymptom` still gives a
        // template each row (made only if a template walks it).
        let members = document.symptomID.map { id in
            (symptomDocuments[id] ?? []).sorted { catalog.listRank[$0] < catalog.listRank[$1] }
        } ?? []
        context["forSymptom"] = LazyItems(documents: members, item: item)
        context["forSymptomList"] = forSymptomListHTML(members, root: SitePath.rootPrefix(of: page))
        if let app = document.app { context["app"] = appLink(app) }
        if let severity = meta.severity { context["severity"] = severity }
        if let date = meta.date { context["date"] = date.description }
        if let duration = meta.duration { context["duration"] = duration }
        if let impact = meta.impact { context["impact"] = impact }
        context["apps"] = meta.apps.map(appLink)
        var review: [String: Any] = [:]
        if let last = meta.lastReviewed { review["lastReviewed"] = last.description }
        switch catalog.review[index] {
        case .overdue(let due, let daysLate):
            review["overdue"] = true
            review["due"] = due.description
            review["daysLate"] = daysLate
        case .fresh(let due):
            review["due"] = due.description
        case .notTracked:
            break
        }
        context["review"] = review
        context["runbooksUsed"] = [[String: Any]]()
        if document.kind == .postmortem {
            context["runbooksUsed"] = meta.runbooks.compactMap { entry -> [String: Any]? in
                guard case .success(.document(let target, _)) = resolver.resolve(entry.value, from: index) else { return nil }
                return item(target)
            }
        }
        context["seenIn"] = (catalog.seenInIncidents[index] ?? []).map { item($0) }
        return context
    }
}

