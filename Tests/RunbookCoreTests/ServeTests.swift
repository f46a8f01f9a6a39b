import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import RunbookCore

/// `runbook serve`, run as the real binary on a free port and asked over HTTP.
@Suite(.serialized) struct ServeTests {
    /// A running `runbook serve`, stopped (with TERM, as Ctrl-C would) when done.
    final class Server {
        let process = Process()
        let output = Pipe()
        private(set) var text = ""
        var url: URL?

        init(_ arguments: [String]) throws {
            process.executableURL = try #require(Paths.binary)
            process.arguments = ["serve"] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            process.environment = environment
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        /// Reads what the server says until `marker` appears (or the time runs out).
        func waitFor(_ marker: String, seconds: Double = 60) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if text.contains(marker) { return true }
                if !process.isRunning {
                    text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    return text.contains(marker)
                }
                let data = output.fileHandleForReading.availableData
                text += String(decoding: data, as: UTF8.self)
            }
            return text.contains(marker)
        }

        func start() -> URL? {
            guard waitFor("(Ctrl-C to stop)") else { return nil }
            let words = text.split(whereSeparator: \.isWhitespace)
            url = words.first { $0.hasPrefix("http://") }.flatMap { URL(string: String($0)) }
            return url
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    static func get(_ url: URL, method: String = "GET", host: String? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let host { request.setValue(host, forHTTPHeaderField: "Host") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func status(_ base: URL, since: Int) async throws -> [String: Any] {
        let (_, body) = try await get(URL(string: "__runbook/status?since=\(since)", relativeTo: base)!)
        return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test func servesRebuildsOnChangeAndKeepsTheLastGoodSite() async throws {
        let folder = try TempFolder([
            "api/index.md": "---\ntitle: API\n---\nThe API.\n",
            "api/slow.md": "---\ntitle: Slow requests\n---\n## Diagnosis\nLook at the dashboard.\n",
        ])
        defer { folder.remove() }
        let templates = try TempFolder()
        defer { templates.remove() }
        let server = try Server(["--source", folder.url.path, "--port", "0", "--templates", templates.url.path, "--no-search"])
        defer { server.stop() }
        let base = try #require(server.start(), "the server did not start: \(server.text)")
        #expect(base.host == "127.0.0.1")

        let page = try await Self.get(URL(string: "api/slow.html", relativeTo: base)!)
        #expect(page.status == 200)
        #expect(page.body.contains("Slow requests"))
        #expect(page.body.contains("/__runbook/live.js"), "pages reload themselves")
        let script = try await Self.get(URL(string: "__runbook/live.js", relativeTo: base)!)
        #expect(script.status == 200 && script.body.contains("location.reload()"))
        #expect(try await Self.get(URL(string: "nothing-here.html", relativeTo: base)!).status == 404)
        #expect(try await Self.get(URL(string: "api/../../../etc/passwd", relativeTo: base)!).status == 404)
        // A folder without its slash is redirected (its page's relative links need the slash).
        let folderPage = try await Self.get(URL(string: "api", relativeTo: base)!)
        #expect(folderPage.status == 200 && folderPage.body.contains("slow.html\">Slow requests</a>"), "followed to api/")
        #expect(try await Self.get(URL(string: "api/slow.html", relativeTo: base)!, method: "HEAD").status == 200)
        #expect(try await Self.get(URL(string: "api/slow.html", relativeTo: base)!, host: "evil.example").status == 403)
        let first = try await Self.status(base, since: -1)
        let version = try #require(first["version"] as? Int)
        #expect(first["ok"] as? Bool == true)

        // An edit: the site is rebuilt and the status says so (the page would reload).
        try folder.write("api/slow.md", "---\ntitle: Slow requests, now faster\n---\n## Diagnosis\nLook at the dashboard.\n")
        let rebuilt = try await Self.status(base, since: version)
        #expect(rebuilt["ok"] as? Bool == true)
        #expect(rebuilt["version"] as? Int == version + 1)
        #expect(try await Self.get(URL(string: "api/slow.html", relativeTo: base)!).body.contains("Slow requests, now faster"))

        // A template changes: rebuilt too.
        try templates.write("assets/extra.css", "body { color: black; }\n")
        let templated = try await Self.status(base, since: version + 1)
        #expect(templated["version"] as? Int == version + 2)
        #expect(try await Self.get(URL(string: "assets/extra.css", relativeTo: base)!).status == 200)

        // A broken edit: the errors are reported, the last good site is still served.
        try folder.write("api/slow.md", "---\ntitle: [unclosed\n---\nBroken.\n")
        let failed = try await Self.status(base, since: version + 2)
        #expect(failed["ok"] as? Bool == false)
        let problems = failed["problems"] as? [String] ?? []
        #expect(problems.contains { $0.contains("api/slow.md:") && $0.contains("invalid YAML") }, "\(problems)")
        let stillGood = try await Self.get(URL(string: "api/slow.html", relativeTo: base)!)
        #expect(stillGood.status == 200 && stillGood.body.contains("Slow requests, now faster"))
        #expect(stillGood.body.contains("data-failed=\"1\""), "a page loaded now shows the errors at once")
    }

    @Test func bindsBeyondLoopbackOnlyWhenAsked() async throws {
        let binary = try #require(Paths.binary)
        let refused = try run(binary, ["serve", "--host", "0.0.0.0", "--port", "0", "--source", Paths.sampleRunbooks.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("reachable from other machines"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--allow-remote"))
        #expect(PreviewServer.isLoopback("127.0.0.1") && PreviewServer.isLoopback("localhost") && PreviewServer.isLoopback("::1"))
        #expect(!PreviewServer.isLoopback("0.0.0.0") && !PreviewServer.isLoopback("192.168.1.5") && !PreviewServer.isLoopback("::"))

        let folder = try TempFolder(["a.md": "---\ntitle: A\n---\nText.\n"])
        defer { folder.remove() }
        let server = try Server(["--source", folder.url.path, "--host", "0.0.0.0", "--allow-remote", "--port", "0",
                                 "--builtin-templates", "--no-search"])
        defer { server.stop() }
        let base = try #require(server.start(), "\(server.text)")
        #expect(base.host == "0.0.0.0")
        let local = URL(string: "http://127.0.0.1:\(base.port ?? 0)/a.html")!
        #expect(try await Self.get(local).status == 200)
    }
}
