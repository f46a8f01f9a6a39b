import Foundation
import Testing
@testable import RunbookCore

enum SearchFixtures {
    static let folder = Paths.repository.appendingPathComponent("Tests/Fixtures")

    /// (query, expected top ids) from search-queries.tsv.
    static func queries() throws -> [(query: String, top: [String])] {
        let text = try String(contentsOf: folder.appendingPathComponent("search-queries.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            let columns = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (columns[0], columns.count > 1 ? columns[1].split(separator: ",").map(String.init) : [])
        }
    }

    /// (id, expected symptom, query) rows of an eval file (dev set by default; EVAL_TSV for another).
    static func evalRows() throws -> [(id: String, symptom: String, query: String)] {
        let path = ProcessInfo.processInfo.environment["EVAL_TSV"] ?? folder.appendingPathComponent("symptom-eval-dev.tsv").path
        let text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            // The file writes line breaks inside a query as \n and tabs as \t.
            let query = columns[2].replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t")
            return (columns[0], columns[1], query)
        }
    }

    /// The sample site's index file.
    static func sampleIndex() throws -> URL {
        let (_, out) = try SampleSiteTests.built.get()
        return out.appendingPathComponent(SiteSearch.indexFile)
    }
}

@Suite struct TokenizerTests {
    let tokenizer = ErrorTokenizer()

    @Test func keepsWholeTokensAndTheirParts() {
        let tokens = tokenizer.tokens("java.net.ConnectException: Connection refused to 10.0.0.7:5432")
        let terms = tokens.map(\.term)
        #expect(terms.contains("java.net.connectexception"))
        #expect(terms.contains("connectexception"))
        #expect(terms.contains("10.0.0.7:5432"))
        #expect(terms.contains("refused"))
        // Parts have consecutive positions; the compound sits at its first part.
        let connection = tokens.first { $0.term == "connection" }!, refused = tokens.first { $0.term == "refused" }!
        #expect(refused.position == connection.position + 1)
        #expect(tokens.first { $0.term == "java.net.connectexception" }!.position == tokens.first { $0.term == "java" }!.position)
    }

    @Test func foldsCaseKeepsApostrophesAndStopWords() {
        #expect(tokenizer.tokens("No route to host; Can't connect").map(\.term) == ["no", "route", "to", "host", "can't", "connect"])
        #expect(tokenizer.tokens("std::io::Error ECONNREFUSED").map(\.term) == ["std::io::error", "std", "io", "error", "econnrefused"])
        // An escaped line break of a JSON log separates words.
        #expect(tokenizer.tokens(#"failed\nHINT"#).map(\.term) == ["failed", "hint"])
    }

    @Test func compoundsAreFoldedAsTheirParts() {
        // A compound's bytes are made from the text again when it ends: ASCII folded, other
        // letters kept, a curly apostrophe written as the straight one its part holds.
        let terms = tokenizer.tokens("Can\u{2019}t.Connect to Ünïcode-Path_X").map(\.term)
        #expect(terms == ["can't.connect", "can't", "connect", "to", "Ünïcode-path_x", "Ünïcode", "path", "x"])
        // A compound of exactly `maximumTermBytes` is kept; one byte more and it is not.
        let part = String(repeating: "a", count: 31)
        let fits = "\(part)::\(part)", over = "\(part)::\(part)b"
        #expect(fits.utf8.count == ErrorTokenizer.maximumTermBytes)
        #expect(tokenizer.tokens(fits).map(\.term).first == fits)
        #expect(!tokenizer.tokens(over).map(\.term).contains(over))
    }

    @Test func internerHashesAndFindsTermsTheSameWayFromEveryBuffer() {
        // The matcher hashes signature parts from Strings; the indexer hashes the tokenizer's
        // buffers: every length the two-word and the longer paths take must agree.
        let interner = TermInterner()
        var ids: [Int] = []
        for length in 0...40 {
            let term = String((0..<length).map { Character(UnicodeScalar(UInt8(0x61 + $0 % 26))) })
            var copy = term
            let fromBuffer = copy.withUTF8 { TermInterner.hash($0) }
            #expect(TermInterner.hash(term) == fromBuffer, "hash of \(length) bytes")
            ids.append(copy.withUTF8 { interner.intern($0) })
        }
        #expect(Set(ids).count == ids.count)
        for (length, id) in ids.enumerated() {
            var term = String((0..<length).map { Character(UnicodeScalar(UInt8(0x61 + $0 % 26))) })
            #expect(term.withUTF8 { interner.intern($0) } == id)
            #expect(interner.strings[id] == term)
        }
        // Terms that differ in one byte, at either end, are different terms.
        var first = "abcdefghijklm", last = "bbcdefghijklm", end = "abcdefghijklz"
        let a = first.withUTF8 { interner.intern($0) }, b = last.withUTF8 { interner.intern($0) }, c = end.withUTF8 { interner.intern($0) }
        #expect(Set([a, b, c]).count == 3)
    }

    @Test func marksTheNoiseOfPastedLogLines() {
        let tokens = tokenizer.tokens("2024-05-02 14:09:51,207 [29670] pid=2231 req 7f3a9c2e1b4d took 3001ms errno 111 status 502 ECONNRESET")
        let volatile = Set(tokens.filter(\.isVolatile).map(\.term))
        let signal = Set(tokens.filter { !$0.isVolatile }.map(\.term))
        for noise in ["2024-05-02", "2024", "14", "51", "29670", "2231", "7f3a9c2e1b4d", "3001ms"] {
            #expect(volatile.contains(noise), "\(noise) is noise")
        }
        // The numbers of an address inside a URL are noise; HTTP/1.1's are too.
        let url = tokenizer.tokens("upstream: \"http://10.0.4.7:8080/v1/feed\"")
        #expect(Set(url.filter(\.isVolatile).map(\.term)).isSuperset(of: ["10", "0", "4", "7", "8080"]))
        #expect(url.contains { $0.term == "feed" && !$0.isVolatile })
        for kept in ["111", "502", "econnreset", "errno", "status", "pid"] {
            #expect(signal.contains(kept), "\(kept) is signal")
        }
    }
}

@Suite struct SiteSearchEncodingTests {
    @Test func jsonAppendEscapesLikeJSONStringAndReadsBack() throws {
        let samples = ["", "plain", "say \"no\"", "back\\slash", "line\nbreak\r\ttab", "\u{1}\u{1F}", "…curly ‘quotes’ — dash €",
                       "sep\u{2028}ara\u{2029}tors", "é and 日本", "\u{E2}", String(repeating: "x\"", count: 40)]
        for sample in samples {
            var out: [UInt8] = Array("[".utf8)
            JSON.append(sample, to: &out)
            out += Array("]".utf8)
            #expect(String(decoding: out.dropFirst().dropLast(), as: UTF8.self) == JSON.string(sample), "\(sample.debugDescription)")
            let parsed = try JSONSerialization.jsonObject(with: Data(out)) as? [String]
            #expect(parsed == [sample], "\(sample.debugDescription) reads back")
            // The shards write terms from their bytes: the same text, escaped or not.
            var fromBytes: [UInt8] = []
            Array(sample.utf8).withUnsafeBufferPointer { JSON.append($0, to: &fromBytes) }
            #expect(fromBytes == Array(out.dropFirst().dropLast()), "\(sample.debugDescription) from bytes")
        }
        #expect(JSON.string("say \"no\"\\\n\t\u{2028}\u{1}…") == #""say \"no\"\\\n\t\u2028\u0001…""#)
    }

    @Test func base64MatchesFoundation() {
        for length in [0, 1, 2, 3, 4, 5, 63, 64, 65, 1000] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var out: [UInt8] = []
            Base64.append(bytes, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == Data(bytes).base64EncodedString(), "length \(length)")
        }
    }

    @Test func noSearchBuildLeavesTheIndexOut() throws {
        let source = try TempFolder(["api/a.md": "---\ntitle: A\n---\n## Steps\nRestart it.\n"])
        defer { source.remove() }
        let output = source.url.deletingLastPathComponent().appendingPathComponent(source.url.lastPathComponent + "-site")
        var options = BuildOptions(source: source.url, sourceDisplay: "src", output: output, outputDisplay: "out")
        options.time = testNow
        options.search = false
        let report = try SiteBuilder.build(options)
        #expect(report.published)
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("search").path))
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("search.html").path))
        let page = try String(contentsOf: output.appendingPathComponent("api/a.html"), encoding: .utf8)
        #expect(!page.contains("rb-search"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("symptoms/conn-refused.html").path))
    }
}

@Suite struct SymptomKnowledgeBaseTests {
    static let requiredIDs = ["conn-refused", "timeout-connect", "timeout-read", "conn-reset", "dns-failure", "host-unreachable",
                              "tls-failure", "http-413", "http-502", "http-503", "http-504", "too-many-connections", "disk-full",
                              "oom", "permission-denied", "no-such-file", "cors", "db-lock", "address-in-use"]

    @Test func shipsEverySymptomCleanly() throws {
        let (documents, diagnostics) = SymptomBase.builtInDocuments()
        #expect(diagnostics.map(\.description) == [])
        #expect(Set(documents.compactMap(\.symptomID)) == Set(Self.requiredIDs))
        for document in documents {
            #expect(document.kind == .symptom)
            #expect(document.meta.signatures.count >= 10, "\(document.path) has signatures")
            let headings = Set(document.headings.map(\.text))
            for section in ["What it means", "How it is worded", "Common causes", "First checks", "Telling it from its neighbours"] {
                #expect(headings.contains(section), "\(document.path) has '\(section)'")
            }
        }
    }

    @Test func builtInCopyMatchesTheSymptomsFolder() throws {
        let folder = Paths.repository.appendingPathComponent("symptoms")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }
        #expect(names.sorted() == EmbeddedSymptoms.files.keys.sorted(), "run `make templates`")
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(EmbeddedSymptoms.files[name] == text, "\(name) differs from the built-in copy: run `make templates`")
        }
    }

    @Test func teamDocumentsAddAndOverrideSymptoms() throws {
        let source = try TempFolder([
            "symptoms/conn-refused.md": "---\ntitle: Refused (our way)\nsignatures: [\"connection refused\"]\n---\nOur own words.\n",
            "symptoms/kafka-rebalance.md": "---\ntitle: Kafka rebalance storm\nsignatures: [\"rebalance in progress\"]\n---\nConsumers keep rejoining.\n",
            "api/consumers.md": "---\ntitle: Consumers stuck\nsymptoms: [kafka-rebalance]\n---\n## Check\nLook at the group.\n",
        ])
        defer { source.remove() }
        let (content, _) = try SearchIndexStore.content(source: source.url, sourceDisplay: "src")
        let file = source.path("index.rbx")
        try SearchIndexStore.write(content, to: file)
        let engine = SearchEngine(index: try SearchIndex(path: file.path))
        let refused = engine.respond(SearchQuery(text: "connection refused"), source: source.url)
        #expect(refused.results.first?.title == "Refused (our way)")
        #expect(refused.results.first?.path == "symptoms/conn-refused.md")
        let kafka = engine.respond(SearchQuery(text: "RebalanceInProgressException: rebalance in progress"), source: source.url)
        #expect(kafka.symptoms.first == "kafka-rebalance")
        #expect(kafka.results.prefix(2).map(\.id) == ["kafka-rebalance", "api/consumers.md"])
    }
}

@Suite struct SearchTests {
    @Test func fixtureQueriesGiveTheirExpectedTopResults() throws {
        let engine = SearchEngine(index: try SearchIndex(path: try SearchFixtures.sampleIndex().path))
        for (query, top) in try SearchFixtures.queries() {
            let results = engine.respond(SearchQuery(text: query, limit: top.count), source: Paths.sampleRunbooks).results
            #expect(results.map(\.id) == top, "\(query)")
        }
    }

    /// The quality bar: every row's symptom page in the top 3 of `runbook search --json`, run as
    /// the real binary on the sample knowledge base (so team documents compete for the places).
    @Test func evalRecallAtThreeReachesTheBar() throws {
        let binary = try #require(Paths.binary)
        let index = try SearchFixtures.sampleIndex()
        var hits = 0
        var misses: [String] = []
        let rows = try SearchFixtures.evalRows()
        for row in rows {
            let result = try run(binary, ["search", "--json", "--limit", "3", "--index", index.path, "--", row.query])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(row.id): \(result.stderr)")
            let results = object["results"] as? [[String: Any]] ?? []
            let found = results.contains { ($0["kind"] as? String) == "symptom" && ($0["id"] as? String) == row.symptom }
            if found { hits += 1 } else { misses.append("\(row.id) \(row.symptom): \(results.compactMap { $0["id"] as? String })") }
        }
        let recall = Double(hits) / Double(rows.count)
        #expect(recall >= 0.97, "recall@3 = \(hits)/\(rows.count); misses: \(misses.joined(separator: "; "))")
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let binary = try #require(Paths.binary)
        let index = try SearchFixtures.sampleIndex()
        let result = try run(binary, ["search", "--json", "--index", index.path, "--source", Paths.sampleRunbooks.path,
                                      "psql: error: connection to server at \"10.0.3.11\", port 5432 failed: Connection refused"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["query", "symptoms", "results"])
        #expect((object["symptoms"] as? [String])?.first == "conn-refused")
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(!results.isEmpty && results.count <= 10)
        let keys: Set<String> = ["rank", "kind", "id", "title", "app", "path", "line", "section", "anchor", "url", "score", "snippet", "symptoms"]
        for (position, item) in results.enumerated() {
            #expect(Set(item.keys) == keys)
            #expect(item["rank"] as? Int == position + 1)
            #expect(["symptom", "runbook", "checklist", "postmortem"].contains(item["kind"] as? String ?? ""))
        }
        let symptom = try #require(results.first)
        #expect(symptom["kind"] as? String == "symptom" && symptom["path"] is NSNull && symptom["line"] is NSNull)
        let team = try #require(results.first { $0["kind"] as? String == "runbook" })
        let path = try #require(team["path"] as? String), line = try #require(team["line"] as? Int)
        // path:line points into the source file, at the section's heading.
        let text = try String(contentsOf: Paths.sampleRunbooks.appendingPathComponent(path), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let section = team["section"] as? String {
            #expect(lines[line - 1].contains(section), "\(path):\(line) is the heading '\(section)'")
        }
        #expect((team["url"] as? String)?.hasSuffix(".html" + ((team["anchor"] as? String).map { "#" + $0 } ?? "")) == true)
    }

    @Test func exitStatusesAndFilters() throws {
        let binary = try #require(Paths.binary)
        let index = try SearchFixtures.sampleIndex().path
        let none = try run(binary, ["search", "--index", index, "zzqxv wombatfrobnicate"])
        #expect(none.status == 1)
        let usage = try run(binary, ["search", "--index", index, "--kind", "recipe", "timeout"])
        #expect(usage.status == 2 && usage.stderr.contains("--kind must be one of"))
        let postmortems = try run(binary, ["search", "--json", "--index", index, "--kind", "postmortem", "timeout"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(postmortems.stdout.utf8)) as? [String: Any])
        let kinds = Set((object["results"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
        #expect(kinds == ["postmortem"])
        let piped = Process()
        piped.executableURL = binary
        piped.arguments = ["search", "--index", index, "--limit", "1"]
        let input = Pipe(), output = Pipe()
        piped.standardInput = input
        piped.standardOutput = output
        piped.standardError = Pipe()
        try piped.run()
        input.fileHandleForWriting.write(Data("2024-05-02T14:09:51Z level=error msg=\"dial tcp 10.0.5.23:443: connect: connection timed out\"\n".utf8))
        input.fileHandleForWriting.closeFile()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        piped.waitUntilExit()
        #expect(piped.terminationStatus == 0)
        #expect(text.contains("Connection timed out"), "a log line piped on stdin: \(text)")
    }

    /// The cached index notices edits, additions and deletions, and a damaged cache is rebuilt.
    @Test func cachedIndexFollowsTheSource() throws {
        let binary = try #require(Paths.binary)
        let source = try TempFolder(["api/first.md": "---\ntitle: First\n---\n## Steps\nRestart the frobnicator.\n"])
        let cache = try TempFolder()
        defer { source.remove(); cache.remove() }
        let environment = ["XDG_CACHE_HOME": cache.url.path]
        func ids(_ query: String) throws -> [String] {
            let result = try run(binary, ["search", "--json", "--source", source.url.path, query], environment: environment)
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return (object?["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(try ids("frobnicator") == ["api/first.md"])
        try source.write("api/first.md", "---\ntitle: First\n---\n## Steps\nRestart the defrangulator.\n")
        #expect(try ids("frobnicator") == [])
        #expect(try ids("defrangulator") == ["api/first.md"])
        try source.write("api/second.md", "---\ntitle: Second\n---\nThe defrangulator again.\n")
        #expect(Set(try ids("defrangulator")) == ["api/first.md", "api/second.md"])
        try FileManager.default.removeItem(at: source.path("api/first.md"))
        #expect(try ids("defrangulator") == ["api/second.md"])

        // Damage the cached file where the query reads (the bytes after the term): a clear
        // note, a rebuild, the right answer.
        let folder = cache.url.appendingPathComponent("runbook")
        let file = try #require(try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).first { $0.pathExtension == "rbx" })
        var bytes = try Data(contentsOf: file)
        var searchFrom = bytes.startIndex
        while let found = bytes.range(of: Data("defrangulator".utf8), in: searchFrom..<bytes.endIndex) {
            bytes[found.upperBound + 1] ^= 0x55
            searchFrom = found.upperBound
        }
        try bytes.write(to: file)
        let rebuilt = try run(binary, ["search", "--source", source.url.path, "defrangulator"], environment: environment)
        #expect(rebuilt.status == 0)
        #expect(rebuilt.stderr.contains("damaged (checksum mismatch)"), "\(rebuilt.stderr)")
        try Data("not an index at all".utf8).write(to: file)
        let foreign = try run(binary, ["search", "--source", source.url.path, "defrangulator"], environment: environment)
        #expect(foreign.status == 0 && foreign.stderr.contains("is not a runbook search index"), "\(foreign.stderr)")
        // Given explicitly, a bad file is an error (exit 2), not a crash.
        try Data("RBIX garbage".utf8).write(to: file)
        let explicit = try run(binary, ["search", "--index", file.path, "defrangulator"])
        #expect(explicit.status == 2 && explicit.stderr.contains("search index"), "\(explicit.stderr)")
    }

    @Test func indexFileRoundTrips() throws {
        let index = try SearchIndex(path: try SearchFixtures.sampleIndex().path)
        #expect(index.documentCount > 40 && index.unitCount > index.documentCount)
        #expect(index.symptoms().map(\.id).sorted() == SymptomKnowledgeBaseTests.requiredIDs.sorted())
        let first = index.document(0)
        #expect(index.unit(first.firstUnit).document == 0)
        #expect(index.manifest().entries.contains { $0.path.hasSuffix(".md") })
    }
}
