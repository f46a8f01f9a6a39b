import Foundation
import Testing
@testable import RunbookCore

@Suite struct PublishingTests {
    static let good = ["api/a.md": "---\ntitle: A\n---\nfine\n"]

    @Test func aFailedBuildLeavesThePreviousSiteIntact() throws {
        let folder = try TempFolder(Self.good)
        defer { folder.remove() }
        let (first, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        #expect(first.published)
        let before = try String(contentsOf: out.appendingPathComponent("api/a.html"), encoding: .utf8)

        try folder.write("api/a.md", "---\ntitle: A changed\n---\n[broken](missing.md)\n")
        let (second, _) = try build(folder, out: out)
        #expect(!second.published)
        #expect(messages(second) == ["src/api/a.md:4:1: error: link to missing document 'api/missing.md'"])
        #expect(try String(contentsOf: out.appendingPathComponent("api/a.html"), encoding: .utf8) == before)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.hasPrefix(".\(out.lastPathComponent)\(OutputFolder.stagingInfix)") }, "no staging folder left behind")
    }

    @Test func aSuccessfulBuildReplacesTheWholeSite() throws {
        let folder = try TempFolder(Self.good)
        defer { folder.remove() }
        let (_, out) = try build(folder)
        defer { try? FileManager.default.removeItem(at: out) }
        try FileManager.default.removeItem(at: folder.path("api/a.md"))
        try folder.write("api/b.md", "---\ntitle: B\n---\nnew\n")
        let (report, _) = try build(folder, out: out)
        #expect(report.published)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("api/b.html").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("api/a.html").path), "stale pages go")
    }

    @Test func leftoversOfAnInterruptedBuildAreCleanedUp() throws {
        let folder = try TempFolder(Self.good)
        defer { folder.remove() }
        let out = folder.url.deletingLastPathComponent().appendingPathComponent(folder.url.lastPathComponent + "-site")
        defer { try? FileManager.default.removeItem(at: out) }
        let leftover = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent)\(OutputFolder.stagingInfix)99999")
        try FileManager.default.createDirectory(at: leftover, withIntermediateDirectories: true)
        try Data(OutputFolder.markerText.utf8).write(to: leftover.appendingPathComponent(OutputFolder.markerName))
        let (report, _) = try build(folder, out: out)
        #expect(report.published)
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
    }

    @Test func refusesTheSourceFolderAFolderContainingItAndSomebodyElsesFolder() throws {
        let folder = try TempFolder(Self.good)
        defer { folder.remove() }
        #expect(throws: OutputFolderError.isSource("out")) { try build(folder, out: folder.url) }
        #expect(throws: OutputFolderError.containsSource(output: "out", source: "src")) {
            try build(folder, out: folder.url.deletingLastPathComponent())
        }
        let foreign = try TempFolder(["notes.txt": "mine"])
        defer { foreign.remove() }
        #expect(throws: OutputFolderError.notOurs("out")) { try build(folder, out: foreign.url) }
        #expect(try foreign.read("notes.txt") == "mine")
        let empty = try TempFolder()
        defer { empty.remove() }
        #expect(try build(folder, out: empty.url).0.published, "an empty folder is fine")
    }

    @Test func aFileThatIsNotUTF8IsReportedWithItsPosition() throws {
        let folder = try TempFolder(Self.good)
        defer { folder.remove() }
        var bytes = Data("---\ntitle: Caf".utf8)
        bytes.append(0xE9)  // Latin-1 é
        bytes.append(contentsOf: Array("\n---\n".utf8))
        try folder.write("api/latin1.md", bytes)
        let (report, _) = try build(folder)
        #expect(messages(report) == ["src/api/latin1.md:2:11: error: file is not valid UTF-8 (first bad byte at line 2, column 11); save it as UTF-8"])
        #expect(!report.published)
    }

    @Test func reportsEveryProblemAtOnce() throws {
        let folder = try TempFolder([
            "api/one.md": "---\ntitle: [oops\n---\n",
            "api/two.md": "---\nowners: [x]\n---\n",
            "api/three.md": "---\ntitle: Three\nlast_reviewed: soon\n---\n[x](nope.md)\n",
        ])
        defer { folder.remove() }
        let (report, _) = try build(folder)
        #expect(report.diagnostics.errorCount == 4)
        #expect(Set(report.diagnostics.map(\.file)) == ["src/api/one.md", "src/api/two.md", "src/api/three.md"])
    }

    @Test func twoBuildsNeverWriteTheSameSiteAtOnce() throws {
        let folder = try TempFolder(Self.good)
        defer { folder.remove() }
        let out = folder.url.deletingLastPathComponent().appendingPathComponent(folder.url.lastPathComponent + "-site")
        defer { try? FileManager.default.removeItem(at: out) }
        let held = try OutputFolder.Lock(for: out, outputDisplay: "out")
        #expect(throws: OutputFolderError.busy("out")) { try build(folder, out: out) }
        withExtendedLifetime(held) {}
    }

    @Test func aSiteLeftOnlyInItsRetiredFolderIsPutBack() throws {
        let folder = try TempFolder(["api/a.md": "---\ntitle: A\n---\n[broken](nope.md)\n"])
        defer { folder.remove() }
        let out = folder.url.deletingLastPathComponent().appendingPathComponent(folder.url.lastPathComponent + "-site")
        defer { try? FileManager.default.removeItem(at: out) }
        // A build killed between moving the old site aside and moving the new one in.
        let retired = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent)\(OutputFolder.retiredInfix)4242")
        try FileManager.default.createDirectory(at: retired, withIntermediateDirectories: true)
        try Data(OutputFolder.markerText.utf8).write(to: retired.appendingPathComponent(OutputFolder.markerName))
        try Data("old site".utf8).write(to: retired.appendingPathComponent("index.html"))
        let (report, _) = try build(folder, out: out)
        #expect(!report.published)
        #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == "old site")
        #expect(!FileManager.default.fileExists(atPath: retired.path))
    }

    @Test func aLinkToTheSiteIsFollowed() throws {
        let folder = try TempFolder(Self.good)
        defer { folder.remove() }
        let (_, real) = try build(folder)
        defer { try? FileManager.default.removeItem(at: real) }
        let link = real.deletingLastPathComponent().appendingPathComponent(real.lastPathComponent + "-link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        defer { try? FileManager.default.removeItem(at: link) }
        try folder.write("api/b.md", "---\ntitle: B\n---\nnew\n")
        let (report, _) = try build(folder, out: link)
        #expect(report.published)
        #expect(FileManager.default.fileExists(atPath: real.appendingPathComponent("api/b.html").path), "the real site was updated")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == real.path, "the link is still a link")
    }
}
