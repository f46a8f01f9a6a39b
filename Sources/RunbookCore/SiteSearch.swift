import Foundation

/// The site's copy of the search index, as script files: a page opened from file:// cannot
/// fetch JSON, but it can load `<script>` files. The index is split so that a query loads only
/// what it needs: the terms it contains (`search/t/N.js`, by a hash of the term), the symptoms it
/// shows (`search/s/N.js`), and the records of the results it shows (`search/r/N.js`:
/// documents with their sections). `search/meta.js` (counts, symptom signatures) is the only file every
/// search loads. Postings are the index file's bytes in base64; `site.js` scores them exactly
/// as `SearchEngine` does.
public enum SiteSearch {
    public static let folder = "search"
    public static let page = "search.html"
    public static let indexFile = "search/index.rbx"
    /// Posting bytes per term shard the split aims at.
    static let shardTargetBytes = 16 * 1024
    /// Documents per record file (with their sections): a page of ten results loads up to ten.
    static let documentsPerChunk = 8
    /// Bytes of a term shard entry besides the term and its base64: quotes, brackets, the
    /// document frequency, commas (reserved, not exact).
    static let shardEntryOverhead = 16

    /// FNV-1a 32 of the term's UTF-8, the same in `site.js`.
    static func shard(of term: String, count: Int) -> Int {
        var term = term
        return term.withUTF8 { shard(of: $0, count: count) }
    }

    static func shard(of term: UnsafeBufferPointer<UInt8>, count: Int) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in term { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(count))
    }

    /// The folders the index's files go in, parents first.
    public static let folders = [folder, folder + "/t", folder + "/s", folder + "/r"]

    /// Makes every file of the site's index (the `.rbx` included) and hands each to `write`
    /// with its path relative to the site root as soon as it is made, so that the 100 MB of
    /// them at 10,000 documents are never all in memory; a file comes as parts to write one
    /// after the other (the `.rbx` as its sections, the others whole). `write` is called from
    /// several threads at once, once per file. Returns the paths, in a fixed order.
    public static func write(for content: SearchIndexContent, _ write: @escaping (String, [[UInt8]]) -> Void) -> [String] {
        // The index file is made on its own thread while the shards are made on the others.
        let indexBytes = BackgroundTask { write(indexFile, content.fileParts()) }
        var files: [(String, [UInt8])] = []
        let postingBytes = content.terms.bytes.count + content.documentTerms.bytes.count
        let shardCount = max(1, (postingBytes + shardTargetBytes - 1) / shardTargetBytes)

        // meta.js
        var meta = "RunbookSearch.meta({\"version\":\(IndexFormat.version),\"units\":\(content.units.count),"
        meta += "\"documents\":\(content.documents.count),\"shards\":\(shardCount),"
        meta += "\"documentsPerChunk\":\(documentsPerChunk),"
        // Each document's first unit, as deltas (a unit's document is found by binary search).
        var firstUnits = ByteWriter()
        var previous = 0
        for document in content.documents { firstUnits.varint(document.firstUnit - previous); previous = document.firstUnit }
        meta += "\"firstUnits\":\(JSON.string(Data(firstUnits.bytes).base64EncodedString())),"
        meta += "\"symptoms\":[" + content.symptoms.enumerated().map { index, symptom in
            "{\"id\":\(JSON.string(symptom.id)),\"title\":\(JSON.string(symptom.title)),"
                + "\"page\":\(content.symptomPages.indices.contains(index) ? (content.symptomPages[index].map(String.init) ?? "-1") : "-1"),"
                + "\"signatures\":\(symptom.signatures.count),\"hints\":\(symptom.hints.count)}"
        }.joined(separator: ",") + "],"
        // The matcher compiled (pieces as parts; signatures as [symptom, hint, length, pieces]).
        if let matcher = content.matcher {
            meta += "\"pieces\":[" + matcher.pieces.map { "[" + $0.map(JSON.string).joined(separator: ",") + "]" }.joined(separator: ",") + "],"
            meta += "\"signatures\":[" + matcher.signatures.map { signature in
                "[\(signature.symptom),\(signature.isHint ? 1 : 0),\(signature.length),[\(signature.pieces.map(String.init).joined(separator: ","))]]"
            }.joined(separator: ",") + "]"
        } else {
            meta += "\"pieces\":[],\"signatures\":[]"
        }
        meta += "});\n"
        files.append(("\(folder)/meta.js", Array(meta.utf8)))

        // Term shards: unit postings and document postings, built on every core, read in place
        // (no reference count per term: 350,000 of them at 10,000 documents).
        let shards: [String] = content.terms.withBuffers { units in
            content.documentTerms.withBuffers { documents in
                var unitMembers = [[Int]](repeating: [], count: shardCount)
                var documentMembers = [[Int]](repeating: [], count: shardCount)
                for index in 0..<units.count { unitMembers[shard(of: units.term(index), count: shardCount)].append(index) }
                for index in 0..<documents.count { documentMembers[shard(of: documents.term(index), count: shardCount)].append(index) }
                // Each entry: the quoted term, `:[df,"…"]` with the postings in base64, a comma.
                func size(_ member: Int, of lists: PostingLists.Buffers) -> Int {
                    lists.term(member).count + (lists.postings(member).count + 2) / 3 * 4 + shardEntryOverhead
                }
                func append(_ members: [Int], of lists: PostingLists.Buffers, to out: inout [UInt8]) {
                    for (position, member) in members.enumerated() {
                        if position > 0 { out.append(UInt8(ascii: ",")) }
                        JSON.append(lists.term(member), to: &out)
                        out += ":[".utf8
                        JSON.appendInteger(lists.documentFrequencies[member], to: &out)
                        out += ",\"".utf8
                        Base64.append(lists.postings(member), to: &out)
                        out += "\"]".utf8
                    }
                }
                return Array(0..<shardCount).parallelMap { index in
                    var out: [UInt8] = Array("RunbookSearch.terms(\(index),{".utf8)
                    out.reserveCapacity(out.count + unitMembers[index].reduce(0) { $0 + size($1, of: units) }
                                        + documentMembers[index].reduce(0) { $0 + size($1, of: documents) } + 16)
                    append(unitMembers[index], of: units, to: &out)
                    out += "},{".utf8
                    append(documentMembers[index], of: documents, to: &out)
                    out += "});\n".utf8
                    let path = "\(folder)/t/\(index).js"
                    write(path, [out])
                    return path
                }
            }
        }

        // Symptom lists: documents and units about each symptom.
        for (index, _) in content.symptoms.enumerated() {
            func deltas(_ list: [Int]) -> String {
                var writer = ByteWriter()
                var previous = 0
                for id in list { writer.varint(id - previous); previous = id }
                return JSON.string(Data(writer.bytes).base64EncodedString())
            }
            let text = "RunbookSearch.symptom(\(index),\(deltas(content.symptomDocuments[index])),\(deltas(content.symptomUnits[index])));\n"
            files.append(("\(folder)/s/\(index).js", Array(text.utf8)))
        }

        // Records, in chunks of documents with their sections, on every core.
        let recordChunks: [String] = Array(stride(from: 0, to: content.documents.count, by: documentsPerChunk)).parallelMap { start in
            let documents = content.documents[start..<min(start + documentsPerChunk, content.documents.count)]
            let records = documents.map { document in
                "[\(JSON.string(document.kind.rawValue)),\(JSON.string(document.path)),\(JSON.string(document.title)),"
                    + "\(document.app.map(JSON.string) ?? "null"),\(JSON.string(SitePath.encodePath(document.url))),"
                    + "\(document.symptomID.map(JSON.string) ?? "null"),\(document.isBuiltIn ? 1 : 0),"
                    + "[\(document.symptoms.map(String.init).joined(separator: ","))]]"
            }
            let firstUnit = documents.first?.firstUnit ?? 0
            let unitEnd = documents.last.map { $0.firstUnit + $0.unitCount } ?? firstUnit
            let chunk = start / documentsPerChunk
            var out = Array("RunbookSearch.records(\(chunk),[\(records.joined(separator: ","))],\(firstUnit),[".utf8)
            content.units.withUnsafeBufferPointer { units in
                for index in firstUnit..<unitEnd {
                    let unit = units[index]
                    if index > firstUnit { out.append(UInt8(ascii: ",")) }
                    out.append(UInt8(ascii: "["))
                    JSON.appendInteger(unit.line, to: &out)
                    out.append(UInt8(ascii: ","))
                    if let section = unit.section { JSON.append(section, to: &out) } else { out += "null".utf8 }
                    out.append(UInt8(ascii: ","))
                    if let anchor = unit.anchor { JSON.append(SitePath.encodeFragment(anchor), to: &out) } else { out += "null".utf8 }
                    out.append(UInt8(ascii: ","))
                    JSON.append(unit.excerpt, to: &out)
                    out += ",[".utf8
                    for (position, symptom) in unit.symptoms.enumerated() {
                        if position > 0 { out.append(UInt8(ascii: ",")) }
                        JSON.appendInteger(symptom, to: &out)
                    }
                    out += "]]".utf8
                }
            }
            out += "]);\n".utf8
            let path = "\(folder)/r/\(chunk).js"
            write(path, [out])
            return path
        }
        for (path, bytes) in files { write(path, [bytes]) }
        // The task's work cannot throw: waiting only orders it before the return.
        do { try indexBytes.wait() } catch { preconditionFailure("making the index file cannot fail") }
        return files.map(\.0) + shards + recordChunks + [indexFile]
    }
}

/// Standard base64 (what `Uint8Array.fromBase64` and `atob` read), appended to a byte buffer.
enum Base64 {
    /// A static string, not an array: read from several threads at once with no reference count.
    static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0, to: &out) }
    }

    static func append(_ input: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let start = out.count
        let encodedCount = (input.count + 2) / 3 * 4
        out += repeatElement(UInt8(ascii: "="), count: encodedCount)
        let table = alphabet.utf8Start
        out.withUnsafeMutableBufferPointer { output in
            var i = 0, o = start
            let count = input.count
            while i + 3 <= count {
                let value = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                output[o] = table[Int(value >> 18 & 63)]
                output[o + 1] = table[Int(value >> 12 & 63)]
                output[o + 2] = table[Int(value >> 6 & 63)]
                output[o + 3] = table[Int(value & 63)]
                i += 3
                o += 4
            }
            let rest = count - i
            if rest > 0 {
                let value = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                output[o] = table[Int(value >> 18 & 63)]
                output[o + 1] = table[Int(value >> 12 & 63)]
                if rest == 2 { output[o + 2] = table[Int(value >> 6 & 63)] }
            }
        }
    }
}
