import Foundation

public enum SearchIndexError: Error, CustomStringConvertible, Equatable {
    case unreadable(String, reason: String)
    case notAnIndex(String)
    case otherVersion(String, found: UInt32)
    case damaged(String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the search index \(path): \(reason)"
        case .notAnIndex(let path): return "\(path) is not a runbook search index"
        case .otherVersion(let path, let found):
            return "\(path) is a search index of format \(found); this runbook reads format \(IndexFormat.version)"
        case .damaged(let path, let reason): return "the search index \(path) is damaged (\(reason))"
        }
    }
}

/// Section names (four bytes each) of the index file.
enum IndexSection: String, CaseIterable {
    case meta = "meta", documents = "docs", units = "unit", documentFirstUnits = "dfst", terms = "term"
    case documentTerms = "dter", symptoms = "symp", symptomDocuments = "sdoc", symptomUnits = "suni", manifest = "mani"
    case matcherFirstParts = "mfst", matcherSignatures = "msig", sectionTitles = "sect"
}

extension SearchIndexContent {
    /// The index file's bytes, in parts that are the file when written one after the other:
    /// the header, the section table, then each section after the zeros that align it to 8
    /// bytes (not copied into one buffer of the file's size: 40 MB at 10,000 documents).
    public func fileParts() -> [[UInt8]] {
        var sections: [(IndexSection, [UInt8])] = []
        var meta = ByteWriter()
        meta.varint(units.count)
        meta.varint(documents.count)
        meta.string(manifest.toolStamp)
        sections.append((.meta, meta.bytes))

        sections.append((.documents, ByteWriter.table(documents.map { document in
            var record = ByteWriter()
            record.varint(DocumentKind.allCases.firstIndex(of: document.kind) ?? 0)
            record.string(document.path)
            record.string(document.title)
            record.string(document.app ?? "")
            record.string(document.symptomID ?? "")
            record.varint(document.isBuiltIn ? 1 : 0)
            record.varint(document.firstUnit)
            record.varint(document.unitCount)
            record.varint(document.symptoms.count)
            for symptom in document.symptoms { record.varint(symptom) }
            return record.bytes
        })))
        // Section titles repeat ("Diagnosis", "Mitigation"): each is stored once.
        var sectionTitles: [String] = []
        var sectionTitleIndex: [String: Int] = [:]
        for unit in units {
            if let title = unit.section, sectionTitleIndex[title] == nil {
                sectionTitleIndex[title] = sectionTitles.count
                sectionTitles.append(title)
            }
        }
        // Whether a section's anchor is its title's slug, once per distinct title.
        var slugOfTitle: [String: String] = [:]
        for title in sectionTitles { slugOfTitle[title] = Slug.make(title) }
        sections.append((.units, ByteWriter.table(count: units.count) { index, record in
            let unit = units[index]
            record.varint(unit.document)
            record.varint(unit.line)
            record.varint(unit.section.flatMap { sectionTitleIndex[$0] }.map { $0 + 1 } ?? 0)
            // Most anchors are the heading's slug: stored only when they differ (a repeat's "-1").
            record.string(unit.anchor.map { $0 == (unit.section.flatMap { slugOfTitle[$0] } ?? "") ? "" : $0 } ?? "")
            record.varint(unit.symptoms.count)
            for symptom in unit.symptoms { record.varint(symptom) }
        }))
        sections.append((.documentFirstUnits, ByteWriter.array(documents.map { UInt32($0.firstUnit) })))
        sections.append((.matcherFirstParts, ByteWriter.table(matcherFirstParts)))
        sections.append((.matcherSignatures, ByteWriter.table(matcherSignatures)))
        func termTable(_ list: PostingLists) -> [UInt8] {
            list.withBuffers { lists in
                // Term, three varints (at most 10 bytes each) and the postings, per entry.
                let size = lists.termBytes.count + lists.count * 3 * 10 + lists.bytes.count
                return ByteWriter.table(count: lists.count, reservingBytes: size) { index, record in
                    let term = lists.term(index), postings = lists.postings(index)
                    record.varint(term.count)
                    record.bytes += term
                    record.varint(lists.documentFrequencies[index])
                    record.varint(postings.count)
                    record.bytes += postings
                }
            }
        }
        sections.append((.terms, termTable(terms)))
        sections.append((.documentTerms, termTable(documentTerms)))
        sections.append((.symptoms, ByteWriter.table(symptoms.enumerated().map { index, symptom in
            var record = ByteWriter()
            record.varint(symptomPages.indices.contains(index) ? (symptomPages[index].map { $0 + 1 } ?? 0) : 0)
            record.string(symptom.id)
            record.string(symptom.title)
            record.varint(symptom.signatures.count)
            for signature in symptom.signatures { record.string(signature) }
            record.varint(symptom.hints.count)
            for hint in symptom.hints { record.string(hint) }
            return record.bytes
        })))
        func idLists(_ lists: [[Int]]) -> [UInt8] {
            ByteWriter.table(lists.map { list in
                var record = ByteWriter()
                record.varint(list.count)
                var previous = 0
                for id in list { record.varint(id - previous); previous = id }
                return record.bytes
            })
        }
        sections.append((.symptomDocuments, idLists(symptomDocuments)))
        sections.append((.symptomUnits, idLists(symptomUnits)))
        // One record, paths front-coded (sorted paths share long prefixes).
        var manifestRecord = ByteWriter()
        manifestRecord.varint(manifest.entries.count)
        var previous: [UInt8] = []
        for entry in manifest.entries {
            let path = Array(entry.path.utf8)
            var shared = 0
            while shared < min(path.count, previous.count), path[shared] == previous[shared] { shared += 1 }
            manifestRecord.varint(shared)
            manifestRecord.varint(path.count - shared)
            manifestRecord.bytes += path[shared...]
            manifestRecord.varint(entry.size)
            manifestRecord.varint(entry.modified)
            previous = path
        }
        sections.append((.manifest, ByteWriter.table([manifestRecord.bytes])))
        sections.append((.sectionTitles, ByteWriter.table(sectionTitles.map { title in
            var record = ByteWriter()
            record.string(title)
            return record.bytes
        })))

        // Header, section table, then the sections, 8-byte aligned.
        let tableSize = IndexFormat.sectionEntrySize * sections.count
        var offset = IndexFormat.headerSize + tableSize
        var placed: [(IndexSection, Int, Int)] = []
        for (name, bytes) in sections {
            offset = (offset + 7) & ~7
            placed.append((name, offset, bytes.count))
            offset += bytes.count
        }
        var table = ByteWriter()
        for (name, start, length) in placed {
            table.bytes += Array(name.rawValue.utf8)
            table.u64(UInt64(start))
            table.u64(UInt64(length))
        }
        var header = ByteWriter()
        header.bytes += IndexFormat.magic
        header.u32(IndexFormat.version)
        header.u32(UInt32(sections.count))
        let checksum = table.bytes.withUnsafeBytes { tableBytes in
            sections[0].1.withUnsafeBytes { metaBytes in
                sections.first { $0.0 == .documentFirstUnits }!.1.withUnsafeBytes { firstUnits in
                    SearchIndex.headerChecksum(table: tableBytes, meta: metaBytes, firstUnits: firstUnits)
                }
            }
        }
        header.u64(checksum)
        var parts = [header.bytes, table.bytes]
        var written = header.bytes.count + table.bytes.count
        for ((_, start, _), (_, bytes)) in zip(placed, sections) {
            if start > written { parts.append([UInt8](repeating: 0, count: start - written)) }
            parts.append(bytes)
            written = start + bytes.count
        }
        precondition(written == offset, "index file: the parts and the section table disagree")
        return parts
    }
}

/// An index file mapped into memory and read in place: opening it costs a checksum pass and
/// nothing else; a query decodes only the postings and records it needs.
public final class SearchIndex: @unchecked Sendable {
    public let path: String
    private let base: UnsafeMutableRawPointer
    private let size: Int
    public let unitCount: Int
    public let documentCount: Int
    public let toolStamp: String
    let documentsTable: TableView
    let unitsTable: TableView
    /// Each document's first unit: a document's units are contiguous and in document order.
    let documentFirstUnits: U32View
    let matcherFirstPartsTable: TableView
    let sectionTitlesTable: TableView
    let matcherSignaturesTable: TableView
    let termsTable: TableView
    let documentTermsTable: TableView
    let symptomsTable: TableView
    let symptomDocumentsTable: TableView
    let symptomUnitsTable: TableView
    let manifestTable: TableView

    /// Opens and checks `path`; a file that is not a whole index of this version throws.
    public init(path: String, display: String? = nil) throws {
        let shown = display ?? path
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SearchIndexError.unreadable(shown, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SearchIndexError.unreadable(shown, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        self.size = size
        guard size >= IndexFormat.headerSize else { throw SearchIndexError.notAnIndex(shown) }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw SearchIndexError.unreadable(shown, reason: String(cString: strerror(errno)))
        }
        base = mapped
        let all = UnsafeRawBufferPointer(start: mapped, count: size)
        let fail = { (error: SearchIndexError) -> SearchIndexError in
            munmap(mapped, size)
            return error
        }
        guard Array(all[0..<4]) == IndexFormat.magic else { throw fail(.notAnIndex(shown)) }
        let version = all.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        guard version == IndexFormat.version else { throw fail(.otherVersion(shown, found: version)) }
        let sectionCount = Int(all.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian)
        let stored = all.loadUnaligned(fromByteOffset: 12, as: UInt64.self).littleEndian
        var found: [String: UnsafeRawBufferPointer] = [:]
        for index in 0..<sectionCount {
            let entry = IndexFormat.headerSize + index * IndexFormat.sectionEntrySize
            guard entry + IndexFormat.sectionEntrySize <= size else { throw fail(.damaged(shown, reason: "section table cut short")) }
            let name = String(decoding: all[entry..<entry + 4], as: UTF8.self)
            let start = Int(all.loadUnaligned(fromByteOffset: entry + 4, as: UInt64.self).littleEndian)
            let length = Int(all.loadUnaligned(fromByteOffset: entry + 12, as: UInt64.self).littleEndian)
            guard start >= 0, length >= 0, start + length <= size else { throw fail(.damaged(shown, reason: "section \(name) out of bounds")) }
            found[name] = UnsafeRawBufferPointer(rebasing: all[start..<start + length])
        }
        for section in IndexSection.allCases where found[section.rawValue] == nil {
            throw fail(.damaged(shown, reason: "section \(section.rawValue) missing"))
        }
        let tableEnd = IndexFormat.headerSize + sectionCount * IndexFormat.sectionEntrySize
        guard SearchIndex.headerChecksum(table: UnsafeRawBufferPointer(rebasing: all[IndexFormat.headerSize..<tableEnd]),
                                         meta: found[IndexSection.meta.rawValue]!, firstUnits: found[IndexSection.documentFirstUnits.rawValue]!) == stored else {
            throw fail(.damaged(shown, reason: "checksum mismatch"))
        }
        func section(_ name: IndexSection) -> UnsafeRawBufferPointer { found[name.rawValue]! }
        var meta = ByteReader(section(.meta))
        unitCount = meta.varint()
        documentCount = meta.varint()
        toolStamp = meta.string()
        documentsTable = TableView(section(.documents))
        unitsTable = TableView(section(.units))
        documentFirstUnits = U32View(base: section(.documentFirstUnits))
        matcherFirstPartsTable = TableView(section(.matcherFirstParts))
        sectionTitlesTable = TableView(section(.sectionTitles))
        matcherSignaturesTable = TableView(section(.matcherSignatures))
        termsTable = TableView(section(.terms))
        documentTermsTable = TableView(section(.documentTerms))
        symptomsTable = TableView(section(.symptoms))
        symptomDocumentsTable = TableView(section(.symptomDocuments))
        symptomUnitsTable = TableView(section(.symptomUnits))
        manifestTable = TableView(section(.manifest))
        let tables = [documentsTable, unitsTable, termsTable, documentTermsTable, symptomsTable,
                      symptomDocumentsTable, symptomUnitsTable, manifestTable, matcherFirstPartsTable, matcherSignaturesTable,
                      sectionTitlesTable]
        guard tables.allSatisfy(\.isValid), documentsTable.count == documentCount, unitsTable.count == unitCount,
              documentFirstUnits.count == documentCount else {
            throw fail(.damaged(shown, reason: "tables do not agree"))
        }
    }

    deinit { munmap(base, size) }

    static func headerChecksum(table: UnsafeRawBufferPointer, meta: UnsafeRawBufferPointer, firstUnits: UnsafeRawBufferPointer) -> UInt64 {
        IndexFormat.checksum(table) &* 31 &+ IndexFormat.checksum(meta) &* 17 &+ IndexFormat.checksum(firstUnits)
    }

    /// The document a unit belongs to (binary search over the first units).
    public func document(ofUnit unit: Int) -> Int {
        var low = 0, high = documentCount - 1
        while low < high {
            let middle = (low + high + 1) >> 1
            if documentFirstUnits[middle] <= unit { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The part of the stored symptom matcher that `parts` (a query's words) can match.
    public func matcher(ids: [String], for parts: Set<String>) -> SymptomMatcher {
        var pieces: [Int: [String]] = [:]
        for part in parts {
            guard let found = find(part, in: matcherFirstPartsTable) else { continue }
            var reader = found
            for _ in 0..<min(reader.varint(), reader.bytes.count) {
                let id = reader.varint()
                pieces[id] = (0..<min(reader.varint(), reader.bytes.count)).map { _ in reader.string() }
            }
        }
        var signatures: [SymptomMatcher.Signature] = []
        for id in pieces.keys.sorted() where id < matcherSignaturesTable.count {
            var reader = checked(matcherSignaturesTable, id)
            for _ in 0..<min(reader.varint(), reader.bytes.count) {
                let symptom = reader.varint(), isHint = reader.varint() == 1, length = reader.varint()
                let ids = (0..<min(reader.varint(), reader.bytes.count)).map { _ in reader.varint() }
                signatures.append(SymptomMatcher.Signature(symptom: symptom, pieces: ids, length: length, isHint: isHint))
            }
        }
        return SymptomMatcher(ids: ids, pieceCount: matcherSignaturesTable.count, pieces: pieces, signatures: signatures)
    }

    /// The checked record whose leading string is `key`, read past that string.
    func find(_ key: String, in table: TableView) -> ByteReader? {
        var key = key
        return key.withUTF8 { wanted -> ByteReader? in
            var low = 0, high = table.count - 1
            while low <= high {
                let middle = (low + high) >> 1
                var probe = ByteReader(table.record(middle))
                let order = compareBytes(probe.slice(), UnsafeRawBufferPointer(wanted))
                if order == 0 {
                    var reader = checked(table, middle)
                    _ = reader.slice()
                    return reader
                }
                if order < 0 { low = middle + 1 } else { high = middle - 1 }
            }
            return nil
        }
    }

    /// Per symptom, in index order: its id and the document that is its page, if any.
    public func symptomIDsAndPages() -> [(id: String, page: Int?)] {
        (0..<symptomsTable.count).map { index in
            var reader = checked(symptomsTable, index)
            let page = reader.varint()
            return (reader.string(), page > 0 ? page - 1 : nil)
        }
    }

    /// Set when a record read failed its checksum: the answer cannot be trusted.
    public private(set) var isDamaged = false

    /// A checked record's reader; a damaged record marks the index and reads as empty.
    func checked(_ table: TableView, _ index: Int) -> ByteReader {
        if let bytes = table.checkedRecord(index) { return ByteReader(bytes) }
        isDamaged = true
        return ByteReader(UnsafeRawBufferPointer(start: nil, count: 0))
    }

    // MARK: - Records

    public func document(_ index: Int) -> IndexedDocument {
        var reader = checked(documentsTable, index)
        let kindIndex = reader.varint()
        let kind = DocumentKind.allCases.indices.contains(kindIndex) ? DocumentKind.allCases[kindIndex] : .runbook
        let path = reader.string(), title = reader.string(), app = reader.string()
        let symptomID = reader.string()
        let url = Document.outputPath(ofSourcePath: path)
        let builtIn = reader.varint() == 1
        let firstUnit = reader.varint(), unitCount = reader.varint()
        let symptoms = (0..<max(0, min(reader.varint(), 1 << 16))).map { _ in reader.varint() }
        return IndexedDocument(kind: kind, path: path, title: title, app: app.isEmpty ? nil : app, url: url,
                               symptomID: symptomID.isEmpty ? nil : symptomID, isBuiltIn: builtIn,
                               firstUnit: firstUnit, unitCount: unitCount, symptoms: symptoms)
    }

    /// The kind and application of a document, without decoding the rest (for filters).
    func documentKindAndApp(_ index: Int) -> (DocumentKind, UnsafeRawBufferPointer) {
        var reader = checked(documentsTable, index)
        let kindIndex = reader.varint()
        _ = reader.slice(); _ = reader.slice()
        let app = reader.slice()
        return (DocumentKind.allCases.indices.contains(kindIndex) ? DocumentKind.allCases[kindIndex] : .runbook, app)
    }

    func documentFirstUnit(_ index: Int) -> Int {
        var reader = checked(documentsTable, index)
        _ = reader.varint()
        for _ in 0..<4 { _ = reader.slice() }
        _ = reader.varint()
        return reader.varint()
    }

    public func unit(_ index: Int) -> IndexedUnit {
        var reader = checked(unitsTable, index)
        let document = reader.varint(), line = reader.varint()
        let sectionIndex = reader.varint()
        let hasSection = sectionIndex > 0
        var section = ""
        if hasSection {
            var titleReader = checked(sectionTitlesTable, sectionIndex - 1)
            section = titleReader.string()
        }
        let storedAnchor = reader.string()
        let anchor = hasSection && storedAnchor.isEmpty ? Slug.make(section) : storedAnchor
        let symptoms = (0..<max(0, min(reader.varint(), 1 << 16))).map { _ in reader.varint() }
        return IndexedUnit(document: document, line: line, section: hasSection ? section : nil,
                           anchor: anchor.isEmpty ? nil : anchor, excerpt: "", symptoms: symptoms)
    }

    /// (df, postings) of a term, by binary search over the sorted term table.
    func lookup(_ term: String, in table: TableView) -> (df: Int, postings: UnsafeRawBufferPointer)? {
        guard var reader = find(term, in: table) else { return nil }
        let df = reader.varint()
        return (df, reader.slice())
    }


    public func symptoms() -> [(id: String, title: String, signatures: [String], hints: [String])] {
        (0..<symptomsTable.count).map { index in
            var reader = checked(symptomsTable, index)
            _ = reader.varint()
            let id = reader.string(), title = reader.string()
            let signatures = (0..<reader.varint()).map { _ in reader.string() }
            let hints = (0..<reader.varint()).map { _ in reader.string() }
            return (id, title, signatures, hints)
        }
    }

    func idList(_ table: TableView, _ index: Int) -> [Int] {
        guard index < table.count else { return [] }
        var reader = checked(table, index)
        var previous = 0
        return (0..<reader.varint()).map { _ in previous += reader.varint(); return previous }
    }

    public func manifest() -> SourceManifest {
        var reader = checked(manifestTable, 0)
        var previous: [UInt8] = []
        let count = min(reader.varint(), reader.bytes.count)
        var entries: [SourceManifest.Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let shared = min(reader.varint(), previous.count)
            let suffix = reader.varint()
            let end = min(reader.offset + max(suffix, 0), reader.bytes.count)
            var path = Array(previous[0..<shared])
            path += UnsafeRawBufferPointer(rebasing: reader.bytes[reader.offset..<end])
            reader.offset = end
            let size = reader.varint(), modified = reader.varint()
            entries.append(SourceManifest.Entry(path: String(decoding: path, as: UTF8.self), size: size, modified: modified))
            previous = path
        }
        return SourceManifest(entries: entries, toolStamp: toolStamp)
    }
}

@inline(__always) func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let common = min(a.count, b.count)
    if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
        let order = memcmp(pa, pb, common)
        if order != 0 { return Int(order) }
    }
    return a.count - b.count
}
