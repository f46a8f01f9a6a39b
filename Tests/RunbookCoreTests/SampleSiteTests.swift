import Foundation
import Testing
@testable import RunbookCore

/// The sample knowledge base in runbooks/ is the demo and the main fixture: it must build
/// without a single problem, and the site it makes must hold together when read from disk.
@Suite(.serialized) struct SampleSiteTests {
    static let built: Result<(BuildReport, URL), Error> = Result {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-sample-\(UUID().uuidString)")
        var options = BuildOptions(source: Paths.sampleRunbooks, sourceDisplay: "runbooks", output: out, outputDisplay: "site")
        options.time = testNow
        return (try SiteBuilder.build(options), out)
    }

    @Test func buildsWithoutProblems() throws {
        let (report, _) = try Self.built.get()
        #expect(messages(report) == [])
        #expect(report.published)
    }

    @Test func isARealisticSmallCompany() throws {
        let loaded = try SourceLoader.load(root: Paths.sampleRunbooks, displayRoot: "runbooks")
        let documents = loaded.documents
        let apps = Catalog.apps(of: documents)
        #expect((4...6).contains(apps.count))
        #expect(apps.allSatisfy { $0.indexDocument != nil }, "every application describes itself")
        let runbooks = documents.filter { $0.kind == .runbook && !$0.isAppIndex }
        #expect(runbooks.count >= 15)
        #expect(documents.filter { $0.kind == .checklist }.count >= 3)
        #expect(documents.filter { $0.kind == .postmortem }.count >= 4)
        let firstResponse = try #require(documents.first { $0.path == "checklists/first-response.md" })
        let text = firstResponse.body.plainText.lowercased()
        for topic in ["load balancer", "security group", "acl", "iam", "dns", "restart", "state"] {
            #expect(text.contains(topic), "first-response checklist covers \(topic)")
        }
        var tasks = 0
        firstResponse.body.forEach { if case .item(task: .some) = $0.kind { tasks += 1 } }
        #expect(tasks >= 30)
    }

    /// Reads the written files back with libxml2, independently of the build's own check.
    @Test func everyLinkAndAnchorResolvesOnDiskAndNothingIsFetched() throws {
        let (_, out) = try Self.built.get()
        let root = out.standardizedFileURL.path
        var pages: [String: PageInspection] = [:]
        var files = Set<String>()
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        for case let relative as String in enumerator {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue { continue }
            files.insert(relative)
            if relative.hasSuffix(".html") {
                let html = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
                pages[relative] = HTMLInspector.inspect(html)
            }
        }
        #expect(pages.count > 40)
        var checked = 0
        for (page, inspection) in pages {
            // CSS in style elements and attributes counts by its url() and @import only.
            for reference in SiteVerifier.expand(inspection.references) {
                let value = reference.value
                if LinkResolver.isExternal(value) {
                    #expect(reference.element == "a", "\(page): <\(reference.element)> loads \(value)")
                    continue
                }
                #expect(!value.hasPrefix("/"), "\(page): absolute link \(value)")
                let parts = value.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? page : SitePath.resolve(parts[0].removingPercentEncoding!, againstFolderOf: page)
                let resolved = try #require(target, "\(page): \(value) leaves the site")
                #expect(files.contains(resolved), "\(page): \(value) → missing \(resolved)")
                if parts.count == 2, let ids = pages[resolved]?.ids {
                    #expect(ids.contains(parts[1].removingPercentEncoding!), "\(page): missing anchor in \(value)")
                }
                checked += 1
            }
            let html = try String(contentsOfFile: root + "/" + page, encoding: .utf8)
            #expect(!html.contains("url(http"), "\(page): CSS that fetches")
        }
        #expect(checked > 500)
        let css = try String(contentsOfFile: root + "/assets/style.css", encoding: .utf8)
        #expect(!css.contains("@import") && !css.contains("url("), "the stylesheet fetches nothing")
    }

    @Test func runbookPagesShowWhatAResponderNeeds() throws {
        let (_, out) = try Self.built.get()
        let loaded = try SourceLoader.load(root: Paths.sampleRunbooks, displayRoot: "runbooks")
        let postmortem = try #require(loaded.documents.first { $0.kind == .postmortem && !$0.meta.runbooks.isEmpty })
        let used = try #require(SitePath.resolve(postmortem.meta.runbooks[0].value, againstFolderOf: postmortem.path))
        let usedPage = try String(contentsOf: out.appendingPathComponent(String(used.dropLast(3)) + ".html"), encoding: .utf8)
        #expect(usedPage.contains("Seen in incidents"))
        #expect(usedPage.contains(postmortem.title.replacingOccurrences(of: "&", with: "&amp;")))
        #expect(usedPage.contains("class=\"toc\""))
        let home = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(home.contains("overdue for review"))
    }
}
