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
    var matcherSignatures: [[UInt8]] = []
}

/// Builds the index from the model: sections → tokens → weighted term frequencies →
/// BM25 impacts quantised to a byte, plus phrase positions.
///
/// A unit posting is: unit delta (varint), one byte holding the impact (high 6 bits, 1–63) and
/// the number of stored positions minus one (low 2 bits, so 1–4), then the position deltas
/// (varints). A document posting is: document delta (varint), impact (1 byte, 1–255).
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
    /// Positions kept per term and unit, for the phrase and proximity boost.
    public static let storedPositions = 4
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

    struct TermStat {
        var weight: Double = 0
        var positions: [Int32] = []

        mutating func add(weight: Double, position: Int32) {
            self.weight += weight
            if positions.count < SearchIndexBuilder.storedPositions { positions.append(position) }
        }
    }

    struct UnitResult {
        var line: Int
        var section: String?
        var anchor: String?
        var excerpt: String
        var length: Int
        var terms: [String: TermStat]
        var symptoms: [Int]
    }

    struct DocumentResult {
        var units: [UnitResult]
        var length: Int
        var terms: [String: Double]
        var symptoms: [Int]
    }

    /// A run of text in a section and the field it belongs to.
    struct Run {
        var text: String
        var weight: Double
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

    static func analyse(_ document: Document, matcher: SymptomMatcher, symptomIndex: [String: Int]) -> DocumentResult {
        var units: [UnitResult] = []
        for section in sections(of: document) {
            var terms: [String: TermStat] = [:]
            var parts: [String] = []
            var position = 0
            var excerpt = ""
            for run in section.runs {
                if run.text.isEmpty { position += 1; continue }
                if run.weight != headingWeight, excerpt.count < excerptLength {
                    excerpt += (excerpt.isEmpty ? "" : " ") + run.text.split(whereSeparator: \.isNewline).joined(separator: " ")
                }
                var text = run.text
                position = text.withUTF8 { bytes in
                    ErrorTokenizer.scan(bytes, firstPosition: position) { term, at, isCompound, _ in
                        let key = String(decoding: term, as: UTF8.self)
                        if !isCompound { parts.append(key) }
                        terms[key, default: TermStat()].add(weight: run.weight, position: Int32(at))
                    }
                } + 1
            }
            if excerpt.count > excerptLength { excerpt = String(excerpt.prefix(excerptLength)) + "…" }
            let symptoms = matcher.detect(parts: parts).filter(\.strong).compactMap { symptomIndex[$0.id] }.sorted()
            units.append(UnitResult(line: section.line, section: section.heading?.text, anchor: section.heading?.id,
                                    excerpt: excerpt, length: parts.count, terms: terms, symptoms: symptoms))
        }

        // Document-level fields.
        var docTerms: [String: Double] = [:]
        var length = 0
        func add(_ text: String, weight: Double) {
            var text = text
            text.withUTF8 { bytes in
                ErrorTokenizer.scan(bytes) { term, _, isCompound, _ in
                    docTerms[String(decoding: term, as: UTF8.self), default: 0] += weight
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
            } else if let best = matcher.detect(entry.value).first(where: \.strong), let index = symptomIndex[best.id] {
                symptoms.insert(index)
            }
        }
        return DocumentResult(units: units, length: length, terms: docTerms, symptoms: symptoms.sorted())
    }

    // MARK: - Whole index

    /// `urls[i]` is the page of `documents[i]` relative to the site root.
    public static func build(documents: [Document], urls: [String], manifest: SourceManifest) -> SearchIndexContent {
        let matcher = SymptomBase.matcher(for: documents)
        var symptomIndex: [String: Int] = [:]
        for (index, id) in matcher.ids.enumerated() { symptomIndex[id] = index }
        let symptomDocument = Dictionary(documents.compactMap { document in document.symptomID.map { ($0, document) } },
                                         uniquingKeysWith: { first, _ in first })

        let results = documents.parallelMap { analyse($0, matcher: matcher, symptomIndex: symptomIndex) }

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

        // Unit postings, split by a hash of the term so that each core fills its own table.
        // Lists are appended in place (a copied-out entry would copy its bytes every time).
        let partitions = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let unitTerms: [[(String, Int, [UInt8])]] = Array(0..<partitions).parallelMap { partition in
            var ids: [String: Int] = [:]
            var names: [String] = []
            var writers: [ByteWriter] = []
            var dfs: [Int] = []
            var lasts: [Int] = []
            var unit = 0
            for result in results {
                for unitResult in result.units {
                    for (term, stat) in unitResult.terms where partitionOf(term, partitions) == partition {
                        let id: Int
                        if let known = ids[term] { id = known } else {
                            id = names.count
                            ids[term] = id
                            names.append(term)
                            writers.append(ByteWriter())
                            dfs.append(0)
                            lasts.append(0)
                        }
                        writers[id].varint(unit - lasts[id])
                        let impact = quantise(stat.weight, length: unitResult.length, averageLength: averageUnit)
                        writers[id].bytes.append(impact << positionCountBits | UInt8(stat.positions.count - 1))
                        var previous: Int32 = 0
                        for position in stat.positions {
                            writers[id].varint(Int(position - previous))
                            previous = position
                        }
                        dfs[id] += 1
                        lasts[id] = unit
                    }
                    unit += 1
                }
            }
            return names.indices.map { (names[$0], dfs[$0], writers[$0].bytes) }
        }
        content.terms = unitTerms.joined().sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }.map { ($0.0, $0.1, $0.2) }

        var documentIDs: [String: Int] = [:]
        var documentLists: [(term: String, df: Int, last: Int, writer: ByteWriter)] = []
        for (index, result) in results.enumerated() {
            for (term, weight) in result.terms {
                let id: Int
                if let known = documentIDs[term] { id = known } else {
                    id = documentLists.count
                    documentIDs[term] = id
                    documentLists.append((term, 0, 0, ByteWriter()))
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

    @inline(__always) static func partitionOf(_ term: String, _ count: Int) -> Int {
        guard count > 1 else { return 0 }
        var hash: UInt32 = 2_166_136_261
        for byte in term.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(count))
    }
}
