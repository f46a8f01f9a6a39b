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

@Suite struct HTMLInspectorTests {
    @Test func readsIDsReferencesAndSectionsBackFromHTML() {
        let html = """
            <!DOCTYPE html><html><head><link rel="stylesheet" href="../assets/style.css"></head>
            <body><nav><a href="../index.html">Home</a></nav>
            <main id="content"><h1 id="title">Title</h1><p>Intro text.</p>
            <h2 id="diagnosis">Diagnosis<a class="anchor" href="#diagnosis">#</a></h2>
            <p>Run <code>ss -ltnp</code> and look.</p><div class="code"><button>Copy</button><pre><code>nc -vz db 5432</code></pre></div>
            <h3 id="more">More</h3><p>Last words<img src="x.png"></p></main></body></html>
            """
        let inspection = HTMLInspector.inspect(html, sections: true)
        #expect(inspection.ids == ["content", "title", "diagnosis", "more"])
        #expect(inspection.references.map(\.value) == ["../assets/style.css", "../index.html", "#diagnosis", "x.png"])
        #expect(inspection.references.map(\.element) == ["link", "a", "a", "img"])
        #expect(inspection.references.map(\.line) == [1, 2, 4, 6])
        #expect(inspection.sections.map(\.title) == ["Title", "Diagnosis", "More"])
        #expect(inspection.sections.map(\.id) == ["title", "diagnosis", "more"])
        #expect(inspection.sections.map(\.text) == ["Intro text.", "Run ss -ltnp and look. nc -vz db 5432", "Last words"])
    }
}
