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
