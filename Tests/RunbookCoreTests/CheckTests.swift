import Foundation
import Testing
@testable import RunbookCore

/// `runbook check` and `runbook new`: every rule at its exact file:line, the JSON output, the
/// Prometheus rule files (plain and PrometheusRule), and each new-document template.
@Suite struct CheckTests {
    /// A source folder with one problem of each kind, each on a known line.
    static let problems: [String: String] = [
        "api/index.md": "---\ntitle: API\nowners: [\"@team-api\"]\n---\nThe API.\n",
        // line 2: title (owners rule); line 4: the unknown symptom id; line 6: last_reviewed (stale)
        "api/a.md": """
        ---
        title: Slow requests
        symptoms:
          - conn-refusd
          - "ECONNREFUSED (connection refused)"
        last_reviewed: 2025-01-10
        review_every: 30
        ---
        ## Diagnosis
        See [the other one](b.md#nowhere).
        """,
        // line 2: the same title in the same application
        "api/b.md": """
        ---
        title: Slow Requests
        owners: [ana]
        last_reviewed: 2026-11-01
        ---
        Text.
        """,
        // an action item table row (line 10) and a list item (line 13) without owners
        "postmortems/p.md": """
        ---
        title: Outage
        date: 2026-10-01
        ---
        ## Action items

        | Action | Owner | Due |
        |--------|-------|-----|
        | Add an alert | @ana | 2026-11-01 |
        | Fix the retry loop |  | 2026-12-01 |

        - Document the failover, owner: @rui
        - Review the timeouts
        """,
        // line 3: not a date
        "worker/c.md": "---\ntitle: Worker thing\nlast_reviewed: someday\nowners: [x]\n---\nText.\n",
    ]

    @Test func everyRuleAtItsExactLine() throws {
        let folder = try TempFolder(Self.problems)
        defer { folder.remove() }
        var options = CheckOptions(source: folder.url, sourceDisplay: "src", time: testNow)
        options.baseURL = nil
        let report = try SourceCheck.run(options)
        let lines = report.diagnostics.map(\.descriptionWithRule)
        let expected = [
            "src/api/a.md:2:1: warning: runbook has no 'owners': say who keeps it true (a team or people) [owners]",
            "src/api/a.md:4:5: error: 'symptoms' names 'conn-refusd', which is no symptom id; did you mean 'conn-refused' or 'conn-reset'? (runbook search --kind symptom lists them; quote a whole error line to match text instead) [symptoms]",
            "src/api/a.md:6:1: warning: overdue for review: last reviewed 2025-01-10, due 2025-02-09 (652 days ago); owners: @team-api [stale]",
            "src/api/a.md:10:5: error: link to missing anchor '#nowhere' in 'api/b.md' [links]",
            "src/api/b.md:2:1: warning: 'Slow Requests' is also the title of src/api/a.md in application 'api'; a responder cannot tell them apart [duplicate-title]",
            "src/postmortems/p.md:10:1: warning: action item without an owner: 'Fix the retry loop' has an empty Owner cell [action-owner]",
            "src/postmortems/p.md:13:1: warning: action item without an owner: 'Review the timeouts' names nobody (add @someone or owner: …) [action-owner]",
            "src/worker/c.md:3:16: error: 'last_reviewed' is not a date: 'someday' (write it as YYYY-MM-DD) [document]",
        ]
        #expect(lines == expected)
        #expect(report.stale.map(\.path) == ["src/api/a.md"])
    }

    @Test func commandLinePrintsRulesJSONAndExitsByStrictness() throws {
        let binary = try #require(Paths.binary)
        let folder = try TempFolder(Self.problems)
        defer { folder.remove() }
        let env = ["SOURCE_DATE_EPOCH": String(testNow)]
        let text = try run(binary, ["check", "--source", folder.url.path], environment: env)
        #expect(text.status == 1)
        #expect(text.stdout.contains("/api/a.md:4:5: error: 'symptoms' names 'conn-refusd'"))
        #expect(text.stderr.contains("3 errors, 5 warnings"), "\(text.stderr)")

        let json = try run(binary, ["check", "--source", folder.url.path, "--format", "json"], environment: env)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["errors"] as? Int == 3)
        #expect(object["warnings"] as? Int == 5)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 8)
        for item in diagnostics {
            #expect(Set(item.keys) == ["file", "line", "column", "severity", "rule", "message"])
        }
        #expect(Set(diagnostics.compactMap { $0["rule"] as? String })
            == ["owners", "symptoms", "stale", "links", "duplicate-title", "action-owner", "document"])

        // Warnings only: exit 0, or 1 with --strict.
        let clean = try TempFolder(["api/a.md": "---\ntitle: A\nlast_reviewed: 2026-11-01\n---\nNo owners.\n"])
        defer { clean.remove() }
        #expect(try run(binary, ["check", "--source", clean.url.path], environment: env).status == 0)
        #expect(try run(binary, ["check", "--source", clean.url.path, "--strict"], environment: env).status == 1)
    }

    @Test func staleListsOldestFirstWithOwners() throws {
        let binary = try #require(Paths.binary)
        let folder = try TempFolder([
            "api/index.md": "---\ntitle: API\nowners: [\"@team-api\"]\n---\n",
            "api/newer.md": "---\ntitle: Newer\nlast_reviewed: 2026-01-01\nreview_every: 30\n---\n",
            "api/older.md": "---\ntitle: Older\nowners: [rui]\nlast_reviewed: 2025-01-01\nreview_every: 30\n---\n",
            "api/fresh.md": "---\ntitle: Fresh\nlast_reviewed: 2026-11-01\n---\n",
        ])
        defer { folder.remove() }
        let result = try run(binary, ["check", "--stale", "--source", folder.url.path], environment: ["SOURCE_DATE_EPOCH": String(testNow)])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.contains("/api/older.md  Older  (last reviewed 2025-01-01; rui)") == true, "\(lines)")
        #expect(lines.last?.contains("/api/newer.md  Newer  (last reviewed 2026-01-01; @team-api)") == true, "\(lines)")
    }

    // MARK: - Alerts

    static let fixtures = Paths.repository.appendingPathComponent("Tests/Fixtures/alerts")
    static let base = "https://runbooks.tidewater.example/"

    func alertProblems(_ file: String) throws -> [String] {
        var options = CheckOptions(source: Paths.sampleRunbooks, sourceDisplay: "runbooks", time: testNow)
        options.ruleFiles = [.init(url: Self.fixtures.appendingPathComponent(file), display: file)]
        options.baseURL = Self.base
        return try SourceCheck.run(options).diagnostics.filter { $0.rule != "stale" }.map(\.descriptionWithRule)
    }

    @Test func plainRuleFileGapsAreFoundAtTheirLines() throws {
        let problems = try alertProblems("gaps-rules.yml")
        let errors = problems.filter { $0.contains(": error: ") }
        #expect(errors == [
            "gaps-rules.yml:11:16: error: alert 'PaymentsWebhookBacklog' has no runbook: no document names it in 'alerts:' and it has no annotations.runbook_url (runbook new runbook --app APP --alert PaymentsWebhookBacklog) [alert-without-runbook]",
            "gaps-rules.yml:21:24: error: alert 'CacheFailover': runbook_url 'https://runbooks.tidewater.example/cache/failover.html' leads to no page of the site (cache/failover.html) [runbook-url]",
            "gaps-rules.yml:25:24: error: alert 'RedisDownAgain': runbook_url 'https://runbooks.tidewater.example/cache/redis-unavailable.html#no-such-section': cache/redis-unavailable.html has no heading with the anchor #no-such-section (its anchors: meaning, impact, diagnosis, mitigation, save-state-first, redis-down, writes-refused, fail-over-to-cache-2, …) [runbook-url]",
        ])
        // Covered ones say nothing: by alerts: (PostgresTooManyConnections), by a good runbook_url (ApiHostNotServing).
        #expect(!problems.contains { $0.contains("'PostgresTooManyConnections'") || $0.contains("'ApiHostNotServing'") })
        // Alerts the runbooks name that the file does not define.
        #expect(problems.contains { $0.hasPrefix("runbooks/cache/redis-maxmemory.md:11:") && $0.contains("'alerts' names 'RedisMemoryHigh', which no rule file defines (gaps-rules.yml) [unknown-alert]") })
    }

    @Test func prometheusRuleResourcesAreReadToo() throws {
        let problems = try alertProblems("gaps-prometheusrule.yaml")
        #expect(problems.filter { $0.contains(": error: ") }.map { String($0.prefix(while: { $0 != " " })) }
            == ["gaps-prometheusrule.yaml:17:18:", "gaps-prometheusrule.yaml:31:26:"])
        // RedisMemoryHigh is defined in the second resource: no warning for it.
        #expect(!problems.contains { $0.contains("'RedisMemoryHigh'") })
        #expect(problems.contains { $0.contains("'RedisEvictionsHigh', which no rule file defines") })
    }

    @Test func sampleRulesAreAllCoveredBySampleRunbooks() throws {
        let binary = try #require(Paths.binary)
        let rules = Paths.sampleRunbooks.appendingPathComponent("alerts/prometheus-rules.yml")
        let result = try run(binary, ["check", "--source", Paths.sampleRunbooks.path, "--alerts", rules.path, "--format", "json"],
                             environment: ["SOURCE_DATE_EPOCH": String(testNow)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let alertRules: Set<String> = ["alerts", "alert-without-runbook", "runbook-url", "unknown-alert"]
        let alertProblems = diagnostics.filter { alertRules.contains($0["rule"] as? String ?? "") }
        #expect(alertProblems.isEmpty, "\(alertProblems)")
        #expect((object["alerts"] as? Int ?? 0) >= 40)
        #expect(object["errors"] as? Int == 0)
    }

    // MARK: - runbook new

    @Test(arguments: NewDocument.kinds)
    func newDocumentsPassCheckAndBuild(kind: DocumentKind) throws {
        let binary = try #require(Paths.binary)
        let folder = try TempFolder(["postgres/index.md": "---\ntitle: PostgreSQL\nowners: [\"@team-data\", joao]\n---\nThe database.\n"])
        defer { folder.remove() }
        let source = folder.url.path
        let env = ["SOURCE_DATE_EPOCH": String(testNow)]
        let created = try run(binary, ["new", kind.rawValue, "--source", source, "--app", "postgres", "Replication lag: \"high\""],
                              in: folder.url, environment: env)
        #expect(created.status == 0, "\(created.stderr)")
        let path = created.stdout.trimmed()
        let expectedPath: String
        switch kind {
        case .checklist: expectedPath = "postgres/checklists/replication-lag-high.md"
        case .postmortem: expectedPath = "postmortems/2026-11-23-replication-lag-high.md"
        case .drill: expectedPath = "drills/replication-lag-high.md"
        default: expectedPath = "postgres/replication-lag-high.md"
        }
        #expect(path == source + "/" + expectedPath)
        let text = try folder.read(expectedPath)
        #expect(text.contains("title: \"Replication lag: \\\"high\\\"\""))
        #expect(text.contains("owners: [\"@team-data\", \"joao\"]"))
        #expect(text.contains(kind == .postmortem ? "date: 2026-11-23" : (kind == .drill ? "difficulty:" : "last_reviewed: 2026-11-23")))

        let check = try run(binary, ["check", "--strict", "--source", source], environment: env)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let site = folder.url.deletingLastPathComponent().appendingPathComponent(folder.url.lastPathComponent + "-site")
        defer { try? FileManager.default.removeItem(at: site) }
        let built = try run(binary, ["build", "--source", source, "--out", site.path, "--builtin-templates"], environment: env)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stderr.isEmpty, "\(built.stderr)")

        // Never overwrites.
        let again = try run(binary, ["new", kind.rawValue, "--source", source, "--app", "postgres", "Replication lag: \"high\""], environment: env)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
        #expect(try folder.read(expectedPath) == text)
    }

    @Test func runbookTemplatesHaveTheSectionsThatWork() throws {
        let request = NewDocumentRequest(kind: .runbook, title: nil, app: nil, alert: "PostgresReplicationLagHigh",
                                         source: Paths.sampleRunbooks, sourceDisplay: "runbooks", time: testNow)
        #expect(throws: NewDocumentError.appNeeded) { try NewDocument.render(request) }
        var withApp = request
        withApp.app = "postgres"
        let (path, text, _) = try NewDocument.render(withApp)
        #expect(path == "postgres/postgres-replication-lag-high.md")
        #expect(text.contains("title: \"Postgres replication lag high\""))
        #expect(text.contains("alerts: [\"PostgresReplicationLagHigh\"]"))
        let headings = text.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
        #expect(headings == ["Meaning", "Impact", "Diagnosis", "Mitigation", "Escalation", "Back-out"])

        var postmortem = withApp
        postmortem.kind = .postmortem
        postmortem.alert = nil
        postmortem.title = "Bookings down"
        let (_, postmortemText, _) = try NewDocument.render(postmortem)
        for section in ["Summary", "Impact", "Timeline", "Detection", "Root causes and trigger", "Resolution", "What went well",
                        "What went badly", "Where we got lucky", "Action items", "Runbooks used"] {
            #expect(postmortemText.contains("\n## \(section)\n"), "missing \(section)")
        }
        #expect(postmortemText.contains("| Time (UTC) | Event | Source |"))
        #expect(postmortemText.contains("| Action | Owner | Due | Link |"))
        #expect(postmortemText.contains("| Users affected | |"))
    }

    @Test func checkFindsWhatOnlyTheBuildFoundBefore() throws {
        let folder = try TempFolder([
            "api/a.md": "---\ntitle: A\nowners: [x]\nlast_reviewed: 2026-11-01\n---\nSee [restore](../drills/d.md#how-to-restore).\n",
            "api/a.html": "<p>a page written by hand</p>\n",
            "drills/d.md": "---\ntitle: D\nobjectives: [x]\n---\n## Brief\nGo.\n\n## Facilitator notes\n### How to restore\nUndo it.\n",
        ])
        defer { folder.remove() }
        let report = try SourceCheck.run(CheckOptions(source: folder.url, sourceDisplay: "src", time: testNow))
        let errors = report.diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(errors.contains { $0.hasPrefix("src/api/a.html:1:1: error: this file and the page of api/a.md would both be written to api/a.html") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("src/api/a.md:6:5: error: link to missing anchor '#how-to-restore'") }, "\(errors)")
    }

    @Test func ruleFilesThatDoNotParseAreErrors() throws {
        let folder = try TempFolder(["broken.yml": "groups:\n  - name: [unclosed\n"])
        defer { folder.remove() }
        var options = CheckOptions(source: Paths.sampleRunbooks, sourceDisplay: "runbooks", time: testNow)
        options.ruleFiles = [.init(url: folder.path("broken.yml"), display: "broken.yml")]
        let problems = try SourceCheck.run(options).diagnostics
        #expect(problems.contains { $0.file == "broken.yml" && $0.severity == .error && $0.message.hasPrefix("invalid YAML") })
        #expect(!problems.contains { $0.rule == "unknown-alert" }, "no flood of unknown alerts when a file did not parse")
    }

    @Test func runbookURLsAreComparedAsAddresses() {
        let base = "https://runbooks.example.com/"
        #expect(SourceCheck.sitePath(of: "HTTPS://Runbooks.Example.com:443/api/x.html#d", base: base) == "api/x.html#d")
        #expect(SourceCheck.sitePath(of: "https://runbooks.example.com", base: base) == "")
        #expect(SourceCheck.sitePath(of: "/api/x.html?from=alert", base: base) == "api/x.html")
        #expect(SourceCheck.sitePath(of: "https://wiki.example.com/api/x.html", base: base) == nil)
        #expect(SourceCheck.sitePath(of: "https://runbooks.example.com/site/api/x.html", base: "https://runbooks.example.com/site") == "api/x.html")
    }

    @Test func alertNamesBecomeTitles() {
        #expect(NewDocument.title(ofAlert: "PostgresTooManyConnections") == "Postgres too many connections")
        #expect(NewDocument.title(ofAlert: "API5xxHigh") == "API 5xx high")
        #expect(NewDocument.title(ofAlert: "TLSCertificateExpiringSoon") == "TLS certificate expiring soon")
        #expect(NewDocument.title(ofAlert: "node_filesystem_almost_full") == "Node filesystem almost full")
        #expect(NewDocument.title(ofAlert: "X509CertificateExpiring") == "X509 certificate expiring")
        #expect(NewDocument.title(ofAlert: "S3BucketFull") == "S3 bucket full")
        #expect(NewDocument.title(ofAlert: "IPv6Down") == "IPv6 down")
        #expect(NewDocument.title(ofAlert: "Nginx5xxRate") == "Nginx 5xx rate")
        #expect(NewDocument.isAlertName("job:requests:rate5m") && !NewDocument.isAlertName("Weird`Name") && !NewDocument.isAlertName("5xx"))
    }
}
