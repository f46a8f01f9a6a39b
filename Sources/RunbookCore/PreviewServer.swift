import Foundation
import Hummingbird
import Logging

/// What `runbook serve` is asked to do.
public struct ServeOptions: Sendable {
    /// The build to keep fresh; its output folder is what is served.
    public var build: BuildOptions
    public var host: String = PreviewServer.defaultHost
    /// 0 picks a free port.
    public var port: UInt16 = PreviewServer.defaultPort
    /// Bind to an address other machines can reach (off: loopback only).
    public var allowRemote = false
    /// How often the source and templates are looked at for changes.
    public var pollInterval: Duration = .milliseconds(400)
    /// A fixed "now" for every build (SOURCE_DATE_EPOCH); nil takes the clock at each rebuild.
    public var fixedTime: Int?

    public init(build: BuildOptions) {
        self.build = build
    }
}

/// What the server has to say while it runs (the command prints it; the library does not).
public enum ServeEvent: Sendable {
    case listening(URL)
    case built(BuildReport, seconds: Double, changed: [String])
    /// A build that could not even start (the output folder is locked, say).
    case failed(String, changed: [String])
}

public enum ServeError: Error, CustomStringConvertible, Equatable {
    case notLoopback(String)
    case cannotListen(String, reason: String)
    case portInUse(UInt16)
    case firstBuild(String)

    public var description: String {
        switch self {
        case .notLoopback(let host):
            return "'\(host)' is reachable from other machines; the preview server binds to loopback (127.0.0.1, ::1, localhost) unless given --allow-remote"
        case .cannotListen(let address, let reason):
            return "cannot listen on \(address): \(reason)"
        case .portInUse(let port):
            return "port \(port) is in use; give another --port (0 picks a free one)"
        case .firstBuild(let reason):
            return "cannot build the site: \(reason)"
        }
    }
}

/// A preview server for authors: builds the site, serves it, rebuilds it when a document or
/// template changes, and has open pages reload themselves. A failed rebuild keeps the last
/// good site and shows its errors over the page. Built on Hummingbird; this is the one file
/// that uses it.
public final class PreviewServer: Sendable {
    public static let defaultHost = "127.0.0.1"
    public static let defaultPort: UInt16 = 8000
    /// The server's own paths, out of the way of any page of a site.
    static let statusPath = "/__runbook/status"
    static let scriptPath = "/__runbook/live.js"
    /// How long a page's request for news waits before answering "nothing new".
    static let longPoll: Duration = .seconds(25)
    static let longPollStep: Duration = .milliseconds(150)
    /// The page waits this much longer than the server before it gives up on an answer, and
    /// this long before asking again after a failure (the server restarting, say).
    static let clientGraceMilliseconds = 15_000
    static let retryMilliseconds = 1_000

    let options: ServeOptions
    let state = PreviewState()

    public init(options: ServeOptions) {
        self.options = options
    }

    /// Whether `host` only reaches this machine.
    public static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "[::1]" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Builds, listens, and keeps the site fresh until the task is cancelled.
    public func run(events: @escaping @Sendable (ServeEvent) -> Void) async throws {
        let host = options.host
        guard options.allowRemote || Self.isLoopback(host) else { throw ServeError.notLoopback(host) }

        // The address the server is bound to, or nil when binding failed.
        let (bound, boundContinuation) = AsyncStream<String?>.makeStream()
        var logger = Logger(label: "runbook-serve")
        logger.logLevel = .critical  // the command reports what matters; requests are not logged
        let bindHost = host.lowercased() == "localhost" ? "127.0.0.1"
            : (host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host)
        let application = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(bindHost, port: Int(options.port)), serverName: "runbook serve"),
            onServerRunning: { channel in
                guard let address = channel.localAddress, let port = address.port else {
                    boundContinuation.yield(nil)
                    return
                }
                let ip = address.ipAddress ?? bindHost
                boundContinuation.yield(ip.contains(":") ? "http://[\(ip)]:\(port)/" : "http://\(ip):\(port)/")
            },
            logger: logger)
        let serverTask = Task {
            do {
                try await application.run()
            } catch {
                boundContinuation.yield(nil)
                throw error
            }
        }
        var listening: URL?
        for await address in bound {
            listening = address.flatMap(URL.init(string:))
            break
        }
        guard let listening else {
            let reason: String
            do { try await serverTask.value; reason = "the server stopped" } catch { reason = "\(error)" }
            if reason.contains("Address already in use") { throw ServeError.portInUse(options.port) }
            throw ServeError.cannotListen("\(host):\(options.port)", reason: reason)
        }
        defer { serverTask.cancel() }

        // The first build: one that cannot even start (an output folder that is not a site,
        // say) ends the command; one with errors in the content is shown in the page.
        var manifest = (try? snapshot()) ?? []  // a source that cannot be read fails the build just below
        if case .failure(let error) = await rebuild(changed: [], events: events, isFirst: true) {
            throw ServeError.firstBuild("\(error)")
        }
        events(.listening(listening))

        while !Task.isCancelled {
            try await Task.sleep(for: options.pollInterval)
            let current: [SourceManifest]
            do {
                current = try snapshot()
            } catch {
                // The source folder moved or went away: say so once, keep serving, keep looking.
                if !manifest.isEmpty { events(.failed("\(error)", changed: [])) }
                manifest = []
                continue
            }
            if current != manifest {
                let changed = PreviewServer.changes(from: manifest, to: current)
                manifest = current
                await rebuild(changed: changed, events: events)
            }
        }
    }

    // MARK: - Building

    /// Every file of the source and of the templates (documents, runbook.yml, images,
    /// templates, stylesheets), with sizes and times.
    private func snapshot() throws -> [SourceManifest] {
        var snapshots = [try SourceManifest.scan(root: options.build.source, excluding: options.build.output, everyFile: true)]
        if let templates = options.build.templates { snapshots.append(try SourceManifest.scan(root: templates, everyFile: true)) }
        return snapshots
    }

    static func changes(from old: [SourceManifest], to new: [SourceManifest]) -> [String] {
        let before = Set(old.flatMap(\.entries).map { "\($0.path)\u{0}\($0.size)\u{0}\($0.modified)" })
        let after = Set(new.flatMap(\.entries).map { "\($0.path)\u{0}\($0.size)\u{0}\($0.modified)" })
        let paths = before.symmetricDifference(after).compactMap { $0.split(separator: "\u{0}").first.map(String.init) }
        return Array(Set(paths)).sorted()
    }

    @discardableResult
    private func rebuild(changed: [String], events: @Sendable (ServeEvent) -> Void, isFirst: Bool = false) async -> Result<BuildReport, any Error> {
        var options = self.options.build
        options.time = self.options.fixedTime ?? Int(Date().timeIntervalSince1970)
        let build = options
        let started = DispatchTime.now()
        // The build is plain blocking work on every core: it runs off the concurrency pool.
        let result: Result<BuildReport, any Error> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { try SiteBuilder.build(build) })
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        switch result {
        case .success(let report):
            await state.finish(ok: report.published, problems: report.diagnostics.filter { $0.severity == .error }.map(\.description))
            events(.built(report, seconds: seconds, changed: changed))
        case .failure(let error):
            await state.finish(ok: false, problems: ["\(error)"])
            if !isFirst { events(.failed("\(error)", changed: changed)) }  // a first build that fails ends the command
        }
        return result
    }

    // MARK: - Serving

    private func makeRouter() -> Router<BasicRequestContext> {
        let state = self.state
        let root = options.build.output
        let anyHost = options.allowRemote
        let router = Router()
        // On loopback, a request naming another host is a page elsewhere reaching in through
        // DNS rebinding: refused.
        @Sendable func allowed(_ request: Request) -> Bool { anyHost || PreviewServer.acceptsHost(request.head.authority) }
        let forbidden = PreviewServer.response(.forbidden, type: "text/plain; charset=utf-8",
                                               body: Data("the preview answers only to localhost\n".utf8))
        router.get(RouterPath(Self.statusPath)) { request, _ -> Response in
            guard allowed(request) else { return forbidden }
            let since = request.uri.queryParameters.get("since", as: Int.self) ?? -1
            let status = await state.waitForNews(since: since)
            return PreviewServer.response(.ok, type: "application/json", body: Data(status.json.utf8))
        }
        router.get(RouterPath(Self.scriptPath)) { request, _ -> Response in
            guard allowed(request) else { return forbidden }
            return PreviewServer.response(.ok, type: "text/javascript; charset=utf-8", body: Data(PreviewServer.liveScript.utf8))
        }
        let page: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            guard allowed(request) else { return forbidden }
            // The path as sent: the router's own drops a trailing slash, which matters here.
            let raw = request.head.path ?? request.uri.path
            let path = raw.split(separator: "?", maxSplits: 1).first.map(String.init) ?? raw
            return PreviewServer.file(for: path.isEmpty ? "/" : path, query: request.uri.query, host: request.head.authority, in: root,
                                      status: await state.status)
        }
        for path in ["/", "**"] {
            router.get(RouterPath(path), use: page)
            router.head(RouterPath(path), use: page)
        }
        return router
    }

    /// Whether a request's Host names this machine (or names nothing, as HTTP/1.0 may).
    static func acceptsHost(_ authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return true }
        var host = Substring(authority)
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<end]
        } else if let colon = host.lastIndex(of: ":"), host.filter({ $0 == ":" }).count == 1 {
            host = host[..<colon]
        }
        return isLoopback(String(host))
    }

    static func response(_ status: HTTPResponse.Status, type: String, body: Data) -> Response {
        Response(status: status, headers: [.contentType: type, .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The file of the site at `path`, with the live script in every HTML page.
    static func file(for path: String, query: String? = nil, host: String? = nil, in root: URL, status: PreviewState.Status) -> Response {
        let decoded = path.removingPercentEncoding ?? path
        let parts = decoded.split(separator: "/").map(String.init)
        guard !parts.contains(where: { $0 == ".." || $0.hasPrefix(".") }) else {
            return response(.notFound, type: "text/plain; charset=utf-8", body: Data("not found\n".utf8))
        }
        var url = parts.reduce(root) { $0.appendingPathComponent($1) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            // `/api` → `/api/`: the page's relative links are written for the folder.
            if !path.hasSuffix("/") {
                // Absolute where the Host is known: some clients resolve a relative Location badly.
                let location = (host.map { "http://\($0)" } ?? "") + path + "/" + (query.map { $0.isEmpty ? "" : "?" + $0 } ?? "")
                return Response(status: .movedPermanently, headers: [.location: location, .cacheControl: "no-store"])
            }
            url = url.appendingPathComponent("index.html")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let page = "<!DOCTYPE html><title>Not found</title><p>Nothing at <code>\(HTML.escape(decoded))</code>. <a href=\"/\">Home</a></p>"
            return response(.notFound, type: "text/html; charset=utf-8", body: Data(withLiveScript(page, status: status).utf8))
        }
        let type = contentType(of: url.pathExtension)
        if type.hasPrefix("text/html") {
            return response(.ok, type: type, body: Data(withLiveScript(String(decoding: data, as: UTF8.self), status: status).utf8))
        }
        return response(.ok, type: type, body: data)
    }

    static func withLiveScript(_ html: String, status: PreviewState.Status) -> String {
        let tag = "<script src=\"\(scriptPath)\" data-version=\"\(status.version)\" data-failed=\"\(status.ok ? 0 : 1)\"></script>"
        if let end = html.range(of: "</body>", options: .backwards) {
            return html.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: tag)
        }
        return html + tag
    }

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "json": "application/json", "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp", "pdf": "application/pdf", "txt": "text/plain; charset=utf-8",
        "md": "text/plain; charset=utf-8", "yml": "text/plain; charset=utf-8", "yaml": "text/plain; charset=utf-8",
        "woff2": "font/woff2", "ico": "image/x-icon",
    ]

    static func contentType(of fileExtension: String) -> String {
        contentTypes[fileExtension.lowercased()] ?? "application/octet-stream"
    }

    /// Asks the server for news (long polling): reloads the page after a good build, shows the
    /// errors over the page after a failed one.
    static let liveScript = """
    (function () {
      var me = document.currentScript, version = Number(me.getAttribute("data-version")), box = null;
      function show(problems) {
        if (!box) {
          box = document.createElement("div");
          box.setAttribute("role", "alert");
          box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:99999;" +
            "background:#3a0d08;color:#fff;font:14px/1.45 ui-monospace,monospace;padding:12px 16px;border-top:4px solid #e8543f";
          document.body.appendChild(box);
        }
        box.textContent = "";
        var title = document.createElement("strong");
        title.textContent = "runbook serve: the last change did not build; this is the last good site.";
        box.appendChild(title);
        problems.forEach(function (line) { var p = document.createElement("div"); p.textContent = line; box.appendChild(p); });
      }
      // since: the build this page has seen; -1 asks at once (a page served after a failed build).
      function poll(since) {
        var request = new XMLHttpRequest();
        request.open("GET", "\(statusPath)?since=" + since);
        request.timeout = \(Int(longPoll.components.seconds) * 1000 + clientGraceMilliseconds);
        request.onload = function () {
          var status;
          try { status = JSON.parse(request.responseText); } catch (e) { return setTimeout(function () { poll(version); }, \(retryMilliseconds)); }
          if (!status.ok) { show(status.problems); }
          else if (status.version !== version) { location.reload(); return; }
          version = status.version;
          poll(version);
        };
        request.onerror = request.ontimeout = function () { setTimeout(function () { poll(version); }, \(retryMilliseconds)); };
        request.send();
      }
      poll(me.getAttribute("data-failed") === "1" ? -1 : version);
    })();
    """
}

/// The latest build, shared by the watcher and the requests.
actor PreviewState {
    struct Status: Sendable {
        /// Counts finished builds, good or bad.
        var version = 0
        var ok = true
        var problems: [String] = []

        var json: String {
            "{\"version\":\(version),\"ok\":\(ok),\"problems\":[\(problems.map(JSON.string).joined(separator: ","))]}"
        }
    }

    private(set) var status = Status()

    func finish(ok: Bool, problems: [String]) {
        status = Status(version: status.version + 1, ok: ok, problems: problems)
    }

    /// The status once it differs from version `since`, or after the long-poll time.
    func waitForNews(since: Int) async -> Status {
        let deadline = ContinuousClock.now.advanced(by: PreviewServer.longPoll)
        while status.version == since, ContinuousClock.now < deadline {
            try? await Task.sleep(for: PreviewServer.longPollStep)  // cancelled: the client has gone; answer now
        }
        return status
    }
}
