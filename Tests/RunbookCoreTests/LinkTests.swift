import Foundation
import Testing
@testable import RunbookCore

@Suite struct LinkTests {
    static let files: [String: String] = [
        "api/index.md": "---\ntitle: Bookings API\nowners: [\"@team-bookings\"]\n---\nThe API.\n",
        "api/timeouts.md": """
            ---
            title: Timeouts
            ---
            ## Diagnosis

            See [the lock runbook](../postgres/locked.md#mitigation), [this section](#diagnosis),
            [the first response](../checklists/first-response.md), [the database](../postgres/),
            [the dump](<files/pg dump.txt>) and [the vendor](https://example.com/status).
            """,
        "api/files/pg dump.txt": "dump\n",
        "postgres/locked.md": "---\ntitle: Locked\n---\n## Mitigation\n\nKill it.\n",
        "checklists/first-response.md": "---\ntitle: First response\n---\n- [ ] breathe\n",
        "broken/links.md": """
            ---
            title: Broken
            runbooks:
              - ../nowhere.md
            ---
            A [missing page](../api/missing.md) and
            a [missing anchor](../postgres/locked.md#rollback), [here too](#nope),
            and [out](../../etc/passwd.md) and [a file](nothing.txt).
            """,
    ]

    @Test func rewritesMarkdownLinksToRelativePages() throws {
        var files = Self.files
        files["broken/links.md"] = nil
        let folder = try TempFolder(files)
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(messages(report) == [])
        #expect(report.published)
        let html = try String(contentsOf: out.appendingPathComponent("api/timeouts.html"), encoding: .utf8)
        #expect(html.contains("<a href=\"../postgres/locked.html#mitigation\">the lock runbook</a>"))
        #expect(html.contains("<a href=\"#diagnosis\">this section</a>"))
        #expect(html.contains("<a href=\"../checklists/first-response.html\">the first response</a>"))
        #expect(html.contains("<a href=\"../postgres/index.html\">the database</a>"))
        #expect(html.contains("<a href=\"files/pg%20dump.txt\">the dump</a>"))
        #expect(html.contains("<a href=\"https://example.com/status\">the vendor</a>"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("api/files/pg dump.txt").path))
    }

    @Test func everyBrokenLinkIsReportedWithFileLineAndColumn() throws {
        let folder = try TempFolder(Self.files)
        defer { folder.remove() }
        let (report, out) = try build(folder)
        #expect(!report.published)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(messages(report) == [
            "src/broken/links.md:4:5: error: link to missing document 'nowhere.md'",
            "src/broken/links.md:6:3: error: link to missing document 'api/missing.md'",
            "src/broken/links.md:7:3: error: link to missing anchor '#rollback' in 'postgres/locked.md'",
            "src/broken/links.md:7:53: error: link to missing anchor '#nope' in 'broken/links.md'",
            "src/broken/links.md:8:5: error: link '../../etc/passwd.md' points outside the source folder",
            "src/broken/links.md:8:36: error: link to missing file 'broken/nothing.txt'",
        ])
    }

    @Test func relativeHrefsNameFiles() {
        #expect(SitePath.href(from: "api/a.html", to: "api/b.html") == "b.html")
        #expect(SitePath.href(from: "api/a.html", to: "index.html") == "../index.html")
        #expect(SitePath.href(from: "index.html", to: "postgres/checklists/f.html", anchor: "steps") == "postgres/checklists/f.html#steps")
        #expect(SitePath.href(from: "postgres/checklists/f.html", to: "postgres/x.html") == "../x.html")
        #expect(SitePath.resolve("../b/./c.md", againstFolderOf: "a/x.md") == "b/c.md")
        #expect(SitePath.resolve("../../c.md", againstFolderOf: "a/x.md") == nil)
        #expect(SitePath.resolve("b/c.md", againstFolderOf: "a/x.md") == "a/b/c.md")
        #expect(SitePath.resolve("c.md", againstFolderOf: "x.md") == "c.md")
        #expect(SitePath.resolve("postgres/", againstFolderOf: "index.md") == "postgres")
        #expect(SitePath.resolve("postgres/", againstFolderOf: "a/x.md") == "a/postgres")
        #expect(SitePath.resolve("/api/x.md", againstFolderOf: "a/x.md") == "api/x.md")
        #expect(SitePath.resolve("./y.md", againstFolderOf: "a/x.md") == "a/y.md")
        #expect(SitePath.resolve("b//c.md", againstFolderOf: "a/x.md") == "a/b/c.md")
        // Resolved on bytes: dot segments anywhere, `..` back to the root and past it, a
        // trailing slash, names that only start with dots, and non-ASCII names.
        #expect(SitePath.resolve("../../runbooks/api/x.html", againstFolderOf: "symptoms/deep/p.html") == "runbooks/api/x.html")
        #expect(SitePath.resolve("../../../x.html", againstFolderOf: "symptoms/deep/p.html") == nil)
        #expect(SitePath.resolve("..", againstFolderOf: "a/b/x.md") == "a")
        #expect(SitePath.resolve(".", againstFolderOf: "a/b/x.md") == "a/b")
        #expect(SitePath.resolve("b/..", againstFolderOf: "a/x.md") == "a")
        #expect(SitePath.resolve("b/../", againstFolderOf: "a/x.md") == "a")
        #expect(SitePath.resolve("../b/", againstFolderOf: "a/c/x.md") == "a/b")
        #expect(SitePath.resolve("..x/.y.md", againstFolderOf: "a/x.md") == "a/..x/.y.md")
        #expect(SitePath.resolve("...", againstFolderOf: "a/x.md") == "a/...")
        #expect(SitePath.resolve("../caf\u{E9}/\u{FC}.md", againstFolderOf: "a/x.md") == "caf\u{E9}/\u{FC}.md")
        #expect(SitePath.resolve("/", againstFolderOf: "a/x.md") == "")
        #expect(SitePath.resolve("", againstFolderOf: "a/x.md") == "a")
        #expect(LinkResolver.isExternal("https://example.com"))
        #expect(LinkResolver.isExternal("//cdn.example/x.js"))
        #expect(LinkResolver.isExternal("mailto:oncall@example.com"))
        #expect(!LinkResolver.isExternal("../api/x.md"))
        #expect(!LinkResolver.isExternal("notes:2024.md".replacingOccurrences(of: ":", with: "/")))
        #expect(!LinkResolver.isExternal("#anchor"))
        #expect(!LinkResolver.isExternal("1http://x"))
    }

    @Test func linksThatCouldRunCodeAreWrittenAsText() throws {
        let folder = try TempFolder([
            "api/a.md": """
                ---
                title: A
                ---
                [click](javascript:alert(1)) and <javascript:alert(2)> and ![pic](javascript:alert(3))
                and [data](data:text/html,<b>x</b>) and ![dot](data:image/png;base64,iVBORw0KGgo=) and [empty]()
                """,
        ])
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        let html = try String(contentsOf: out.appendingPathComponent("api/a.html"), encoding: .utf8)
        #expect(!html.lowercased().contains("href=\"javascript:") && !html.lowercased().contains("src=\"javascript:"),
                "no javascript: URL reaches a link or an image")
        #expect(html.contains("<p>click and javascript:alert(2) and pic"), "the words stay, as text")
        #expect(!html.contains("href=\"data:"))
        #expect(html.contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">"), "inline images fetch nothing")
        #expect(!html.contains("href=\"\""))
        #expect(report.diagnostics.filter { $0.message.contains("scheme the site does not allow") }.map(\.line) == [4, 4, 4, 5])
    }

    @Test func appNamesCannotLeaveTheSite() throws {
        let outer = try TempFolder(["index.html": "USER'S OWN FILE"])
        defer { outer.remove() }
        let folder = try TempFolder([
            "api/a.md": "---\ntitle: A\napp: \"..\"\n---\nx\n",
            "api/b.md": "---\ntitle: B\napp: \"ops/db\"\n---\nx\n",
            "api/c.md": "---\ntitle: C\napp: checklists\n---\nx\n",
        ])
        defer { folder.remove() }
        let (report, _) = try build(folder, out: outer.url.appendingPathComponent("site"))
        #expect(!report.published)
        #expect(messages(report) == [
            "src/api/a.md:3:1: error: 'app' '..' cannot start with '.'",
            "src/api/b.md:3:1: error: 'app' 'ops/db' must be a single name, without '/'",
            "src/api/c.md:3:1: error: 'app' 'checklists' is reserved for the site's own pages; choose another name",
        ])
        #expect(try outer.read("index.html") == "USER'S OWN FILE")
    }

    @Test func applicationFoldersMayHaveAnyName() throws {
        let folder = try TempFolder([
            "Payments Service/index.md": "---\ntitle: Payments\n---\nSee [the runbook](refunds.md).\n",
            "Payments Service/refunds.md": "---\ntitle: Refunds\n---\nBack to [the app](index.md) and [API](../API/).\n",
            "API/index.md": "---\ntitle: The API\n---\nx\n",
        ])
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(messages(report) == [])
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("Payments Service/index.html").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("API/index.html").path))
    }

    @Test func aMissingAnchorOnAnApplicationPageIsReportedAtTheLink() throws {
        let folder = try TempFolder([
            "api/index.md": "---\ntitle: API\n---\n## Dependencies\n",
            "web/a.md": "---\ntitle: A\n---\nSee [deps](../api/#dependencies) and\n[nothing](../api/#nope).\n",
        ])
        defer { folder.remove() }
        let (report, _) = try build(folder)
        #expect(messages(report) == ["src/web/a.md:5:1: error: link '../api/index.html#nope' points at a missing anchor '#nope' in api/index.html"])
    }
}
