import Testing
@testable import RunbookCore

@Suite struct FrontMatterTests {
    @Test func readsEveryKnownFieldAndKeepsUnknownOnes() {
        let text = """
            ---
            title: "Database locked by a migration"
            owners: ["@team-data", ana.ribeiro]
            tags: [postgres, locks]
            severity: sev1
            symptoms:
              - db-lock
              - "ERROR:  canceling statement due to lock timeout"
            alerts: PostgresLongRunningLock
            last_reviewed: 2026-09-14
            review_every: 90
            dashboard: Grafana → Postgres
            runbook_id: 42
            ---
            Body
            """
        let (document, diagnostics) = SourceLoader.parseDocument(path: "postgres/locked.md", text: text)
        #expect(diagnostics.isEmpty)
        let meta = document.meta
        #expect(meta.title == "Database locked by a migration")
        #expect(meta.owners == ["@team-data", "ana.ribeiro"])
        #expect(meta.tags == ["postgres", "locks"])
        #expect(meta.severity == "sev1")
        #expect(meta.symptoms.map(\.value) == ["db-lock", "ERROR:  canceling statement due to lock timeout"])
        #expect(meta.symptoms.map(\.line) == [7, 8])
        #expect(meta.alerts.map(\.value) == ["PostgresLongRunningLock"])
        #expect(meta.lastReviewed == Day(year: 2026, month: 9, day: 14))
        #expect(meta.reviewEvery == 90)
        #expect(meta.extra.map(\.key) == ["dashboard", "runbook_id"])
        #expect(meta.extra.map(\.value) == ["Grafana → Postgres", "42"])
        #expect(document.bodyLineOffset == 14)
    }

    @Test func brokenYAMLIsReportedAtItsFileLine() {
        let text = "---\ntitle: ok\ntags: [unclosed\nseverity: sev2\n---\nbody\n"
        let (_, diagnostics) = SourceLoader.parseDocument(path: "a.md", text: text, diagnosticPath: "src/a.md")
        #expect(diagnostics.count == 1)
        let diagnostic = diagnostics[0]
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.hasPrefix("invalid YAML in front matter"))
        // The flow sequence opened on line 3 is where the YAML goes wrong; libyaml notices by line 4.
        #expect((3...5).contains(diagnostic.line), "\(diagnostic)")
        #expect(diagnostic.description.hasPrefix("src/a.md:\(diagnostic.line):"))
    }

    @Test func missingTitleIsAnError() {
        let (_, diagnostics) = SourceLoader.parseDocument(path: "a.md", text: "---\nowners: [x]\n---\n# Hi\n")
        #expect(diagnostics.map(\.description) == ["a.md:1:1: error: missing 'title' in front matter"])
    }

    @Test func documentWithoutFrontMatterIsAnError() {
        let (_, diagnostics) = SourceLoader.parseDocument(path: "a.md", text: "# Just Markdown\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].message.hasPrefix("missing front matter"))
    }

    @Test func unclosedFrontMatterIsAnError() {
        let (_, diagnostics) = SourceLoader.parseDocument(path: "a.md", text: "---\ntitle: x\n\nbody\n")
        #expect(diagnostics.contains { $0.message.contains("no closing '---'") && $0.line == 1 })
    }

    @Test func badDateAndBadIntervalPointAtTheValue() {
        let text = "---\ntitle: T\nlast_reviewed: last tuesday\ndate: 2026-02-30\nreview_every: often\n---\n"
        let (_, diagnostics) = SourceLoader.parseDocument(path: "a.md", text: text)
        #expect(diagnostics.map(\.description) == [
            "a.md:3:16: error: 'last_reviewed' is not a date: 'last tuesday' (write it as YYYY-MM-DD)",
            "a.md:4:7: error: 'date' is not a date: '2026-02-30' (write it as YYYY-MM-DD)",
            "a.md:5:15: error: 'review_every' must be a whole number of days from 1 to 36500, not 'often'",
        ])
    }

    @Test func unknownKindIsAnError() {
        let (document, diagnostics) = SourceLoader.parseDocument(path: "a.md", text: "---\ntitle: T\nkind: playbook\n---\n")
        #expect(diagnostics.map(\.description) == ["a.md:3:1: error: unknown kind 'playbook'; expected one of runbook, checklist, postmortem, symptom, drill"])
        #expect(document.kind == .runbook)
    }

    @Test func datesParseStrictly() {
        #expect(Day(parsing: "2024-02-29") != nil)
        #expect(Day(parsing: "2023-02-29") == nil)
        #expect(Day(parsing: "2026-11-23T10:00:00Z") == Day(year: 2026, month: 11, day: 23))
        #expect(Day(parsing: "23/11/2026") == nil)
        #expect(Day(year: 2026, month: 1, day: 31)!.adding(days: 29).description == "2026-03-01")
        #expect(Day(secondsSince1970: testNow).description == "2026-11-23")
    }
}
