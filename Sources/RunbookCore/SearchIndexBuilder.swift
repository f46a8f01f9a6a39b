import Foundation

/// One document as the search index knows it.
public struct IndexedDocument: Sendable, Equatable {
    public var kind: DocumentKind
    /// Relative to the source folder; `symptoms/<id>.md` for a built-in symptom.
    public var path: String
    public var title: String
    public var app: String?
    /// The page, relative to the site root.
    public var url: String
    public var symptomID: String?
    public var isBuiltIn: Bool
    public var firstUnit: Int
    public var unitCount: Int
    /// Symptoms the document as a whole is about (indices into the symptom list).
    public var symptoms: [Int]
}

/// One search unit: a heading-delimited section of a document (the part before the first
/// heading is a unit too).
public struct IndexedUnit: Sendable, Equatable {
    public var document: Int
    /// File line where the section starts (its heading), or where the body starts.
    public var line: Int
    /// The heading text, or nil for the part before the first heading.
    public var section: String?
    public var anchor: String?
    /// The start of the section's text, for the site's result list.
    public var excerpt: String
    /// Symptoms whose signatures occur in the section's text.
    public var symptoms: [Int]
}

/// What the index holds, before it is written as a file (`SearchIndex+Write`) or as the site's
/// script shards (`SiteSearch`).
public struct SearchIndexContent: Sendable {
    public var documents: [IndexedDocument] = []
    public var units: [IndexedUnit] = []
    /// Sorted by term bytes: term, number of units holding it, postings.
    public var terms = PostingLists()
    /// Document-level fields (title, front matter): term, number of documents, postings.
    public var documentTerms = PostingLists()
    public var symptoms: [(id: String, title: String, signatures: [String], hints: [String])] = []
    /// Per symptom: the document that is its page, if any.
    public var symptomPages: [Int?] = []
    /// Per symptom: documents about it as a whole (front matter, or the symptom's own page).
    public var symptomDocuments: [[Int]] = []
    /// Per symptom: units whose text shows it.
    public var symptomUnits: [[Int]] = []
    public var manifest: SourceManifest = SourceManifest()
    /// The matcher for the symptoms, as stored (`SymptomMatcher.encodedTables`).
    var matcherFirstParts: [[UInt8]] = []
    /// The matcher itself, for the site's copy (compiled, so the page does not tokenize).
    var matcher: SymptomMatcher?
    var matcherSignatures: [[UInt8]] = []
}

/// Builds the index from the model: sections → tokens → weighted term frequencies →
/// BM25 impacts quantised to a byte, plus phrase positions.
///
/// A unit posting is: unit delta (varint), one byte holding the impact (high 6 bits, 1–63) and
/// the number of stored positions (low 2 bits, 0–3), then the position deltas (varints).
/// Compounds store no positions: phrases run over parts. A document posting is: document
/// delta (varint), impact (1 byte, 1–255).
public enum SearchIndexBuilder {
    /// Field weights (BM25F): where a word appears says how much it is about the section.
    public static let titleWeight = 3.0
    public static let symptomsWeight = 2.5
    public static let headingWeight = 2.0
    public static let summaryWeight = 1.5
    public static let codeWeight = 1.2
    public static let bodyWeight = 1.0
    public static let tagWeight = 1.0
    /// BM25 saturation and length normalisation.
    public static let k1 = 1.2
    public static let b = 0.75
    /// Positions kept per part and unit, for the phrase and proximity boost (two bits hold it).
    public static let storedPositions = 3
    /// Chunks of documents per core for analysis: one, so that the fewest term tables are made
    /// and merged (the site build renders pages beside it, which keeps the cores busy anyway).
    static let analysisChunksPerCore = 1
    /// Characters of section text kept for the site's result list.
    static let excerptLength = 140
    /// Levels of a unit posting's impact (6 bits) and of a document posting's (8 bits).
    public static let impactScale = 63.0
    public static let documentImpactScale = 255.0
    static let positionCountBits: UInt8 = 2

    public static func quantise(_ tfw: Double, length: Int, averageLength: Double, levels: Double = impactScale) -> UInt8 {
        let norm = 1 - b + b * Double(length) / max(averageLength, 1)
        let saturated = tfw / (tfw + k1 * norm)  // 0..<1: BM25's tf part divided by (k1 + 1)
        return UInt8(max(1, min(levels, (saturated * levels).rounded())))
    }

    // MARK: - Per document

    struct UnitResult {
        var line: Int
        var section: String?
        var anchor: String?
        var excerpt: String
        var length: Int
        /// The unit's distinct terms in its chunk's `UnitTerms`, and where its positions start.
        var terms: Range<Int>
        var firstPosition: Int
        var symptoms: [Int]
    }

    /// The terms of all the units of one chunk, flattened (four arrays per chunk instead of
    /// four per unit: 200,000 units at 10,000 documents).
    struct UnitTerms {
        /// Distinct terms of each unit (the chunk's interned ids), their field-weighted
        /// frequencies, and their first positions (`positionCounts[i]` of them, flattened).
        var termIDs: [Int32] = []
        var weights: [Double] = []
        var positionCounts: [UInt8] = []
        var positions: [Int32] = []

        /// Room reserved per document: a large reservation is only address space until it is
        /// written (the allocator maps it), while growing by doubling copies everything into
        /// fresh pages each time. Most documents need less; a bigger one makes the arrays grow.
        static let reservedTermsPerDocument = 1024
        static let reservedPositionsPerDocument = 1536

        mutating func reserve(documents: Int) {
            termIDs.reserveCapacity(documents * Self.reservedTermsPerDocument)
            weights.reserveCapacity(documents * Self.reservedTermsPerDocument)
            positionCounts.reserveCapacity(documents * Self.reservedTermsPerDocument)
            positions.reserveCapacity(documents * Self.reservedPositionsPerDocument)
        }
    }

    /// What one thread analysed: its documents, their units' terms, and the terms its ids stand for.
    struct ChunkResult {
        var documents: [DocumentResult]
        var unitTerms: UnitTerms
        var terms: [String]
        /// The chunk's interner: the first chunk's goes on as the index-wide one.
        var interner: TermInterner
    }

    /// Takes a unit's words from the tokenizer: interns them and adds them to the unit's buffers.
    struct UnitSink: ErrorTokenizer.Sink {
        let interner: TermInterner
        let scratch: UnitScratch
        let weight: Double

        @inline(__always) mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, position at: Int, isCompound: Bool, range: Range<Int>) {
            let id = interner.intern(bytes)
            if !isCompound {
                if interner.startsPiece(id) { scratch.pieceStarts.append(Int32(scratch.parts.count)) }
                scratch.parts.append(Int32(id))
            }
            let slot = scratch.weigh(id, by: weight)
            let count = Int(slot.pointee.positionCount)
            if !isCompound, count < storedPositions {
                withUnsafeMutableBytes(of: &slot.pointee.positions) { $0.storeBytes(of: Int32(at), toByteOffset: count * 4, as: Int32.self) }
                slot.pointee.positionCount = UInt8(count + 1)
            }
        }
    }

    /// Takes the words of a document's title and front matter: their weights go in the unit
    /// slots (no dictionary per document), and the parts count towards the document's length.
    struct DocumentSink: ErrorTokenizer.Sink {
        let interner: TermInterner
        let scratch: UnitScratch
        var weight = 0.0
        var length = 0

        @inline(__always) mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, position: Int, isCompound: Bool, range: Range<Int>) {
            scratch.weigh(interner.intern(bytes), by: weight)
            if !isCompound { length += 1 }
        }
    }

    /// Per-thread buffers for one unit, indexed by interned id (raw memory: they are touched
    /// once per word of the corpus, by one thread, hence no run-time exclusivity check).
    final class UnitScratch {
        /// A term's weighted frequency and first positions in the unit, in one place.
        struct Slot {
            var weight: Double = 0
            var positions: (Int32, Int32, Int32) = (0, 0, 0)  // `storedPositions` of them
            var positionCount: UInt8 = 0

            func position(_ k: Int) -> Int32 {
                withUnsafeBytes(of: positions) { $0.load(fromByteOffset: k * 4, as: Int32.self) }
            }
        }

        @exclusivity(unchecked) private(set) var capacity = 0
        @exclusivity(unchecked) var slots = UnsafeMutablePointer<Slot>.allocate(capacity: 1)
        @exclusivity(unchecked) var touched: [Int32] = []
        /// The unit's parts in order (interned ids), for the symptom matcher.
        @exclusivity(unchecked) var parts: [Int32] = []
        /// Positions in `parts` whose term starts a symptom signature's piece.
        @exclusivity(unchecked) var pieceStarts: [Int32] = []
        /// Front matter `symptoms:` text → the symptom it shows, if any (`nil` inside: none).
        @exclusivity(unchecked) var symptomOfText: [String: Int?] = [:]
        /// The symptom matcher's occurrences in the unit (`HashedMatcher.strongSymptoms`).
        @exclusivity(unchecked) var found: [Int] = []

        deinit { slots.deallocate() }

        /// Adds `weight` to term `id`'s slot (noting the term as touched the first time) and
        /// returns the slot.
        @discardableResult
        @inline(__always) func weigh(_ id: Int, by weight: Double) -> UnsafeMutablePointer<Slot> {
            reserve(id + 1)
            let slot = slots + id
            if slot.pointee.weight == 0 { touched.append(Int32(id)) }
            slot.pointee.weight += weight
            return slot
        }

        @inline(__always) func reserve(_ count: Int) {
            guard count > capacity else { return }
            let newCapacity = max(count, capacity * 2, 4096)
            let grown = UnsafeMutablePointer<Slot>.allocate(capacity: newCapacity)
            grown.initialize(repeating: Slot(), count: newCapacity)
            if capacity > 0 { grown.update(from: slots, count: capacity) }
            slots.deallocate()
            slots = grown
            capacity = newCapacity
        }
    }

    struct DocumentResult {
        var units: [UnitResult]
        var length: Int
        /// Document-level terms (the chunk's interned ids) and their weighted frequencies.
        var terms: [(id: Int32, weight: Double)]
        var symptoms: [Int]
    }

    /// A run of text in a section and the field it belongs to.
    struct Run {
        var text: String
        var weight: Double
        /// Whether the text may open the section's excerpt (a table's header row may not).
        var inExcerpt = true
    }

    /// A document's body as sections of runs: all the runs in one array, each section a range
    /// of it (two arrays per document rather than one per section).
    struct Sections {
        var runs: [Run] = []
        var sections: [(line: Int, heading: Heading?, runs: Range<Int>)] = []
    }

    /// Splits a document's body into sections, each a range of runs.
    static func sections(of document: Document) -> Sections {
        var walker = SectionWalker(headings: document.headings, bodyLineOffset: document.bodyLineOffset)
        withUnsafePointer(to: document.body) { walker.visitChildren(of: $0) }
        var starts = walker.starts
        // The part before the first heading is dropped when it is empty (or only the title H1).
        if starts.count > 1, walker.runs[starts[0].firstRun..<starts[1].firstRun].allSatisfy({ $0.text.isEmpty }) { starts.removeFirst() }
        var out = Sections(runs: walker.runs)
        out.sections = starts.indices.map { index in
            (starts[index].line, starts[index].heading,
             starts[index].firstRun..<(index + 1 < starts.count ? starts[index + 1].firstRun : walker.runs.count))
        }
        return out
    }

    /// Walks a body tree in place: nodes are read through pointers, not copied (a copy of a
    /// node retains every field, and the walk visits every node of every document), and the
    /// state is the walker's own, not variables captured by nested functions (whose every
    /// access is checked for exclusivity at run time).
    private struct SectionWalker {
        let headings: [Heading]
        let bodyLineOffset: Int
        var headingIndex = 0
        var runs: [Run] = []
        /// Each section's line, heading and first run.
        var starts: [(line: Int, heading: Heading?, firstRun: Int)]

        init(headings: [Heading], bodyLineOffset: Int) {
            self.headings = headings
            self.bodyLineOffset = bodyLineOffset
            starts = [(bodyLineOffset + 1, nil, 0)]
        }

        mutating func visitChildren(of node: UnsafePointer<MarkdownNode>) {
            node.pointee.children.withUnsafeBufferPointer { children in
                guard let first = children.baseAddress else { return }
                for index in children.indices { visit(first + index) }
            }
        }

        mutating func visit(_ node: UnsafePointer<MarkdownNode>) {
            switch node.pointee.kind {
            case .heading:
                let heading = headingIndex < headings.count ? headings[headingIndex] : nil
                headingIndex += 1
                starts.append((heading?.line ?? node.pointee.line + bodyLineOffset, heading, runs.count))
                runs.append(Run(text: node.pointee.plainText, weight: headingWeight))
            case .codeBlock(_, let literal):
                runs.append(Run(text: literal, weight: codeWeight))
            case .code(let text):
                runs.append(Run(text: text, weight: codeWeight))
            case .text(let text):
                runs.append(Run(text: text, weight: bodyWeight))
            case .htmlBlock, .htmlInline:
                break
            case .tableRow(isHeader: true):
                let before = runs.count
                visitChildren(of: node)
                for index in before..<runs.count { runs[index].inExcerpt = false }
            case .paragraph, .item, .tableCell:
                visitChildren(of: node)
                // A block boundary: phrases do not run across it.
                runs.append(Run(text: "", weight: 0))
            default:
                visitChildren(of: node)
            }
        }
    }

    static func analyse(_ document: Document, matcher: HashedMatcher, symptomIndex: [String: Int],
                        interner: TermInterner, scratch: UnitScratch, into flat: inout UnitTerms) -> DocumentResult {
        var units: [UnitResult] = []
        let body = sections(of: document)
        for section in body.sections {
            var position = 0
            var excerpt: [UInt8] = []
            scratch.touched.removeAll(keepingCapacity: true)
            scratch.parts.removeAll(keepingCapacity: true)
            scratch.pieceStarts.removeAll(keepingCapacity: true)
            for run in body.runs[section.runs] {
                if run.text.isEmpty { position += 1; continue }
                if run.weight != headingWeight, run.inExcerpt, excerpt.count < excerptLength {
                    // Bytes, line breaks as spaces; only the head of a run can reach the excerpt.
                    if !excerpt.isEmpty { excerpt.append(0x20) }
                    let from = excerpt.count
                    var text = run.text
                    text.withUTF8 { excerpt += UnsafeBufferPointer(rebasing: $0.prefix(excerptLength * 2)) }
                    excerpt.withUnsafeMutableBufferPointer { bytes in
                        for i in from..<bytes.count where bytes[i] == 0x0A || bytes[i] == 0x0D { bytes[i] = 0x20 }
                    }
                }
                var text = run.text
                var sink = UnitSink(interner: interner, scratch: scratch, weight: run.weight)
                position = text.withUTF8 { bytes in
                    ErrorTokenizer.scan(bytes, firstPosition: position, into: &sink)
                } + 1
            }
            var excerptText: String
            if excerpt.count > excerptLength {
                // Cut at a character boundary.
                var cut = excerptLength
                while cut > 0, excerpt[cut] & 0xC0 == 0x80 { cut -= 1 }
                excerptText = String(decoding: excerpt[..<cut], as: UTF8.self) + "…"
            } else {
                excerptText = String(decoding: excerpt, as: UTF8.self)
            }
            let firstTerm = flat.termIDs.count, firstPosition = flat.positions.count
            for id32 in scratch.touched {
                let id = Int(id32)
                let slot = scratch.slots[id]
                let count = Int(slot.positionCount)
                flat.termIDs.append(id32)
                flat.weights.append(slot.weight)
                flat.positionCounts.append(UInt8(count))
                for k in 0..<count { flat.positions.append(slot.position(k)) }
                scratch.slots[id] = UnitScratch.Slot()
            }
            units.append(UnitResult(line: section.line, section: section.heading?.text, anchor: section.heading?.id, excerpt: excerptText,
                                    length: scratch.parts.count, terms: firstTerm..<flat.termIDs.count, firstPosition: firstPosition,
                                    symptoms: matcher.strongSymptoms(parts: scratch.parts, starts: scratch.pieceStarts, interner: interner, found: &scratch.found)
                                        .compactMap { symptomIndex[matcher.matcher.ids[$0]] }.sorted()))
        }

        // Document-level fields, weighed in the unit slots (free again by now).
        scratch.touched.removeAll(keepingCapacity: true)
        var fields = DocumentSink(interner: interner, scratch: scratch)
        func add(_ text: String, weight: Double) {
            var text = text
            fields.weight = weight
            text.withUTF8 { bytes in _ = ErrorTokenizer.scan(bytes, into: &fields) }
        }
        let meta = document.meta
        add(document.title, weight: titleWeight)
        for symptom in meta.symptoms { add(symptom.value, weight: symptomsWeight) }
        for signature in meta.signatures { add(signature.value, weight: symptomsWeight) }
        if let summary = meta.summary { add(summary, weight: summaryWeight) }
        for tag in meta.tags + meta.alerts.map(\.value) { add(tag, weight: tagWeight) }
        if let app = document.app { add(app, weight: tagWeight) }
        let length = fields.length
        let docTerms = scratch.touched.sorted().map { id -> (id: Int32, weight: Double) in
            let weight = scratch.slots[Int(id)].weight
            scratch.slots[Int(id)] = UnitScratch.Slot()
            return (id, weight)
        }

        var symptoms = Set<Int>()
        if let own = document.symptomID, let index = symptomIndex[own] { symptoms.insert(index) }
        for entry in meta.symptoms {
            if let index = symptomIndex[entry.value.trimmed().lowercased()] {
                symptoms.insert(index)
            } else if let detected = scratch.symptomOfText[entry.value] {
                if let detected { symptoms.insert(detected) }
            } else {
                // Teams repeat the same error lines across documents: each is matched once per thread.
                let best = matcher.matcher.detect(entry.value).first(where: \.strong).flatMap { symptomIndex[$0.id] }
                scratch.symptomOfText[entry.value] = .some(best)
                if let best { symptoms.insert(best) }
            }
        }
        return DocumentResult(units: units, length: length, terms: docTerms, symptoms: symptoms.sorted())
    }

    // MARK: - Whole index

    /// Whether a document belongs in the index. Drills do not: they are staged outages whose
    /// briefs quote the same errors as the real runbooks, and a responder searching an error
    /// mid-drill should land on what a real incident offers, not on the drill.
    public static func indexes(_ document: Document) -> Bool { document.kind != .drill }

    /// `urls[i]` is the page of `documents[i]` relative to the site root.
    public static func build(documents: [Document], urls: [String], manifest: SourceManifest) -> SearchIndexContent {
        let matcher = SymptomBase.matcher(for: documents)
        var symptomIndex: [String: Int] = [:]
        for (index, id) in matcher.ids.enumerated() { symptomIndex[id] = index }
        let symptomDocument = Dictionary(documents.compactMap { document in document.symptomID.map { ($0, document) } },
                                         uniquingKeysWith: { first, _ in first })

        // Analysis in chunks (`analysisChunksPerCore`), each with its own interner (one String per
        // distinct term and chunk, not per occurrence); ids are then mapped to global ones.
        let hashed = HashedMatcher(matcher)
        let pieceLists = hashed.pieceListOfHash
        let chunkCount = max(1, min(documents.count, ProcessInfo.processInfo.activeProcessorCount * analysisChunksPerCore))
        let chunkSize = (documents.count + chunkCount - 1) / max(chunkCount, 1)
        let ranges = stride(from: 0, to: documents.count, by: max(chunkSize, 1)).map { $0..<min($0 + chunkSize, documents.count) }
        let chunks: [ChunkResult] = ranges.parallelMap { range in
            let interner = TermInterner(pieceListOfHash: pieceLists)
            let scratch = UnitScratch()
            var flat = UnitTerms()
            flat.reserve(documents: range.count)
            let analysed = range.map {
                analyse(documents[$0], matcher: hashed, symptomIndex: symptomIndex, interner: interner, scratch: scratch, into: &flat)
            }
            return ChunkResult(documents: analysed, unitTerms: flat, terms: interner.strings, interner: interner)
        }
        let results = chunks.flatMap(\.documents)
        // Global term ids: the first chunk's interner goes on as the index-wide one (its ids stay
        // as they are), and the other chunks' terms are added to it through the same byte-keyed
        // table (no String hashing; a String only for a term the first chunk did not have).
        let global = chunks.first?.interner ?? TermInterner()
        let localToGlobal: [[Int32]] = chunks.enumerated().map { index, chunk in
            if index == 0 { return (0..<Int32(chunk.terms.count)).map { $0 } }
            return chunk.terms.map { term in
                var term = term
                return Int32(term.withUTF8 { global.intern($0) })
            }
        }
        let globalTerms = global.strings
        var chunkOfDocument: [Int] = []
        for (index, chunk) in chunks.enumerated() { chunkOfDocument += Array(repeating: index, count: chunk.documents.count) }

        var content = SearchIndexContent()
        content.manifest = manifest
        content.symptoms = matcher.ids.map { id in
            let document = symptomDocument[id]
            return (id, document?.title ?? id, document?.meta.signatures.map(\.value) ?? [], document?.meta.hints.map(\.value) ?? [])
        }
        var pageOf: [String: Int] = [:]
        for (index, document) in documents.enumerated() {
            if let id = document.symptomID, pageOf[id] == nil { pageOf[id] = index }
        }
        content.symptomPages = matcher.ids.map { pageOf[$0] }
        (content.matcherFirstParts, content.matcherSignatures) = matcher.encodedTables()
        content.matcher = matcher
        content.symptomDocuments = Array(repeating: [], count: matcher.ids.count)
        content.symptomUnits = Array(repeating: [], count: matcher.ids.count)

        var unitLengthSum = 0, documentLengthSum = 0
        for (index, (document, result)) in zip(documents, results).enumerated() {
            content.documents.append(IndexedDocument(
                kind: document.kind, path: document.path, title: document.title, app: document.app, url: urls[index],
                symptomID: document.symptomID, isBuiltIn: document.isBuiltIn, firstUnit: content.units.count,
                unitCount: result.units.count, symptoms: result.symptoms))
            for symptom in result.symptoms { content.symptomDocuments[symptom].append(index) }
            for unit in result.units {
                for symptom in unit.symptoms { content.symptomUnits[symptom].append(content.units.count) }
                content.units.append(IndexedUnit(document: index, line: unit.line, section: unit.section, anchor: unit.anchor,
                                                 excerpt: unit.excerpt, symptoms: unit.symptoms))
                unitLengthSum += unit.length
            }
            documentLengthSum += result.length
        }
        let averageUnit = Double(unitLengthSum) / Double(max(content.units.count, 1))
        let averageDocument = Double(documentLengthSum) / Double(max(documents.count, 1))

        // Unit postings: each chunk writes the lists of its own terms (local ids, its own units),
        // on every core; a term's list is then its chunks' pieces joined in order.
        let termCount = globalTerms.count
        var unitBase: [Int] = [0]
        for chunk in chunks { unitBase.append(unitBase[unitBase.count - 1] + chunk.documents.reduce(0) { $0 + $1.units.count }) }
        let pieces: [ChunkPostings] = Array(chunks.indices).parallelMap { index in
            ChunkPostings(chunks[index], firstUnit: unitBase[index], averageUnitLength: averageUnit)
        }
        let globalToLocal: [[Int32]] = localToGlobal.map { mapping in
            var inverse = [Int32](repeating: -1, count: termCount)
            for (local, global) in mapping.enumerated() { inverse[Int(global)] = Int32(local) }
            return inverse
        }
        var documentFrequency = [Int](repeating: 0, count: termCount)
        for (chunk, mapping) in localToGlobal.enumerated() {
            for (local, global) in mapping.enumerated() { documentFrequency[Int(global)] += Int(pieces[chunk].terms[local].unitCount) }
        }
        // Byte order (the index's binary search compares bytes), on the interner's own copy of
        // the bytes (one arena; nothing is interned from here on); the two halves sort on two
        // cores and are merged. Each term's first 8 bytes as a number (big-endian, zero-padded,
        // which keeps byte order) decide most comparisons without touching the bytes.
        let prefixes: [UInt64] = (0..<termCount).map { id in
            var key: UInt64 = 0
            let bytes = global.bytes(id)
            for index in 0..<8 { key = key << 8 | UInt64(index < bytes.count ? bytes[index] : 0) }
            return key
        }
        func precedes(_ a: Int, _ b: Int) -> Bool {
            prefixes[a] != prefixes[b] ? prefixes[a] < prefixes[b] : compareBytes(global.bytes(a), global.bytes(b)) < 0
        }
        let middle = termCount / 2
        let halves = [0..<middle, middle..<termCount].parallelMap { range in Array(range).sorted(by: precedes) }
        var order: [Int] = []
        order.reserveCapacity(termCount)
        var left = 0, right = 0
        while left < halves[0].count || right < halves[1].count {
            if right >= halves[1].count || (left < halves[0].count && precedes(halves[0][left], halves[1][right])) {
                order.append(halves[0][left]); left += 1
            } else {
                order.append(halves[1][right]); right += 1
            }
        }
        // Terms only in titles and front matter have document postings, not unit ones. Each
        // half of the list is measured, then joined, on its own core, into its part of one
        // buffer (30 MB at 10,000 documents: not copied again to put the halves together).
        let listed = order.filter { documentFrequency[$0] > 0 }
        let halfway = listed.count / 2
        let listHalves = [listed[..<halfway], listed[halfway...]]
        let halfEnds = listHalves.parallelMap { ids in ChunkPostings.measure(pieces, terms: ids, locals: globalToLocal) }
        let firstHalfSize = halfEnds[0].last ?? 0, totalSize = firstHalfSize + (halfEnds[1].last ?? 0)
        let halfRanges = [0..<firstHalfSize, firstHalfSize..<totalSize]
        let postingBytes = [UInt8](unsafeUninitializedCapacity: totalSize) { out, initialized in
            let buffer = out
            _ = Array(listHalves.indices).parallelMap { half in
                ChunkPostings.write(pieces, terms: listHalves[half], locals: globalToLocal,
                                    into: UnsafeMutableBufferPointer(rebasing: buffer[halfRanges[half]]))
            }
            initialized = totalSize
        }
        var ends = halfEnds[0]
        ends += halfEnds[1].map { $0 + firstHalfSize }
        // The terms' bytes straight from the interner's arena (no String per term).
        var termBytes: [UInt8] = []
        termBytes.reserveCapacity(listed.reduce(0) { $0 + global.bytes($1).count })
        var termEnds: [Int] = []
        termEnds.reserveCapacity(listed.count)
        for id in listed {
            termBytes += global.bytes(id)
            termEnds.append(termBytes.count)
        }
        content.terms = PostingLists(termBytes: termBytes, termEnds: termEnds, documentFrequencies: listed.map { documentFrequency[$0] },
                                     bytes: postingBytes, ends: ends)

        var listOfTerm = [Int](repeating: -1, count: termCount)
        var documentLists: [(term: String, df: Int, last: Int, writer: ByteWriter)] = []
        for (index, result) in results.enumerated() {
            let mapping = localToGlobal[chunkOfDocument[index]]
            for (local, weight) in result.terms {
                let global = Int(mapping[Int(local)])
                var id = listOfTerm[global]
                if id < 0 {
                    id = documentLists.count
                    listOfTerm[global] = id
                    documentLists.append((globalTerms[global], 0, 0, ByteWriter()))
                }
                documentLists[id].writer.varint(index - documentLists[id].last)
                documentLists[id].writer.bytes.append(quantise(weight, length: result.length, averageLength: averageDocument,
                                                               levels: documentImpactScale))
                documentLists[id].df += 1
                documentLists[id].last = index
            }
        }
        for list in documentLists.sorted(by: { $0.term.utf8.lexicographicallyPrecedes($1.term.utf8) }) {
            content.documentTerms.append(list.term, documentFrequency: list.df, postings: list.writer.bytes)
        }
        return content
    }
}

/// The unit postings of one analysis chunk, by the chunk's term ids, in one buffer. A term's
/// piece holds its postings in the index's format except the first unit's delta, which depends
/// on the chunks before it: `join` writes it when the pieces are put together.
struct ChunkPostings {
    var bytes: [UInt8]
    /// Term `l`'s piece is `bytes[bounds[l]..<bounds[l + 1]]`.
    var bounds: [Int]
    /// Per term: what the passes over the postings keep, in one place (a posting touches one
    /// cache line of it, not one per array).
    struct TermState {
        /// While measuring: the piece's size; while writing: where its next posting goes.
        var cursor = 0
        var firstUnit: Int32 = -1
        var lastUnit: Int32 = -1
        var unitCount: Int32 = 0
        /// While writing: the last unit written.
        var lastWritten: Int32 = -1
    }
    var terms: [TermState]

    /// Measures every piece, then writes them (nothing grows or is copied).
    init(_ chunk: SearchIndexBuilder.ChunkResult, firstUnit: Int, averageUnitLength: Double) {
        let termCount = chunk.terms.count
        var states = [TermState](repeating: TermState(), count: termCount)
        let flat = chunk.unitTerms
        var bounds = [Int](repeating: 0, count: termCount + 1)
        var bytes: [UInt8] = []
        states.withUnsafeMutableBufferPointer { states in
            // First pass: sizes.
            Self.forEachPosting(chunk, firstUnit: firstUnit) { unit, _, k, firstPosition in
                let state = states.baseAddress! + Int(flat.termIDs[k])
                var size = 1
                if state.pointee.lastUnit >= 0 {
                    size += ByteWriter.varintLength(unit - Int(state.pointee.lastUnit))
                } else {
                    state.pointee.firstUnit = Int32(unit)
                }
                var previous: Int32 = 0
                for p in firstPosition..<(firstPosition + Int(flat.positionCounts[k])) {
                    size += ByteWriter.varintLength(Int(flat.positions[p] - previous))
                    previous = flat.positions[p]
                }
                state.pointee.cursor += size
                state.pointee.lastUnit = Int32(unit)
                state.pointee.unitCount += 1
            }
            for local in 0..<termCount {
                bounds[local + 1] = bounds[local] + states[local].cursor
                states[local].cursor = bounds[local]
            }
            // Second pass: bytes.
            bytes = [UInt8](repeating: 0, count: bounds[termCount])
            bytes.withUnsafeMutableBufferPointer { out in
                Self.forEachPosting(chunk, firstUnit: firstUnit) { unit, unitLength, k, firstPosition in
                    let state = states.baseAddress! + Int(flat.termIDs[k])
                    let count = Int(flat.positionCounts[k])
                    var cursor = state.pointee.cursor
                    if state.pointee.lastWritten >= 0 { ByteWriter.varint(unit - Int(state.pointee.lastWritten), into: out, at: &cursor) }
                    let impact = SearchIndexBuilder.quantise(flat.weights[k], length: unitLength, averageLength: averageUnitLength)
                    out[cursor] = impact << SearchIndexBuilder.positionCountBits | UInt8(count)
                    cursor += 1
                    var previous: Int32 = 0
                    for p in firstPosition..<(firstPosition + count) {
                        ByteWriter.varint(Int(flat.positions[p] - previous), into: out, at: &cursor)
                        previous = flat.positions[p]
                    }
                    state.pointee.cursor = cursor
                    state.pointee.lastWritten = Int32(unit)
                }
            }
        }
        self.bytes = bytes
        self.bounds = bounds
        self.terms = states
    }

    /// Calls `body(unit, unitLength, k, firstPosition)` for every posting of the chunk in unit order: `k`
    /// indexes the chunk's `UnitTerms`, whose `positions` hold the posting's positions from
    /// `firstPosition` on.
    @inline(__always)
    private static func forEachPosting(_ chunk: SearchIndexBuilder.ChunkResult, firstUnit: Int,
                                       _ body: (_ unit: Int, _ unitLength: Int, _ k: Int, _ firstPosition: Int) -> Void) {
        var unit = firstUnit
        for document in chunk.documents {
            for unitResult in document.units {
                var positionCursor = unitResult.firstPosition
                for k in unitResult.terms {
                    body(unit, unitResult.length, k, positionCursor)
                    positionCursor += Int(chunk.unitTerms.positionCounts[k])
                }
                unit += 1
            }
        }
    }

    /// Where each of `terms`' whole lists ends, counted from the first one's start: a term's
    /// list is each chunk's piece in order, with its first unit's delta.
    static func measure(_ pieces: [ChunkPostings], terms: ArraySlice<Int>, locals: [[Int32]]) -> [Int] {
        var ends: [Int] = []
        ends.reserveCapacity(terms.count)
        var size = 0
        for term in terms {
            var last = 0
            for (chunk, piece) in pieces.enumerated() {
                let local = Int(locals[chunk][term])
                guard local >= 0, piece.terms[local].unitCount > 0 else { continue }  // only in titles and front matter
                size += ByteWriter.varintLength(Int(piece.terms[local].firstUnit) - last) + piece.bounds[local + 1] - piece.bounds[local]
                last = Int(piece.terms[local].lastUnit)
            }
            ends.append(size)
        }
        return ends
    }

    /// Writes `terms`' whole lists one after the other into `out`, which `measure` sized.
    static func write(_ pieces: [ChunkPostings], terms: ArraySlice<Int>, locals: [[Int32]], into out: UnsafeMutableBufferPointer<UInt8>) {
        var cursor = 0
        for term in terms {
            var last = 0
            for (chunk, piece) in pieces.enumerated() {
                let local = Int(locals[chunk][term])
                guard local >= 0, piece.terms[local].unitCount > 0 else { continue }
                ByteWriter.varint(Int(piece.terms[local].firstUnit) - last, into: out, at: &cursor)
                let from = piece.bounds[local], count = piece.bounds[local + 1] - from
                piece.bytes.withUnsafeBufferPointer { source in
                    _ = UnsafeMutableBufferPointer(rebasing: out[cursor..<(cursor + count)])
                        .initialize(from: UnsafeBufferPointer(rebasing: source[from..<(from + count)]))
                }
                cursor += count
                last = Int(piece.terms[local].lastUnit)
            }
        }
        precondition(cursor == out.count, "posting lists: written and measured sizes differ")
    }
}
