import Foundation
import Testing
@testable import RunbookCore

@Suite struct SiteBuildTests {
    static let base: [String: String] = [
        "runbook.yml": "title: Test runbooks\norganisation: Test Co\nreview_every: 30\n",
        "api/index.md": "---\ntitle: Bookings API\nowners: [\"@team-bookings\", ana]\n---\nTakes bookings.\n",
        "api/stale.md": "---\ntitle: Stale runbook\nlast_reviewed: 2026-01-10\n---\n## Meaning\n\nOld.\n",
        "api/fresh.md": "---\ntitle: Fresh runbook\nlast_reviewed: 2026-11-01\nreview_every: 90\n---\n## Meaning\n\nNew.\n",
        "postmortems/2026-03-12-locked.md": """
            ---
            title: Bookings locked
            date: 2026-03-12
            duration: 47m
            impact: Bookings failed
            apps: [api]
            runbooks:
              - ../api/fresh.md
            ---
            We followed [the stale one](../api/stale.md#meaning) too.
            """,
        "postmortems/2025-01-02-older.md": "---\ntitle: Older outage\ndate: 2025-01-02\napps: [api]\n---\nText with [fresh](../api/fresh.md).\n",
    ]

    @Test func overdueRunbooksGetABannerAndAreCounted() throws {
        let folder = try TempFolder(Self.base)
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(messages(report) == [])
        #expect(report.overdueCount == 1)
        let stale = try String(contentsOf: out.appendingPathComponent("api/stale.html"), encoding: .utf8)
        let fresh = try String(contentsOf: out.appendingPathComponent("api/fresh.html"), encoding: .utf8)
        // 2026-01-10 + 30 days (runbook.yml) = 2026-02-09, 287 days before 2026-11-23.
        #expect(stale.contains("<strong>Overdue for review.</strong> Last reviewed 2026-01-10; it was due 2026-02-09 (287 days ago)."))
        #expect(!fresh.contains("Overdue for review"))
        #expect(fresh.contains("(next by 2027-01-30)"))
        let home = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(home.contains("<strong>1</strong> overdue for review"))
    }

    @Test func runbooksListTheIncidentsTheyWereSeenIn() throws {
        let folder = try TempFolder(Self.base)
        defer { folder.remove() }
        let (_, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        let fresh = try String(contentsOf: out.appendingPathComponent("api/fresh.html"), encoding: .utf8)
        let section = try #require(fresh.range(of: "id=\"rb-seen-in-incidents\"")).upperBound
        let list = String(fresh[section...].prefix(600))
        let newer = try #require(list.range(of: "Bookings locked")), older = try #require(list.range(of: "Older outage"))
        #expect(newer.lowerBound < older.lowerBound, "newest first")
        let stale = try String(contentsOf: out.appendingPathComponent("api/stale.html"), encoding: .utf8)
        #expect(stale.contains("Seen in incidents"))
        #expect(!stale.contains("Older outage"))
        let postmortems = try String(contentsOf: out.appendingPathComponent("postmortems/index.html"), encoding: .utf8)
        #expect(try #require(postmortems.range(of: "2026-03-12")).lowerBound < #require(postmortems.range(of: "2025-01-02")).lowerBound)
    }

    @Test func pagesForAppsTagsAndListsExist() throws {
        var files = Self.base
        files["api/tagged.md"] = "---\ntitle: Tagged\ntags: [postgres, \"network errors\"]\nseverity: sev1\n---\nx\n"
        files["api/tagged-too.md"] = "---\ntitle: Tagged too\ntags: [Postgres]\n---\nx\n"
        let folder = try TempFolder(files)
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        for page in ["index.html", "api/index.html", "checklists/index.html", "postmortems/index.html",
                     "tags/index.html", "tags/postgres.html", "tags/network-errors.html", "assets/style.css",
                     "assets/site.js", ".runbook-site"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(page).path), "\(page)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("api/index.md").path))
        let app = try String(contentsOf: out.appendingPathComponent("api/index.html"), encoding: .utf8)
        #expect(app.contains("Takes bookings."))
        #expect(app.contains("@team-bookings"))
        #expect(app.contains("Tagged"))
        let tag = try String(contentsOf: out.appendingPathComponent("tags/postgres.html"), encoding: .utf8)
        #expect(tag.contains("Tagged too") && tag.contains(">Tagged<"), "Postgres and postgres are one tag")
    }

    @Test func everyPageIsStampedWithVersionTimeAndCommit() throws {
        let folder = try TempFolder(Self.base)
        defer { folder.remove() }
        let git = URL(fileURLWithPath: "/usr/bin/git")
        for arguments in [["init", "-q"], ["-c", "user.email=t@t", "-c", "user.name=t", "add", "."],
                          ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"]] {
            #expect(try run(git, arguments, in: folder.url).status == 0)
        }
        let commit = try run(git, ["rev-parse", "--short=12", "HEAD"], in: folder.url).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (_, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        let page = try String(contentsOf: out.appendingPathComponent("api/fresh.html"), encoding: .utf8)
        #expect(page.contains("Built 2026-11-23 12:00 UTC by runbook \(BuildInfo.toolVersion) from <code>src</code> at commit <code>\(commit)</code>."))
    }

    @Test func linkedFoldersAreNotFollowedSoACycleCannotHang() throws {
        let folder = try TempFolder(["api/a.md": "---\ntitle: A\n---\nx\n"])
        defer { folder.remove() }
        try FileManager.default.createSymbolicLink(at: folder.path("api/cycle"), withDestinationURL: folder.url)
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        #expect(report.documentCount == 1)
    }

    @Test func aListRowNeverShowsThePagesOwnValues() throws {
        let folder = try TempFolder([
            "postmortems/2026-01-01-first.md": "---\ntitle: First outage\ndate: 2026-01-01\nduration: 5h\n---\nx\n",
            "postmortems/2026-02-01-second.md": "---\ntitle: Second outage\ndate: 2026-02-01\n---\nSame as [the first](2026-01-01-first.md).\n",
        ])
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        let first = try String(contentsOf: out.appendingPathComponent("postmortems/2026-01-01-first.html"), encoding: .utf8)
        let row = try #require(first.range(of: "Second outage</a>")).upperBound
        let rest = String(first[row...].prefix(80))
        #expect(rest.contains("2026-02-01"))
        #expect(!rest.contains("5h"), "the second outage has no duration: \(rest)")
    }

    @Test func headingsInQuotesAndListsKeepTheirOwnAnchors() throws {
        let folder = try TempFolder([
            "api/a.md": "---\ntitle: A\n---\n# A\n\n> ## Warning\n\n## First\n\n- ## Step one\n\n## Second\n\n[w](#warning) [s](#step-one) [t](#a)\n",
            "api/b.md": "---\ntitle: B\n---\n[title of a](a.md#a)\n",
        ])
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(messages(report) == [])
        let page = try String(contentsOf: out.appendingPathComponent("api/a.html"), encoding: .utf8)
        #expect(page.contains("<h2 id=\"warning\">Warning"))
        #expect(page.contains("<h2 id=\"first\">First"))
        #expect(page.contains("<h2 id=\"step-one\">Step one"))
        #expect(page.contains("<h2 id=\"second\">Second"))
        #expect(page.contains("<span id=\"a\"></span>"), "the title's own heading keeps its anchor")
    }

    @Test func runbooksOutsideAnyApplicationAreListedOnTheHomePage() throws {
        let folder = try TempFolder(["general.md": "---\ntitle: Everything is on fire\n---\n## Steps\n\nBreathe.\n",
                                     "api/a.md": "---\ntitle: A\n---\nx\n"])
        defer { folder.remove() }
        let (report, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(report.published)
        let home = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(home.contains("<a href=\"general.html\">Everything is on fire</a>"))
        let page = try String(contentsOf: out.appendingPathComponent("general.html"), encoding: .utf8)
        #expect(page.contains("<a href=\"index.html\">Home</a> › <span>Everything is on fire</span>"))
    }
}
