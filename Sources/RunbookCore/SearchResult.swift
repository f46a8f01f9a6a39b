import Foundation

/// One result as `runbook search` shows it (and as `--json` prints it).
public struct SearchResult: Sendable, Equatable {
    public var rank: Int
    public var kind: DocumentKind
    /// The symptom id for a symptom, else the document's path relative to the source folder.
    public var id: String
    public var title: String
    public var app: String?
    /// Relative to the source folder; nil for a built-in symptom (it has no file).
    public var path: String?
    public var line: Int?
    public var section: String?
    public var anchor: String?
    /// The page (and section), relative to the site root.
    public var url: String
    public var score: Double
    public var snippet: String
    /// Byte ranges of `snippet` that matched query words (for highlighting).
    public var highlights: [Range<Int>]
    public var symptoms: [String]
}

/// What a search found.
public struct SearchResponse: Sendable, Equatable {
    public var query: String
    /// Symptoms recognised in the query, best first.
    public var symptoms: [String]
    public var results: [SearchResult]
}

extension SearchEngine {
    /// Runs `query` and dresses the hits: titles, places, snippets from the source text.
    /// `source` is the folder the index was built from (for snippets); a file that cannot be read
    /// gets an empty snippet, not an error.
    public func respond(_ query: SearchQuery, source: URL?) -> SearchResponse {
        let sourcePath = source.map { $0.path }
        let (prepared, hits) = search(query)
        let queryTerms = Set(prepared.terms)
        var results: [SearchResult] = []
        for (position, hit) in hits.enumerated() {
            let document = index.document(hit.document)
            let unit = index.unit(hit.unit)
            var url = SitePath.encodePath(document.url)
            if let anchor = unit.anchor { url += "#" + SitePath.encodeFragment(anchor) }
            let text: String?
            if document.isBuiltIn {
                let name = String(document.path.dropFirst(SymptomBase.folder.count + 1))
                text = EmbeddedSymptoms.files[name]
            } else {
                // Edited or removed since indexing (with --index): the result stands, without a snippet.
                text = sourcePath.flatMap { Snippet.readFile($0 + "/" + document.path) }
            }
            let nextLine = hit.unit + 1 < index.unitCount && index.document(ofUnit: hit.unit + 1) == hit.document
                ? index.unit(hit.unit + 1).line : Int.max
            let (snippet, highlights) = Snippet.best(in: text ?? "", lines: unit.line..<nextLine, terms: queryTerms)
            let tagged: [String] = Set(document.symptoms + unit.symptoms).sorted().compactMap { (symptom: Int) -> String? in
                symptomIDs.indices.contains(symptom) ? symptomIDs[symptom] : nil
            }
            results.append(SearchResult(
                rank: position + 1, kind: document.kind, id: document.symptomID ?? document.path, title: document.title,
                app: document.app, path: document.isBuiltIn ? nil : document.path, line: document.isBuiltIn ? nil : unit.line,
                section: unit.section, anchor: unit.anchor, url: url, score: hit.score, snippet: snippet,
                highlights: highlights, symptoms: tagged))
        }
        return SearchResponse(query: query.text, symptoms: prepared.symptoms.map(\.id), results: results)
    }
}

/// The line of a section that best shows the query, trimmed to a readable width.
enum Snippet {
    static let maximumLength = 160
    /// Files larger than this are not read for a snippet.
    static let maximumFileBytes = 4 << 20

    /// A source file's text, read with plain POSIX calls (a search reads up to ten of them, and
    /// Foundation's URL and file machinery cost more than the reading), or nil.
    static func readFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count < maximumFileBytes {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func best(in text: String, lines wanted: Range<Int>, terms: Set<String>) -> (String, [Range<Int>]) {
        var best: (score: Int, line: Substring, ranges: [Range<Int>])?
        var lineNumber = 0
        var rest = Substring(text)
        while !rest.isEmpty {
            lineNumber += 1
            let end = rest.utf8.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            let raw = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.utf8.index(after: end)...]
            guard lineNumber >= wanted.lowerBound else { continue }
            guard lineNumber < wanted.upperBound else { break }
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            var matched = Set<String>()
            var ranges: [Range<Int>] = []
            var copy = String(line)
            _ = copy.withUTF8 { bytes in
                ErrorTokenizer.scan(bytes) { term, _, isCompound, range in
                    let key = String(decoding: term, as: UTF8.self)
                    guard terms.contains(key) else { return }
                    matched.insert(key)
                    if !isCompound { ranges.append(range) }
                }
            }
            let isText = line.contains { !$0.isWhitespace && $0 != "#" && $0 != "-" && $0 != "`" && $0 != "|" }
            let score = matched.count * 2 + (isText ? 1 : 0)
            if best == nil || score > best!.score { best = (score, line, ranges) }
        }
        guard let best else { return ("", []) }
        return trim(String(best.line), best.ranges)
    }

    /// Leading spaces and list/heading marks off; long lines cut around the first match.
    static func trim(_ line: String, _ ranges: [Range<Int>]) -> (String, [Range<Int>]) {
        let bytes = Array(line.utf8)
        var start = 0
        while start < bytes.count, [0x20, 0x09, 0x23, 0x3E].contains(bytes[start]) { start += 1 }  // space, tab, #, >
        if start + 1 < bytes.count, [0x2D, 0x2A].contains(bytes[start]), bytes[start + 1] == 0x20 { start += 2 }  // "- "
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        var prefix = "", suffix = ""
        if end - start > maximumLength {
            let first = ranges.first(where: { $0.lowerBound >= start })?.lowerBound ?? start
            let context = maximumLength / 4
            var windowStart = max(start, first - context)
            while windowStart > start, windowStart < bytes.count, bytes[windowStart] & 0xC0 == 0x80 { windowStart -= 1 }
            var windowEnd = min(end, windowStart + maximumLength)
            while windowEnd < end, bytes[windowEnd] & 0xC0 == 0x80 { windowEnd += 1 }
            if windowStart > start { prefix = "…" }
            if windowEnd < end { suffix = "…" }
            start = windowStart
            end = windowEnd
        }
        let shift = prefix.utf8.count - start
        let kept = ranges.filter { $0.lowerBound >= start && $0.upperBound <= end }
            .map { ($0.lowerBound + shift)..<($0.upperBound + shift) }
        return (prefix + String(decoding: bytes[start..<end], as: UTF8.self) + suffix, kept)
    }
}

extension SearchResponse {
    /// The `--json` object, keys in a fixed order.
    public func json() -> String {
        var out = "{\"query\":\(JSON.string(query)),\"symptoms\":[\(symptoms.map(JSON.string).joined(separator: ","))],\"results\":["
        out += results.map { result in
            var fields: [String] = []
            fields.append("\"rank\":\(result.rank)")
            fields.append("\"kind\":\(JSON.string(result.kind.rawValue))")
            fields.append("\"id\":\(JSON.string(result.id))")
            fields.append("\"title\":\(JSON.string(result.title))")
            fields.append("\"app\":\(result.app.map(JSON.string) ?? "null")")
            fields.append("\"path\":\(result.path.map(JSON.string) ?? "null")")
            fields.append("\"line\":\(result.line.map(String.init) ?? "null")")
            fields.append("\"section\":\(result.section.map(JSON.string) ?? "null")")
            fields.append("\"anchor\":\(result.anchor.map(JSON.string) ?? "null")")
            fields.append("\"url\":\(JSON.string(result.url))")
            fields.append("\"score\":\(JSON.number(result.score))")
            fields.append("\"snippet\":\(JSON.string(result.snippet))")
            fields.append("\"symptoms\":[\(result.symptoms.map(JSON.string).joined(separator: ","))]")
            return "{" + fields.joined(separator: ",") + "}"
        }.joined(separator: ",")
        return out + "]}"
    }
}

/// Minimal JSON writing (no Foundation encoder: fixed key order, and quick).
enum JSON {
    static func string(_ text: String) -> String {
        // Most strings (terms, paths) need no escaping: checked on bytes, copied whole.
        if !text.utf8.contains(where: needsCare) { return "\"" + text + "\"" }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Everything that needs care is below 0x20, a quote, a backslash, or the lead byte of
    /// U+2028/U+2029.
    @inline(__always) private static func needsCare(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0xE2
    }

    /// `string(text)`'s bytes appended to a buffer (on bytes, without making a String: the site's
    /// shards and records write about a million of them).
    static func append(_ text: String, to out: inout [UInt8]) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in append(bytes, to: &out) }
        if done == nil { Array(text.utf8).withUnsafeBufferPointer { append($0, to: &out) } }
    }

    /// A term's UTF-8 as a JSON string, appended to a buffer.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        // Nearly every term needs no escaping: checked, then copied whole.
        var clean = true
        for byte in bytes where needsCare(byte) { clean = false; break }
        guard clean else { return append(bytes[...], to: &out) }
        out.append(0x22)
        out.append(contentsOf: bytes)
        out.append(0x22)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// An integer's decimal digits appended to a buffer (without making a String).
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }

    private static func append<Bytes: RandomAccessCollection>(_ bytes: Bytes, to out: inout [UInt8]) where Bytes.Element == UInt8, Bytes.Index == Int {
        out.append(0x22)
        var i = bytes.startIndex
        var clean = i  // start of the run not yet copied
        while i < bytes.endIndex {
            let byte = bytes[i]
            guard needsCare(byte) else { i += 1; continue }
            var escape: (UInt8, UInt8)? = nil
            var skip = 1
            switch byte {
            case 0x22: escape = (0x5C, 0x22)
            case 0x5C: escape = (0x5C, 0x5C)
            case 0x0A: escape = (0x5C, 0x6E)
            case 0x0D: escape = (0x5C, 0x72)
            case 0x09: escape = (0x5C, 0x74)
            case 0xE2:
                guard i + 2 < bytes.endIndex, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 else { i += 1; continue }
                skip = 3
            default: break
            }
            out += bytes[clean..<i]
            if let (a, b) = escape {
                out.append(a); out.append(b)
            } else if byte == 0xE2 {
                // U+2028 and U+2029 end a line in older JavaScript.
                out += (bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8
            } else {
                out += [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            }
            i += skip
            clean = i
        }
        out += bytes[clean..<bytes.endIndex]
        out.append(0x22)
    }

    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.6f", value).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }
}
