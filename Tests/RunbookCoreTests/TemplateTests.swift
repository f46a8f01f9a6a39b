import Foundation
import Testing
@testable import RunbookCore

@Suite struct TemplateTests {
    @Test func builtInTemplatesMatchTheTemplatesFolder() throws {
        var onDisk: [String: String] = [:]
        let root = Paths.templates.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        for case let relative as String in enumerator where !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue { onDisk[relative] = try String(contentsOfFile: root + "/" + relative, encoding: .utf8) }
        }
        #expect(onDisk.keys.sorted() == EmbeddedTemplates.files.keys.sorted(), "run `make templates`")
        for (name, text) in onDisk {
            #expect(EmbeddedTemplates.files[name] == text, "\(name) differs from the built-in copy: run `make templates`")
        }
    }

    @Test func aTeamTemplateReplacesTheBuiltInByName() throws {
        let source = try TempFolder(["api/a.md": "---\ntitle: A\n---\nbody\n"])
        defer { source.remove() }
        let overrides = try TempFolder([
            "layout.mustache": "<!DOCTYPE html><html><head><title>{{pageTitle}}</title></head><body><p>ACME LAYOUT</p>{{{content}}}</body></html>",
            "assets/extra.css": "body{}",
        ])
        defer { overrides.remove() }
        let (report, out) = try build(source, templates: overrides.url)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        #expect(report.templatesUsed == ["assets/extra.css", "layout.mustache"])
        let page = try String(contentsOf: out.appendingPathComponent("api/a.html"), encoding: .utf8)
        #expect(page.contains("ACME LAYOUT"))
        #expect(page.contains("<h1>A</h1>"), "the built-in document template still renders the content")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("assets/extra.css").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("assets/style.css").path))
    }

    @Test func aSymptomPageListsTheTeamsDocumentsReadyMadeAndRowByRow() throws {
        let source = try TempFolder([
            "api/index.md": "---\ntitle: API & Co\n---\nIt answers connection refused while it starts.\n",
            "api/a.md": "---\ntitle: A <db>\n---\n## Steps\nThe client said: connection refused.\n",
            "postmortems/2026-01-02-b.md": "---\ntitle: B\ndate: 2026-01-02\nsymptoms: [conn-refused]\n---\nIt broke.\n",
        ])
        defer { source.remove() }
        let (report, out) = try build(source)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        let page = try String(contentsOf: out.appendingPathComponent("symptoms/conn-refused.html"), encoding: .utf8)
        #expect(page.contains(#"<li><span class="badge kind-badge">Runbook</span> <a href="../api/a.html">A &lt;db&gt;</a> <span class="meta">· API &amp; Co</span></li>"#))
        #expect(page.contains(#"<li><span class="badge kind-badge">Postmortem</span> <a href="../postmortems/2026-01-02-b.html">B</a></li>"#))
        // The application's own page is listed by its name alone.
        #expect(page.contains(#"<li><span class="badge kind-badge">Application</span> <a href="../api/index.html">API &amp; Co</a></li>"#))

        // A team template that walks the rows itself still gets every one, with its keys.
        let overrides = try TempFolder([
            "document.mustache": "<h1>{{title}}</h1>{{^empty(forSymptom)}}<p>{{count(forSymptom)}} rows</p><ul>{{#forSymptom}}<li>{{kindLabel}}|{{title}}|{{root}}{{url}}|{{appTitle}}</li>{{/forSymptom}}</ul>{{/empty(forSymptom)}}",
        ])
        defer { overrides.remove() }
        let (custom, customOut) = try build(source, templates: overrides.url)
        defer { try? FileManager.default.removeItem(at: customOut) }
        #expect(custom.published)
        let customPage = try String(contentsOf: customOut.appendingPathComponent("symptoms/conn-refused.html"), encoding: .utf8)
        #expect(customPage.contains("<p>3 rows</p>"))
        #expect(customPage.contains("<li>Runbook|A &lt;db&gt;|../api/a.html|API &amp; Co</li>"))
        #expect(customPage.contains("<li>Postmortem|B|../postmortems/2026-01-02-b.html|</li>"))
        let other = try String(contentsOf: customOut.appendingPathComponent("symptoms/cors.html"), encoding: .utf8)
        #expect(!other.contains("rows</p>"), "an empty list is empty to the template")
    }

    @Test func aTemplateThatDoesNotParseIsReportedWithItsPosition() throws {
        let source = try TempFolder(["api/a.md": "---\ntitle: A\n---\nbody\n"])
        defer { source.remove() }
        let overrides = try TempFolder(["home.mustache": "<h1>{{siteTitle}}</h1>\n{{#apps}}\n<p>{{title}}</p>\n"])
        defer { overrides.remove() }
        var options = BuildOptions(source: source.url, sourceDisplay: "src",
                                   output: source.url.appendingPathExtension("site"), outputDisplay: "out",
                                   templates: overrides.url, templatesDisplay: "templates")
        options.time = testNow
        let report = try SiteBuilder.build(options)
        #expect(!report.published)
        let diagnostic = try #require(report.diagnostics.first)
        #expect(diagnostic.file == "templates/home.mustache")
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.hasPrefix("template does not parse"))
    }

    @Test func aTemplateLinkToAMissingPageFailsTheBuild() throws {
        let source = try TempFolder(["api/a.md": "---\ntitle: A\n---\nbody\n"])
        defer { source.remove() }
        let overrides = try TempFolder(["layout.mustache": "<html><body><a href=\"{{root}}nowhere.html\">x</a><img src=\"https://cdn.example/x.png\">{{{content}}}</body></html>"])
        defer { overrides.remove() }
        let (report, _) = try build(source, templates: overrides.url)
        #expect(!report.published)
        #expect(report.diagnostics.contains { $0.file == "out/api/a.html" && $0.message.hasPrefix("link '../nowhere.html' points at a missing file nowhere.html") })
        #expect(report.diagnostics.contains { $0.message.hasPrefix("<img src=\"https://cdn.example/x.png\"> loads from the network") })
    }

    @Test func aTemplateThatReplacesNothingIsAWarning() throws {
        let source = try TempFolder(["api/a.md": "---\ntitle: A\n---\nbody\n"])
        defer { source.remove() }
        let overrides = try TempFolder(["documnet.mustache": "<p>typo</p>"])
        defer { overrides.remove() }
        let (report, out) = try build(source, templates: overrides.url)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        #expect(report.diagnostics.count == 1)
        #expect(report.diagnostics.first?.severity == .warning)
        #expect(report.diagnostics.first?.message.hasPrefix("'documnet.mustache' replaces no built-in template") == true)
    }

    @Test func stylesAndSrcsetsThatFetchFromTheNetworkFailTheBuild() throws {
        let source = try TempFolder(["api/a.md": "---\ntitle: A\n---\nbody\n"])
        defer { source.remove() }
        let overrides = try TempFolder([
            "layout.mustache": """
                <html><head><style>@import "https://fonts.example/x.css"; body { background: url(data:image/png;base64,AA==) }</style></head>
                <body><img src="{{root}}assets/style.css" srcset="{{root}}assets/style.css 1x, https://cdn.example/x.png 2x">
                <p style="background: url('https://cdn.example/bg.png')">{{{content}}}</p></body></html>
                """,
            "assets/extra.css": "@font-face { src: url(https://fonts.example/f.woff2) } .x { background: url(missing.png) }",
        ])
        defer { overrides.remove() }
        let (report, _) = try build(source, templates: overrides.url)
        #expect(!report.published)
        let found = messages(report)
        #expect(found.contains { $0.contains("loads from the network") && $0.contains("https://fonts.example/x.css") })
        #expect(found.contains { $0.contains("https://cdn.example/x.png") })
        #expect(found.contains { $0.contains("https://cdn.example/bg.png") })
        #expect(!found.contains { $0.contains("data:image/png") }, "inline data fetches nothing")
        #expect(found.contains { $0.hasSuffix("assets/extra.css:1:1: error: stylesheet loads 'https://fonts.example/f.woff2' from the network; the site must work offline") })
        #expect(found.contains { $0.contains("stylesheet loads 'missing.png', which is not in the site") })
    }
}
