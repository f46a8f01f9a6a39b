import Foundation
import Testing
@testable import RunbookCore

@Suite struct DocumentModelTests {
    private func document(_ path: String, _ frontMatter: String = "", body: String = "") -> Document {
        SourceLoader.parseDocument(path: path, text: "---\ntitle: T\n\(frontMatter)---\n\(body)").0
    }

    @Test func folderDecidesKindAndApplication() {
        #expect(document("api/db.md").kind == .runbook)
        #expect(document("api/db.md").app == "api")
        #expect(document("checklists/first.md").kind == .checklist)
        #expect(document("checklists/first.md").app == nil)
        #expect(document("postgres/checklists/failover.md").kind == .checklist)
        #expect(document("postgres/checklists/failover.md").app == "postgres")
        #expect(document("postmortems/2026-01-01-x.md").kind == .postmortem)
        #expect(document("notes/x.md", "kind: postmortem\n").kind == .postmortem)
        #expect(document("checklists/x.md", "app: web\n").app == "web")
        #expect(document("api/index.md").isAppIndex)
        #expect(!document("api/sub/index.md").isAppIndex)
        #expect(document("index.md").isHomeIndex)
        #expect(document("api/db.md").outputPath == "api/db.html")
    }

    @Test func headingIDsFollowGitHub() {
        let doc = document("a.md", body: "## Back-out\n\n### Check the load balancer's targets\n\n## Back-out\n\n## `ss -ltnp` shows nothing?\n")
        #expect(doc.headings.map(\.id) == ["back-out", "check-the-load-balancers-targets", "back-out-1", "ss--ltnp-shows-nothing"])
        #expect(doc.headings.map(\.line) == [4, 6, 8, 10])
    }

    @Test func rendersTasksTablesAndCodeWithoutRawHTML() throws {
        let folder = try TempFolder([
            "api/a.md": """
                ---
                title: A
                ---
                ## Steps

                - [ ] first *step*
                - [x] done
                  - [ ] nested

                | Check | Command |
                |:------|--------:|
                | port  | `ss -ltnp` |

                ```bash
                curl -v http://10.0.0.7:8080/health
                ```

                <script>alert(1)</script>

                Text with <b>inline</b> HTML.
                """,
        ])
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        let html = try String(contentsOf: out.appendingPathComponent("api/a.html"), encoding: .utf8)
        #expect(html.contains("<li class=\"task\"><input type=\"checkbox\" disabled> first <em>step</em>"))
        #expect(html.contains("<input type=\"checkbox\" disabled checked> done"))
        #expect(html.contains("<th style=\"text-align:left\">Check</th><th style=\"text-align:right\">Command</th>"))
        #expect(html.contains("<button class=\"copy\" type=\"button\" aria-label=\"Copy code\">Copy</button><pre><code class=\"language-bash\">curl -v http://10.0.0.7:8080/health"))
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<b>inline</b>"))
        #expect(report.diagnostics.filter { $0.message.hasPrefix("raw HTML") }.map(\.line) == [18, 20, 20])
    }
}
