import Foundation
import Testing

/// Runs the real `runbook` binary, as a user would.
@Suite struct CommandLineTests {
    private func binary() throws -> URL {
        try #require(Paths.binary, "the runbook executable is built by `swift build` before the tests")
    }

    @Test func helpExplainsEveryOption() throws {
        let result = try run(try binary(), ["build", "--help"])
        #expect(result.status == 0)
        for option in ["--source", "--out", "--templates", "--builtin-templates", "--quiet", "file://", "SOURCE_DATE_EPOCH"] {
            #expect(result.stdout.contains(option), "build --help mentions \(option)")
        }
        let top = try run(try binary(), ["--help"])
        #expect(top.stdout.contains("build"))
    }

    @Test func buildsAndSaysWhereToLook() throws {
        let work = try TempFolder(["runbooks/api/a.md": "---\ntitle: A\n---\nbody\n"])
        defer { work.remove() }
        let ok = try run(try binary(), ["build", "--builtin-templates"], in: work.url, environment: ["SOURCE_DATE_EPOCH": String(testNow)])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("built "))
        #expect(ok.stdout.contains("open file://"))
        #expect(work.exists("site/index.html"))
        #expect(try work.read("site/api/a.html").contains("Built 2026-11-23 12:00 UTC"))
    }

    @Test func contentErrorsExitOneWithFileLineColumn() throws {
        let work = try TempFolder(["runbooks/api/a.md": "---\ntitle: A\nlast_reviewed: someday\n---\n[x](b.md)\n"])
        defer { work.remove() }
        let result = try run(try binary(), ["build", "--builtin-templates"], in: work.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("runbooks/api/a.md:3:16: error: 'last_reviewed' is not a date: 'someday' (write it as YYYY-MM-DD)"))
        #expect(result.stderr.contains("runbooks/api/a.md:5:1: error: link to missing document 'api/b.md'"))
        #expect(result.stderr.contains("build failed: 2 errors; site/ was left as it was"))
        #expect(!work.exists("site"))
    }

    @Test func refusesToOverwriteSomebodyElsesFolder() throws {
        let work = try TempFolder(["runbooks/api/a.md": "---\ntitle: A\n---\nbody\n", "site/notes.txt": "mine"])
        defer { work.remove() }
        let result = try run(try binary(), ["build", "--builtin-templates"], in: work.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("output folder 'site' is not empty and was not created by runbook"))
        #expect(try work.read("site/notes.txt") == "mine")
    }

    @Test func aMissingSourceFolderIsAClearError() throws {
        let work = try TempFolder()
        defer { work.remove() }
        let result = try run(try binary(), ["build"], in: work.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains("source folder 'runbooks' does not exist (use --source DIR to point at your runbooks)"))
    }
}
