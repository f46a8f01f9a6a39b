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
    public var terms: [(term: String, df: Int, postings: [UInt8])] = []
    /// Document-level fields (title, front matter): term, number of documents, postings.
    public var documentTerms: [(term: String, df: Int, postings: [UInt8])] = []
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
    /// Chunks of documents per core for analysis: enough to balance the cores, few enough that
    /// merging the chunks' term tables stays cheap.
    static let analysisChunksPerCore = 4
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
        /// Distinct terms (the chunk's interned ids), their field-weighted frequencies, and
        /// their first positions (`positionCounts[i]` of them, flattened).
        var termIDs: [Int32]
        var weights: [Double]
        var positionCounts: [UInt8]
        var positions: [Int32]
        var symptoms: [Int]
    }

    /// What one thread analysed: its documents, and the terms its ids stand for.
    struct ChunkResult {
        var documents: [DocumentResult]
        var terms: [String]
    }

    /// Takes a unit's words from the tokenizer: interns them and adds them to the unit's buffers.
    struct UnitSink: ErrorTokenizer.Sink {
        let interner: TermInterner
        let scratch: UnitScratch
        var parts: [Int32]
        let weight: Double

        @inline(__always) mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, position at: Int, isCompound: Bool, range: Range<Int>) {
            let id = interner.intern(bytes)
            if !isCompound { parts.append(Int32(id)) }
            scratch.reserve(id + 1)
            if scratch.weight[id] == 0 { scratch.touched.append(Int32(id)) }
            scratch.weight[id] += weight
            let count = Int(scratch.positionCount[id])
            if !isCompound, count < storedPositions {
                scratch.positions[id * storedPositions + count] = Int32(at)
                scratch.positionCount[id] = UInt8(count + 1)
            }
        }
    }

    /// Per-thread buffers for one unit, indexed by interned id (raw memory: they are touched
    /// once per word of the corpus).
    final class UnitScratch {
        private(set) var capacity = 0
        var weight = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        var positionCount = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        var positions = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        var touched: [Int32] = []

        deinit {
            weight.deallocate()
            positionCount.deallocate()
            positions.deallocate()
        }

        @inline(__always) func reserve(_ count: Int) {
            guard count > capacity else { return }
            let newCapacity = max(count, capacity * 2, 4096)
            let newWeight = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
            let newCounts = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            let newPositions = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity * storedPositions)
            newWeight.initialize(repeating: 0, count: newCapacity)
            newCounts.initialize(repeating: 0, count: newCapacity)
            newPositions.initialize(repeating: 0, count: newCapacity * storedPositions)
            if capacity > 0 {
                newWeight.update(from: weight, count: capacity)
                newCounts.update(from: positionCount, count: capacity)
                newPositions.update(from: positions, count: capacity * storedPositions)
            }
            weight.deallocate()
            positionCount.deallocate()
            positions.deallocate()
            weight = newWeight
            positionCount = newCounts
            positions = newPositions
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

    /// Splits a document's body into sections, each a list of runs.
    static func sections(of document: Document) -> [(line: Int, heading: Heading?, runs: [Run])] {
        var out: [(line: Int, heading: Heading?, runs: [Run])] = [(document.bodyLineOffset + 1, nil, [])]
        var headingIndex = 0
        func visit(_ node: MarkdownNode) {
            switch node.kind {
            case .heading:
                let heading = headingIndex < document.headings.count ? document.headings[headingIndex] : nil
                headingIndex += 1
                out.append((heading?.line ?? node.line + document.bodyLineOffset, heading, [Run(text: node.plainText, weight: headingWeight)]))
            case .codeBlock(_, let literal):
                out[out.count - 1].runs.append(Run(text: literal, weight: codeWeight))
            case .code(let text):
                out[out.count - 1].runs.append(Run(text: text, weight: codeWeight))
            case .text(let text):
                out[out.count - 1].runs.append(Run(text: text, weight: bodyWeight))
            case .htmlBlock, .htmlInline:
                break
            case .tableRow(isHeader: true):
                let before = out[out.count - 1].runs.count
                for child in node.children { visit(child) }
                for index in before..<out[out.count - 1].runs.count { out[out.count - 1].runs[index].inExcerpt = false }
            case .paragraph, .item, .tableCell:
                for child in node.children { visit(child) }
                // A block boundary: phrases do not run across it.
                out[out.count - 1].runs.append(Run(text: "", weight: 0))
            default:
                for child in node.children { visit(child) }
            }
        }
        for child in document.body.children { visit(child) }
        // The part before the first heading is dropped when it is empty (or only the title H1).
        if out.count > 1, out[0].runs.allSatisfy({ $0.text.isEmpty }) { out.removeFirst() }
        return out
    }

    static func analyse(_ document: Document, matcher: HashedMatcher, symptomIndex: [String: Int],
                        interner: TermInterner, scratch: UnitScratch) -> DocumentResult {
        var units: [UnitResult] = []
        for section in sections(of: document) {
            var parts: [Int32] = []
            var position = 0
            var excerpt: [UInt8] = []
            scratch.touched.removeAll(keepingCapacity: true)
            for run in section.runs {
                if run.text.isEmpty { position += 1; continue }
                if run.weight != headingWeight, run.inExcerpt, excerpt.count < excerptLength {
                    // Bytes, line breaks as spaces; only the head of a run can reach the excerpt.
                    if !excerpt.isEmpty { excerpt.append(0x20) }
                    for byte in run.text.utf8.prefix(excerptLength * 2) { excerpt.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte) }
                }
                var text = run.text
                var sink = UnitSink(interner: interner, scratch: scratch, parts: parts, weight: run.weight)
                parts = []
                position = text.withUTF8 { bytes in
                    ErrorTokenizer.scan(bytes, firstPosition: position, into: &sink)
                } + 1
                parts = sink.parts
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
            var unit = UnitResult(line: section.line, section: section.heading?.text, anchor: section.heading?.id, excerpt: excerptText,
                                  length: parts.count, termIDs: [], weights: [], positionCounts: [], positions: [],
                                  symptoms: matcher.strongSymptoms(parts: parts, interner: interner).compactMap { symptomIndex[$0] }.sorted())
            unit.termIDs.reserveCapacity(scratch.touched.count)
            unit.weights.reserveCapacity(scratch.touched.count)
            unit.positionCounts.reserveCapacity(scratch.touched.count)
            for id32 in scratch.touched {
                let id = Int(id32)
                let count = Int(scratch.positionCount[id])
                unit.termIDs.append(id32)
                unit.weights.append(scratch.weight[id])
                unit.positionCounts.append(UInt8(count))
                for k in 0..<count { unit.positions.append(scratch.positions[id * storedPositions + k]) }
                scratch.weight[id] = 0
                scratch.positionCount[id] = 0
            }
            units.append(unit)
        }

        // Document-level fields.
        var docTerms: [Int: Double] = [:]
        var length = 0
        func add(_ text: String, weight: Double) {
            var text = text
            text.withUTF8 { bytes in
                ErrorTokenizer.scan(bytes) { term, _, isCompound, _ in
                    docTerms[interner.intern(term), default: 0] += weight
                    if !isCompound { length += 1 }
                }
            }
        }
        let meta = document.meta
        add(document.title, weight: titleWeight)
        for symptom in meta.symptoms { add(symptom.value, weight: symptomsWeight) }
        for signature in meta.signatures { add(signature.value, weight: symptomsWeight) }
        if let summary = meta.summary { add(summary, weight: summaryWeight) }
        for tag in meta.tags + meta.alerts.map(\.value) { add(tag, weight: tagWeight) }
        if let app = document.app { add(app, weight: tagWeight) }

        var symptoms = Set<Int>()
        if let own = document.symptomID, let index = symptomIndex[own] { symptoms.insert(index) }
        for entry in meta.symptoms {
            if let index = symptomIndex[entry.value.trimmed().lowercased()] {
                symptoms.insert(index)
            } else if let best = matcher.matcher.detect(entry.value).first(where: \.strong), let index = symptomIndex[best.id] {
                symptoms.insert(index)
            }
        }
        return DocumentResult(units: units, length: length, terms: docTerms.sorted { $0.key < $1.key }.map { (Int32($0.key), $0.value) },
                              symptoms: symptoms.sorted())
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

        // Analysis in a few chunks per core, each with its own interner (one String per distinct
        // term and chunk, not per occurrence); ids are then mapped to global ones.
        let hashed = HashedMatcher(matcher)
        let pieceStarts = hashed.pieceStarts
        let chunkCount = max(1, min(documents.count, ProcessInfo.processInfo.activeProcessorCount * analysisChunksPerCore))
        let chunkSize = (documents.count + chunkCount - 1) / max(chunkCount, 1)
        let ranges = stride(from: 0, to: documents.count, by: max(chunkSize, 1)).map { $0..<min($0 + chunkSize, documents.count) }
        let chunks: [ChunkResult] = ranges.parallelMap { range in
            let interner = TermInterner(pieceStarts: pieceStarts)
            let scratch = UnitScratch()
            let analysed = range.map { analyse(documents[$0], matcher: hashed, symptomIndex: symptomIndex, interner: interner, scratch: scratch) }
            return ChunkResult(documents: analysed, terms: interner.strings)
        }
        let results = chunks.flatMap(\.documents)
        // Global term ids, through the same byte-keyed table as the chunks (no String hashing).
        let global = TermInterner(pieceStarts: [])
        let localToGlobal: [[Int32]] = chunks.map { chunk in
            chunk.terms.map { term in
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

        // Unit postings, split by term id so that each core fills its own lists.
        let partitions = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let termCount = globalTerms.count
        let partitionLists: [[ByteWriter]] = Array(0..<partitions).parallelMap { partition in
            var writers = [ByteWriter](repeating: ByteWriter(), count: (termCount - partition + partitions - 1) / partitions)
            var lasts = [Int](repeating: 0, count: writers.count)
            var unit = 0
            for (documentIndex, result) in results.enumerated() {
                let mapping = localToGlobal[chunkOfDocument[documentIndex]]
                for unitResult in result.units {
                    var positionCursor = 0
                    for (k, local) in unitResult.termIDs.enumerated() {
                        let count = Int(unitResult.positionCounts[k])
                        defer { positionCursor += count }
                        let global = Int(mapping[Int(local)])
                        guard global % partitions == partition else { continue }
                        let slot = global / partitions
                        writers[slot].varint(unit - lasts[slot])
                        let impact = quantise(unitResult.weights[k], length: unitResult.length, averageLength: averageUnit)
                        writers[slot].bytes.append(impact << positionCountBits | UInt8(count))
                        var previous: Int32 = 0
                        for p in positionCursor..<(positionCursor + count) {
                            let position = unitResult.positions[p]
                            writers[slot].varint(Int(position - previous))
                            previous = position
                        }
                        lasts[slot] = unit
                    }
                    unit += 1
                }
            }
            return writers
        }
        var documentFrequency = [Int](repeating: 0, count: termCount)
        // A unit lists each term once, so counting the lists counts the units holding a term.
        for (documentIndex, result) in results.enumerated() {
            let mapping = localToGlobal[chunkOfDocument[documentIndex]]
            for unitResult in result.units {
                for local in unitResult.termIDs { documentFrequency[Int(mapping[Int(local)])] += 1 }
            }
        }
        // Byte order (the index's binary search compares bytes), on copies of the bytes; the two
        // halves sort on two cores and are merged.
        let termBytes = globalTerms.map { Array($0.utf8) }
        func precedes(_ a: Int, _ b: Int) -> Bool {
            termBytes[a].withUnsafeBufferPointer { x in
                termBytes[b].withUnsafeBufferPointer { y in
                    compareBytes(UnsafeRawBufferPointer(x), UnsafeRawBufferPointer(y)) < 0
                }
            }
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
        // Terms only in titles and front matter have document postings, not unit ones.
        content.terms = order.filter { documentFrequency[$0] > 0 }.map { id in
            (globalTerms[id], documentFrequency[id], partitionLists[id % partitions][id / partitions].bytes)
        }

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
        content.documentTerms = documentLists.map { ($0.term, $0.df, $0.writer.bytes) }
            .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return content
    }
}
