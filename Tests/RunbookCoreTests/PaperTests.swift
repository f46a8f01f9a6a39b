import Foundation
import Testing
@testable import RunbookCore

/// Paper: the real binary prints the sample checklists and drills, and the PDFs are read back
/// with pdftotext (poppler-utils), page by page.
@Suite struct PaperTests {
    static let pdftotext: URL? = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"]
        .map { URL(fileURLWithPath: $0) }.first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// The text of each page of a PDF.
    static func pages(of pdf: URL) throws -> [String] {
        guard let pdftotext else { return [] }
        let result = try run(pdftotext, [pdf.path, "-"])
        #expect(result.status == 0, "pdftotext failed: \(result.stderr)")
        var pages = result.stdout.components(separatedBy: "\u{0C}")
        if pages.last?.trimmed().isEmpty == true { pages.removeLast() }
        return pages
    }

    /// Text compared without layout: no whitespace, and no hyphens (pdftotext joins a word
    /// broken after a hyphen, and Pango may break a long command there).
    static func squeezed(_ text: String) -> String {
        String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "-" && $0 != "\u{00AD}" }.map(Character.init))
    }

    static func printChecklist(_ name: String, paper: String, in folder: TempFolder, extra: [String] = []) throws -> (ProcessResult, URL) {
        let binary = try #require(Paths.binary, "the runbook binary was not built")
        let output = folder.path("\(name)-\(paper).pdf")
        let result = try run(binary, ["checklist", name, "--source", Paths.sampleRunbooks.path, "--paper", paper, "-o", output.path] + extra,
                             in: folder.url, environment: ["SOURCE_DATE_EPOCH": String(testNow)])
        return (result, output)
    }

    static func sample() throws -> PrintSource {
        try PrintSource.load(source: Paths.sampleRunbooks, sourceDisplay: Paths.sampleRunbooks.path, time: testNow)
    }

    @Test(.enabled(if: pdftotext != nil, "pdftotext is not installed (poppler-utils)"), arguments: ["a4", "letter"])
    func checklistPDFHoldsEveryItemOnOnePageWithFooterAndPageNumbers(paper: String) throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (result, pdf) = try Self.printChecklist("first-response", paper: paper, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let pages = try Self.pages(of: pdf)
        #expect(pages.count >= 3)
        let squeezedPages = pages.map(Self.squeezed)

        let source = try Self.sample()
        let document = try PrintSource.find("first-response", in: source.checklists, app: nil, what: "checklist")
        let model = try source.checklistPaper(document)
        #expect(model.items.count >= 40, "the sample checklist should have about 40 items")
        for item in model.items {
            let text = Self.squeezed(item.plain)
            let holding = squeezedPages.indices.filter { squeezedPages[$0].contains(text) }
            #expect(holding.count == 1, "item not whole on one page: \(item.plain)")
        }
        let headings = model.blocks.compactMap { block -> String? in
            if case .heading(_, let text) = block { return text.plain } else { return nil }
        }
        let whole = Self.squeezed(pages.joined())
        for heading in headings {
            let found = whole.contains(Self.squeezed(heading))
            #expect(found, "heading missing: \(heading)")
        }
        for word in PaperWords.timeBoxes + PaperWords.roles + [PaperWords.incidentName, PaperWords.decisionsLog.title] {
            let found = whole.contains(Self.squeezed(word))
            #expect(found, "missing on the paper: \(word)")
        }

        // Every page: the footer with its four fields, and "page i of n".
        let day = Day(secondsSince1970: testNow).description
        for (index, page) in squeezedPages.enumerated() {
            let fields = [Self.squeezed("checklists/first-response.md"), Self.squeezed("runbook \(BuildInfo.toolVersion)"),
                          Self.squeezed("printed \(day)"), Self.squeezed("page \(index + 1) of \(pages.count)")]
            let missing = fields.filter { !page.contains($0) }
            #expect(missing.isEmpty, "page \(index + 1) lacks \(missing)")
            let hasCommit = page.contains("commit") || page.contains("notundergit")
            #expect(hasCommit, "page \(index + 1) names no commit")
        }

        // A heading never ends a page: the text of a page, without its footer, does not end
        // with a heading (the column titles "time initials" may follow it).
        for (index, page) in pages.enumerated().dropLast() {
            let body = Self.squeezed(page.components(separatedBy: "printed from").first ?? page)
            let withoutColumns = body.hasSuffix("timeinitials") ? String(body.dropLast("timeinitials".count)) : body
            for heading in headings {
                let endsWithHeading = withoutColumns.hasSuffix(Self.squeezed(heading))
                #expect(!endsWithHeading, "page \(index + 1) ends with the heading '\(heading)'")
            }
        }
    }

    @Test func checklistTextIsEightyColumnsWithEveryItem() throws {
        let binary = try #require(Paths.binary)
        let result = try run(binary, ["checklist", "first-response", "--source", Paths.sampleRunbooks.path, "--format", "text", "-o", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines { #expect(line.count <= Paper.textWidth, "too wide: \(line)") }
        let source = try Self.sample()
        let paper = try source.checklistPaper(try PrintSource.find("first-response", in: source.checklists, app: nil, what: "checklist"))
        // The time and initials blanks sit at the end of an item's first line.
        let squeezedText = Self.squeezed(result.stdout.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "_", with: ""))
        for item in paper.items {
            let found = squeezedText.contains(Self.squeezed(item.plain.replacingOccurrences(of: "_", with: "")))
            #expect(found, "missing: \(item.plain)")
        }
        #expect(result.stdout.components(separatedBy: "[ ] ").count - 1 == paper.items.count)
    }

    @Test func nestedItemsStayNestedAndNotesAreKept() throws {
        let text = """
        ---
        title: Nested
        ---
        A note before the first section.

        ## Save state

        - [ ] Save state **first**:
          - [ ] Snapshot the volume: `aws ec2 create-snapshot`
          - [ ] Copy the logs
        - [ ] Restart *one* node

        Plain paragraph as a note.
        """
        let (document, diagnostics) = SourceLoader.parseDocument(path: "checklists/nested.md", text: text)
        #expect(diagnostics.isEmpty)
        let footer = PaperFooter(source: "runbooks/checklists/nested.md", commit: nil, dirty: false, printed: Day(secondsSince1970: testNow))
        let paper = try PaperBuilder.checklist(document, displayPath: footer.source, footer: footer)
        let items = paper.blocks.compactMap { block -> (String, Int)? in
            if case .item(let text, let depth) = block { return (text.plain, depth) } else { return nil }
        }
        #expect(items.map(\.0) == ["Save state first:", "Snapshot the volume: aws ec2 create-snapshot", "Copy the logs", "Restart one node"])
        #expect(items.map(\.1) == [0, 1, 1, 0])
        #expect(paper.blocks.contains(.note([PaperInline("Plain paragraph as a note.")], marker: nil, depth: 0)))
        guard case .item(let runs, _) = paper.blocks.first(where: { if case .item = $0 { return true } else { return false } }) else {
            Issue.record("no item")
            return
        }
        #expect(runs == [PaperInline("Save state "), PaperInline("first", .strong), PaperInline(":")])
    }

    @Test func checklistWithoutTaskItemsIsAnError() throws {
        let folder = try TempFolder([
            "checklists/empty.md": "---\ntitle: Empty\n---\nJust words, no boxes.\n\n- a plain bullet\n",
        ])
        defer { folder.remove() }
        let binary = try #require(Paths.binary)
        let result = try run(binary, ["checklist", "empty", "--source", folder.url.path, "-o", folder.path("out.pdf").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("has no task items"), "\(result.stderr)")
        #expect(!folder.exists("out.pdf"))
    }

    @Test func unknownNamesSuggestTheClosestAndAmbiguousOnesListTheCandidates() throws {
        let binary = try #require(Paths.binary)
        let typo = try run(binary, ["checklist", "frist-response", "--source", Paths.sampleRunbooks.path, "--format", "text", "-o", "-"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("no checklist named 'frist-response'; did you mean 'first-response'"), "\(typo.stderr)")
        let drill = try run(binary, ["drill", "no-such-drill-at-all", "--source", Paths.sampleRunbooks.path])
        #expect(drill.status == 2)
        #expect(drill.stderr.contains("no drill named"), "\(drill.stderr)")
        let folder = try TempFolder([
            "checklists/deploy-web.md": "---\ntitle: Deploy web\n---\n- [ ] one\n",
            "checklists/deploy-api.md": "---\ntitle: Deploy API\n---\n- [ ] one\n",
        ])
        defer { folder.remove() }
        let ambiguous = try run(binary, ["checklist", "deploy", "--source", folder.url.path, "--format", "text", "-o", "-"])
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.contains("matches 2 checklists"), "\(ambiguous.stderr)")
        let app = try run(binary, ["checklist", "failover", "--app", "web", "--source", Paths.sampleRunbooks.path])
        #expect(app.status == 2)
        #expect(app.stderr.contains("application 'web' has no checklists") || app.stderr.contains("no checklist named"), "\(app.stderr)")
    }

    @Test func anExistingFileIsReplacedOnlyWithForce() throws {
        let folder = try TempFolder(["first-response.txt": "my notes\n"])
        defer { folder.remove() }
        let binary = try #require(Paths.binary)
        let arguments = ["checklist", "first-response", "--source", Paths.sampleRunbooks.path, "--format", "text"]
        let refused = try run(binary, arguments, in: folder.url)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("already exists; use --force"), "\(refused.stderr)")
        #expect(try folder.read("first-response.txt") == "my notes\n")
        let forced = try run(binary, arguments + ["--force"], in: folder.url)
        #expect(forced.status == 0, "\(forced.stderr)")
        let replaced = try folder.read("first-response.txt").contains("FIRST RESPONSE")
        #expect(replaced)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test(.enabled(if: pdftotext != nil, "pdftotext is not installed (poppler-utils)"))
    func longCodeBlocksGoOnToTheNextPageAndDeepNestingPrints() throws {
        let code = (1...120).map { "echo line-\($0)-of-the-long-block" }.joined(separator: "\n")
        var nested = ""
        for depth in 0..<18 { nested += String(repeating: "  ", count: depth) + "- [ ] level \(depth) of a very deep list\n" }
        let folder = try TempFolder([
            "checklists/long.md": "---\ntitle: Long\n---\n## Run this\n\n- [ ] Run it all:\n\n```bash\n\(code)\n```\n\n## Deep\n\n\(nested)",
        ])
        defer { folder.remove() }
        let binary = try #require(Paths.binary)
        let pdf = try run(binary, ["checklist", "long", "--source", folder.url.path, "-o", folder.path("long.pdf").path])
        #expect(pdf.status == 0, "\(pdf.stderr)")
        let pages = try Self.pages(of: folder.path("long.pdf")).map(Self.squeezed)
        let whole = pages.joined()
        let missing = (1...120).filter { !whole.contains("echoline\($0)ofthelongblock") }
        #expect(missing.isEmpty, "code lines lost: \(missing)")
        for (index, page) in pages.enumerated() {
            #expect(page.contains(Self.squeezed("page \(index + 1) of \(pages.count)")))
        }
        let text = try run(binary, ["checklist", "long", "--source", folder.url.path, "--format", "text", "-o", "-"])
        #expect(text.status == 0, "\(text.stderr)")
        let tooWide = text.stdout.split(separator: "\n").filter { $0.count > Paper.textWidth }
        #expect(tooWide.isEmpty, "\(tooWide)")
        #expect(text.stdout.contains("level 17 of a very deep list"))
    }

    @Test func missingFontsAreAnErrorNotBoxes() throws {
        let folder = try TempFolder(["fonts.conf": "<?xml version=\"1.0\"?>\n<fontconfig><dir>/nonexistent-fonts</dir></fontconfig>\n"])
        defer { folder.remove() }
        let binary = try #require(Paths.binary)
        let result = try run(binary, ["checklist", "first-response", "--source", Paths.sampleRunbooks.path, "-o", folder.path("x.pdf").path],
                             environment: ["FONTCONFIG_FILE": folder.path("fonts.conf").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("the font 'DejaVu Sans' is not installed"), "\(result.stderr)")
        #expect(!folder.exists("x.pdf"))
    }

    @Test func writesToDevicesAsTheyAre() throws {
        let binary = try #require(Paths.binary)
        let result = try run(binary, ["checklist", "first-response", "--source", Paths.sampleRunbooks.path, "--format", "text", "-o", "/dev/null"])
        #expect(result.status == 0, "\(result.stderr)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    // MARK: - Drills

    @Test func drillsNamingWrongChecklistsOrHidingNotesAreReported() throws {
        let folder = try TempFolder([
            "checklists/first.md": "---\ntitle: First\n---\n- [ ] Look\n",
            "drills/a.md": "---\ntitle: A\nobjectives: [x]\nchecklists: [b.md]\n---\n## Brief\nGo.\n\n## Facilitator notes\nSECRET-A\n",
            "drills/b.md": "---\ntitle: B\nobjectives: [x]\nchecklists: [../checklists/first.md, ../checklists/missing.md]\n---\n## Brief\n> ## Facilitator hints\n> SECRET-B\n",
        ])
        defer { folder.remove() }
        let (report, _) = try build(folder)
        let lines = report.diagnostics.map(\.description)
        #expect(lines.contains("src/drills/a.md:4:14: error: 'checklists' names 'b.md', which is a drill, not a checklist"), "\(lines)")
        #expect(lines.contains("src/drills/b.md:4:38: error: link to missing document 'checklists/missing.md'"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("src/drills/b.md:7:3: warning: this heading mentions the facilitator but does not open a facilitator section") }, "\(lines)")
        #expect(lines.contains("src/drills/b.md:2:1: warning: drill has no facilitator section ('## Facilitator notes': how to induce the failure, hints, how to restore)"), "\(lines)")
        let binary = try #require(Paths.binary)
        let result = try run(binary, ["drill", "a", "--source", folder.url.path, "--format", "text", "-d", folder.url.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("which is a drill, not a checklist"), "\(result.stderr)")
    }

    @Test func sampleHasTenDrillsWithObjectivesAndFacilitatorNotes() throws {
        let source = try Self.sample()
        #expect(source.drills.count >= 10)
        for drill in source.drills {
            #expect(!drill.meta.objectives.isEmpty, "\(drill.path) has no objectives")
            #expect(drill.hasFacilitatorNotes, "\(drill.path) has no facilitator section")
            #expect(!drill.meta.checklists.isEmpty || !drill.meta.runbooks.isEmpty, "\(drill.path) names nothing that applies")
            #expect(source.diagnostics(of: drill).isEmpty, "\(source.diagnostics(of: drill))")
        }
    }

    /// The lines of a drill's facilitator section that are long enough to recognise.
    static func facilitatorLines(_ drill: Document) -> [String] {
        var lines: [String] = []
        for block in drill.bodySplitForFacilitator.facilitator {
            block.forEach { node in
                if case .paragraph = node.kind {
                    let text = node.plainText.replacingOccurrences(of: "\n", with: " ").trimmed()
                    if text.count >= 25 { lines.append(text) }
                }
                if case .codeBlock(_, let literal) = node.kind {
                    lines += literal.split(separator: "\n").map(String.init).filter { $0.count >= 25 }
                }
            }
        }
        return lines
    }

    @Test(.enabled(if: pdftotext != nil, "pdftotext is not installed (poppler-utils)"))
    func responderPacketsHoldNoFacilitatorText() throws {
        let binary = try #require(Paths.binary)
        let source = try Self.sample()
        let folder = try TempFolder()
        defer { folder.remove() }
        for drill in source.drills {
            let name = PrintSource.shortName(drill)
            let result = try run(binary, ["drill", name, "--source", Paths.sampleRunbooks.path, "-d", folder.url.path])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let responder = Self.squeezed(try Self.pages(of: folder.path("\(name)-responder.pdf")).joined())
            let facilitator = Self.squeezed(try Self.pages(of: folder.path("\(name)-facilitator.pdf")).joined())
            let hidden = Self.facilitatorLines(drill)
            #expect(!hidden.isEmpty, "\(name): no facilitator text to look for")
            for line in hidden {
                let leaked = responder.contains(Self.squeezed(line)), kept = facilitator.contains(Self.squeezed(line))
                #expect(!leaked, "\(name): the responder packet holds facilitator text: \(line)")
                #expect(kept, "\(name): the facilitator sheet lacks: \(line)")
            }
            // The packet: brief, objectives, checklists, cheat sheet, timeline, decisions log.
            let needed = drill.meta.objectives.map { PaperBuilder.inlineText(ofMarkdownLine: $0).plain }
                + ["Symptom cheat sheet", "Connection refused", "Timeline", "Decisions and actions tried"]
            let missing = needed.filter { !responder.contains(Self.squeezed($0)) }
            #expect(missing.isEmpty, "\(name): the responder packet lacks \(missing)")
        }
    }

    @Test func randomDrillIsRepeatableWithItsSeed() throws {
        let binary = try #require(Paths.binary)
        let folder = try TempFolder()
        defer { folder.remove() }
        var picks: [String] = []
        for round in 0..<2 {
            let out = folder.path("round\(round)")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let result = try run(binary, ["drill", "--random", "--seed", "42", "--format", "text", "--source", Paths.sampleRunbooks.path, "-d", out.path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("--seed 42 picks it again"))
            picks.append(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted().joined(separator: ","))
        }
        #expect(picks[0] == picks[1])
        #expect(picks[0].contains("-responder.txt") && picks[0].contains("-facilitator.txt"))
    }

    @Test func siteLeavesFacilitatorNotesOutUnlessAsked() throws {
        let drill = """
        ---
        title: "Drill: the API is slow"
        objectives: ["Find the slow host"]
        checklists: [../checklists/first.md]
        ---
        ## Brief
        Users say bookings take ages.

        ## Facilitator notes
        ### How to induce the failure
        Run `tc qdisc add dev eth0 root netem delay 900ms` on api-2.
        """
        let folder = try TempFolder([
            "drills/slow.md": drill,
            "checklists/first.md": "---\ntitle: First\n---\n## Look\n- [ ] Check the load balancer\n",
        ])
        defer { folder.remove() }
        let (report, site) = try build(folder)
        #expect(report.published, "\(messages(report))")
        let page = try String(contentsOf: site.appendingPathComponent("drills/slow.html"), encoding: .utf8)
        #expect(page.contains("Users say bookings take ages."))
        #expect(page.contains("Find the slow host"))
        #expect(!page.contains("netem"))
        #expect(!page.contains("Facilitator notes"))
        let list = try String(contentsOf: site.appendingPathComponent("drills/index.html"), encoding: .utf8)
        #expect(list.contains("Find the slow host"))
        let index = try SearchIndex(path: site.appendingPathComponent(SiteSearch.indexFile).path)
        // Drills stay out of the search index: the checklist is in it, the drill is not.
        let kinds = (0..<index.documentCount).map { index.document($0).kind }
        #expect(kinds.contains(.checklist))
        #expect(!kinds.contains(.drill))
        let checklistPage = try String(contentsOf: site.appendingPathComponent("checklists/first.html"), encoding: .utf8)
        let linksToPaper = checklistPage.contains("href=\"../checklists/first.print.html\"")
        let showsDrillSections = checklistPage.contains("rb-objectives") || checklistPage.contains("rb-applies")
        #expect(linksToPaper && !showsDrillSections)
        let drillPage = page
        #expect(drillPage.contains("rb-applies") && drillPage.contains("href=\"../checklists/first.html\""))
        let printView = try String(contentsOf: site.appendingPathComponent("checklists/first.print.html"), encoding: .utf8)
        #expect(printView.contains("Check the load balancer"))
        #expect(printView.contains("counter(pages)"))

        var options = BuildOptions(source: folder.url, sourceDisplay: "src", output: site, outputDisplay: "out")
        options.time = testNow
        options.includeFacilitatorNotes = true
        let withNotes = try SiteBuilder.build(options)
        #expect(withNotes.published)
        let notesPage = try String(contentsOf: site.appendingPathComponent("drills/slow.html"), encoding: .utf8)
        #expect(notesPage.contains("netem"))
        #expect(notesPage.contains("Facilitator notes are on this page"))
    }
}
