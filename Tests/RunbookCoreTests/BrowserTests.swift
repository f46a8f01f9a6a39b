import Foundation
import Testing
@testable import RunbookCore

/// Opens the generated sample site from file:// in headless Chromium, as a responder would
/// during an incident. Skipped (with a note) where Chromium is not installed; CI installs it.
@Suite(.serialized) struct BrowserTests {
    static let chromium: URL? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .map { URL(fileURLWithPath: $0) }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    static func dumpDOM(_ page: URL, waitMilliseconds: Int? = nil) throws -> String {
        let browser = try #require(chromium)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)"]
        // Scripts that load more scripts (the search index) need time before the DOM is read.
        if let waitMilliseconds { arguments.append("--virtual-time-budget=\(waitMilliseconds)") }
        let result = try run(browser, arguments + ["--dump-dom", page.absoluteString])
        return result.stdout
    }

    /// A checklist's print view, printed by Chromium from file:// with its print stylesheet:
    /// every item whole on one page, and the paper's footer with "page i of n" on each page.
    @Test(.enabled(if: chromium != nil && PaperTests.pdftotext != nil, "Chromium or pdftotext is not installed"))
    func printViewPrintsAsPaper() throws {
        let (_, out) = try SampleSiteTests.built.get()
        let browser = try #require(Self.chromium)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-chromium-\(UUID().uuidString)")
        let pdf = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-print-\(UUID().uuidString).pdf")
        defer {
            try? FileManager.default.removeItem(at: profile)
            try? FileManager.default.removeItem(at: pdf)
        }
        let page = out.appendingPathComponent("checklists/first-response.print.html")
        let result = try run(browser, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                                       "--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString])
        #expect(FileManager.default.fileExists(atPath: pdf.path), "Chromium printed nothing: \(result.stderr)")
        let pages = try PaperTests.pages(of: pdf).map(PaperTests.squeezed)
        #expect(pages.count >= 2)
        let source = try PaperTests.sample()
        let paper = try source.checklistPaper(try PrintSource.find("first-response", in: source.checklists, app: nil, what: "checklist"))
        for item in paper.items {
            let text = PaperTests.squeezed(item.plain)
            let holding = pages.filter { $0.contains(text) }.count
            #expect(holding == 1, "item not whole on one printed page: \(item.plain)")
        }
        for (index, text) in pages.enumerated() {
            let numbered = text.contains(PaperTests.squeezed("page \(index + 1) of \(pages.count)"))
            let stamped = text.contains(PaperTests.squeezed("checklists/first-response.md"))
            #expect(numbered && stamped, "page \(index + 1) lacks its page number or footer")
        }
        let help = pages.joined().contains(PaperTests.squeezed("This page is laid out for paper"))
        #expect(!help, "the on-screen help was printed")
    }

    /// The site's search page, opened from file:// with ?q=, shows the same top results as
    /// `runbook search` for every query of the shared fixture file.
    @Test(.enabled(if: chromium != nil, "Chromium is not installed: .ci/install-deps --browser"))
    func searchPageAgreesWithTheCommandLine() throws {
        let (_, out) = try SampleSiteTests.built.get()
        for (query, top) in try SearchFixtures.queries() {
            var components = URLComponents(url: out.appendingPathComponent("search.html"), resolvingAgainstBaseURL: false)!
            components.queryItems = [URLQueryItem(name: "q", value: query)]
            let dom = try Self.dumpDOM(try #require(components.url), waitMilliseconds: 5000)
            #expect(dom.contains("data-search=\"done\""), "\(query): the search ran")
            let ids = dom.components(separatedBy: "class=\"search-hit ").dropFirst().compactMap { item -> String? in
                guard let start = item.range(of: "data-id=\"") else { return nil }
                let rest = item[start.upperBound...]
                return rest.range(of: "\"").map { String(rest[..<$0.lowerBound]) }
            }
            #expect(Array(ids.prefix(top.count)) == top, "\(query)")
        }
    }

    @Test(.enabled(if: chromium != nil, "Chromium is not installed: .ci/install-deps --browser"))
    func samplePagesRenderFromDiskWithTheirScript() throws {
        let (_, out) = try SampleSiteTests.built.get()
        let loaded = try SourceLoader.load(root: Paths.sampleRunbooks, displayRoot: "runbooks")
        let runbook = try #require(loaded.documents.first { $0.kind == .runbook && !$0.isAppIndex && !$0.headings.isEmpty })
        let postmortem = try #require(loaded.documents.first { $0.kind == .postmortem })
        let checklist = try #require(loaded.documents.first { $0.kind == .checklist })
        let app = try #require(runbook.app)
        let pages: [(String, String)] = [
            ("index.html", "Applications"),
            ("\(app)/index.html", "Runbooks"),
            (runbook.outputPath, runbook.headings[0].text),
            (postmortem.outputPath, "Postmortem"),
            (checklist.outputPath, "type=\"checkbox\""),
            ("tags/index.html", "Tags"),
        ]
        for (page, expected) in pages {
            let dom = try Self.dumpDOM(out.appendingPathComponent(page))
            #expect(dom.contains("data-js=\"ready\""), "\(page): site.js loaded from file:// and ran")
            #expect(dom.contains(expected), "\(page) shows \(expected)")
            #expect(dom.contains("Built 2026-11-23"), "\(page) carries the build stamp")
        }
    }
}
