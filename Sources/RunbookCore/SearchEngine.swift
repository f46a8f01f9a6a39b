import Foundation

/// What to look for.
public struct SearchQuery: Sendable {
    public var text: String
    public var limit: Int
    public var kind: DocumentKind?
    public var app: String?

    public static let defaultLimit = 10

    public init(text: String, limit: Int = SearchQuery.defaultLimit, kind: DocumentKind? = nil, app: String? = nil) {
        self.text = text
        self.limit = limit
        self.kind = kind
        self.app = app
    }
}

/// One hit: the best section of a document.
public struct SearchHit: Sendable, Equatable {
    public var document: Int
    public var unit: Int
    public var score: Double
}

/// A query prepared for scoring: its terms, its phrases and the symptoms it shows.
/// `site.js` prepares queries the same way.
public struct PreparedQuery: Sendable, Equatable {
    public var terms: [String]
    /// Pairs of term indices that stood next to each other in the query.
    public var pairs: [(Int, Int)]
    public var symptoms: [SymptomMatcher.Detection]

    public static func == (lhs: PreparedQuery, rhs: PreparedQuery) -> Bool {
        lhs.terms == rhs.terms && lhs.symptoms == rhs.symptoms
            && lhs.pairs.map { [$0.0, $0.1] } == rhs.pairs.map { [$0.0, $0.1] }
    }

    /// A pasted log block can be long: the first terms carry the message.
    public static let maximumTerms = 32

    /// `matcherFor` gives the matcher for the query's words (the index loads only their part).
    public init(_ text: String, matcherFor: (Set<String>) -> SymptomMatcher) {
        let tokens = ErrorTokenizer().tokens(text)
        let parts = tokens.filter { !$0.isCompound }.map(\.term)
        symptoms = matcherFor(Set(parts)).detect(parts: parts)
        // Timestamps, addresses, ids: left out, unless the query is nothing else.
        let signal = tokens.filter { !$0.isVolatile }
        let used = signal.isEmpty ? tokens : signal
        var terms: [String] = []
        var indexOf: [String: Int] = [:]
        var partAt: [Int: Int] = [:]
        for token in used {
            let index: Int
            if let known = indexOf[token.term] {
                index = known
            } else {
                guard terms.count < PreparedQuery.maximumTerms else { continue }
                index = terms.count
                indexOf[token.term] = index
                terms.append(token.term)
            }
            if !token.isCompound { partAt[token.position] = index }
        }
        var pairs: [(Int, Int)] = []
        var seen = Set<Int>()
        for position in partAt.keys.sorted() {
            guard let a = partAt[position], let b = partAt[position + 1], a != b else { continue }
            if seen.insert(a * PreparedQuery.maximumTerms + b).inserted { pairs.append((a, b)) }
        }
        self.terms = terms
        self.pairs = pairs
    }
}

/// Ranks sections for a query: BM25F impacts from the index, a phrase and proximity boost,
/// the document's own fields (title, front matter), and a strong boost for the symptoms the
/// query shows. One result per document, at its best section; ties go to the earlier document.
public struct SearchEngine {
    public let index: SearchIndex
    let symptomIDs: [String]
    let symptomPages: [Int?]

    /// A symptom's own page comes before everything else when the query shows that symptom.
    public static let symptomPageBoost = 1000.0
    /// …ordered by how strongly the query shows it.
    public static let symptomPageScoreWeight = 10.0
    /// Team documents about a symptom the query shows (front matter, or the section's text).
    public static let symptomDocumentBoost = 30.0
    public static let symptomSectionBoost = 20.0
    /// Symptoms after the first count this much; hints alone count half.
    public static let secondarySymptomFactor = 0.5
    public static let hintOnlyFactor = 0.5
    /// Two query words next to each other in the section, or within a few words.
    public static let phraseWeight = 0.5
    public static let proximityWeight = 0.2
    public static let proximityWindow = 8
    /// Scores are rounded to this many decimals so that the site and the CLI agree on order.
    static let scoreRounding = 1e6

    public init(index: SearchIndex) {
        self.index = index
        let symptoms = index.symptomIDsAndPages()
        symptomIDs = symptoms.map(\.id)
        symptomPages = symptoms.map(\.page)
    }

    static func idf(documentFrequency df: Int, count: Int) -> Double {
        log(1 + (Double(count) - Double(df) + 0.5) / (Double(df) + 0.5))
    }

    public func search(_ query: SearchQuery) -> (prepared: PreparedQuery, hits: [SearchHit]) {
        let prepared = PreparedQuery(query.text, matcherFor: { index.matcher(ids: symptomIDs, for: $0) })
        return (prepared, rank(prepared, query: query))
    }

    /// A term's unit postings, read one unit at a time, straight from the mapped file.
    final class Cursor {
        let base: UnsafePointer<UInt8>
        let end: Int
        var offset = 0
        var unit = 0
        var impact = 0
        /// Positions of the term in the current unit (only kept for terms in a phrase pair).
        let positions: UnsafeMutablePointer<Int32>
        var positionCount = 0
        let keepPositions: Bool
        let unitCount: Int

        init(_ postings: UnsafeRawBufferPointer, keepPositions: Bool, unitCount: Int) {
            base = postings.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(bitPattern: 1)!
            end = postings.baseAddress == nil ? 0 : postings.count
            self.keepPositions = keepPositions
            self.unitCount = unitCount
            positions = .allocate(capacity: SearchIndexBuilder.storedPositions)
            advance(first: true)
        }

        deinit { positions.deallocate() }

        @inline(__always) func varint() -> Int {
            var result = 0, shift = 0
            while offset < end {
                let byte = base[offset]
                offset += 1
                result |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
                if shift > 56 { break }
            }
            return result
        }

        /// Moves to the next posting; `unit` becomes Int.max at the end.
        @inline(__always) func advance(first: Bool = false) {
            guard offset < end else { unit = .max; return }
            let next = (first ? 0 : unit) + varint()
            guard offset < end, next < unitCount else { unit = .max; return }
            unit = next
            let packed = base[offset]
            offset += 1
            impact = Int(packed >> SearchIndexBuilder.positionCountBits)
            let count = Int(packed & 3)
            if keepPositions {
                var position = 0
                for k in 0..<count {
                    position += varint()
                    positions[k] = Int32(truncatingIfNeeded: position)
                }
                positionCount = count
            } else {
                // Skip the position varints: count the bytes that end one.
                var left = count
                while left > 0, offset < end {
                    if base[offset] < 0x80 { left -= 1 }
                    offset += 1
                }
            }
        }
    }

    /// Ranks documents. Postings are merged in unit order, so no array the size of the index is
    /// needed; `site.js` computes the same sums in the same order with dense arrays.
    func rank(_ prepared: PreparedQuery, query: SearchQuery) -> [SearchHit] {
        let unitCount = index.unitCount, documentCount = index.documentCount
        let scale = (SearchIndexBuilder.k1 + 1) / SearchIndexBuilder.impactScale
        let documentScale = (SearchIndexBuilder.k1 + 1) / SearchIndexBuilder.documentImpactScale
        let pairTerms = Set(prepared.pairs.flatMap { [$0.0, $0.1] })
        var cursors: [Cursor] = []
        var cursorTerm: [Int] = []  // cursor → term index
        var cursorOfTerm = [Int](repeating: -1, count: prepared.terms.count)
        var unitIDF = [Double](repeating: 0, count: prepared.terms.count)
        for (termIndex, term) in prepared.terms.enumerated() {
            guard let (df, postings) = index.lookup(term, in: index.termsTable) else { continue }
            unitIDF[termIndex] = SearchEngine.idf(documentFrequency: df, count: unitCount)
            cursorOfTerm[termIndex] = cursors.count
            cursorTerm.append(termIndex)
            cursors.append(Cursor(postings, keepPositions: pairTerms.contains(termIndex), unitCount: unitCount))
        }
        let pairs = prepared.pairs.compactMap { a, b -> (Int, Int, Double)? in
            let ca = cursorOfTerm[a], cb = cursorOfTerm[b]
            return ca >= 0 && cb >= 0 ? (ca, cb, unitIDF[a] + unitIDF[b]) : nil
        }

        // Symptoms the query shows: their pages, and the team's documents and sections about them.
        var docBoost = [Double](repeating: 0, count: documentCount)
        // Sections about each symptom: sorted unit lists, merged below.
        var sectionLists: [(units: [Int], boost: Double)] = []
        for (rank, detection) in prepared.symptoms.enumerated() {
            guard let symptom = symptomIDs.firstIndex(of: detection.id) else { continue }
            let factor = (rank == 0 ? 1 : SearchEngine.secondarySymptomFactor) * (detection.strong ? 1 : SearchEngine.hintOnlyFactor)
            for document in index.idList(index.symptomDocumentsTable, symptom) where document < documentCount {
                let boost: Double
                if symptomPages.indices.contains(symptom), symptomPages[symptom] == document {
                    boost = SearchEngine.symptomPageBoost + SearchEngine.symptomPageScoreWeight * detection.score
                } else {
                    boost = SearchEngine.symptomDocumentBoost * factor
                }
                docBoost[document] = max(docBoost[document], boost)
            }
            sectionLists.append((index.idList(index.symptomUnitsTable, symptom), SearchEngine.symptomSectionBoost * factor))
        }
        // One sorted list of (unit, largest boost).
        var sectionUnits: [Int] = [], sectionBoosts: [Double] = []
        var heads = [Int](repeating: 0, count: sectionLists.count)
        while true {
            var next = Int.max
            for (list, head) in zip(sectionLists, heads) where head < list.units.count && list.units[head] < next { next = list.units[head] }
            guard next != .max, next < unitCount else { break }
            var boost = 0.0
            for k in sectionLists.indices where heads[k] < sectionLists[k].units.count && sectionLists[k].units[heads[k]] == next {
                boost = max(boost, sectionLists[k].boost)
                heads[k] += 1
            }
            sectionUnits.append(next)
            sectionBoosts.append(boost)
        }

        // Best section per document, walking the units that have anything, in order: a
        // document's units are contiguous, so its best is known when the walk leaves it.
        let best = SearchEngine.walk(cursors: cursors, idf: cursorTerm.map { unitIDF[$0] }, pairs: pairs, scale: scale,
                                     sectionUnits: sectionUnits, sectionBoosts: sectionBoosts,
                                     firstUnits: index.documentFirstUnits, documentCount: documentCount)
        let bestDocuments = best.documents, bestScores = best.scores, bestUnits = best.units

        // Document fields.
        var docScore = [Double](repeating: 0, count: documentCount)
        for term in prepared.terms {
            guard let (df, postings) = index.lookup(term, in: index.documentTermsTable) else { continue }
            let idf = SearchEngine.idf(documentFrequency: df, count: documentCount)
            var reader = ByteReader(postings)
            var document = 0
            while !reader.atEnd {
                document += reader.varint()
                guard reader.offset < postings.count, document < documentCount else { break }
                docScore[document] += idf * Double(postings[reader.offset]) * documentScale
                reader.offset += 1
            }
        }

        // The top `limit`, by score then document order.
        let limit = max(0, query.limit)
        var top: [SearchHit] = []
        let appFilter = query.app.map { Array($0.utf8) }
        var next = 0
        for document in 0..<documentCount {
            var best = -1.0, unit = -1
            if next < bestDocuments.count, bestDocuments[next] == document {
                best = bestScores[next]
                unit = bestUnits[next]
                next += 1
            }
            let extra = docScore[document] + docBoost[document]
            guard unit >= 0 || extra > 0 else { continue }
            let total = max(best, 0) + extra
            let rounded = (total * SearchEngine.scoreRounding).rounded() / SearchEngine.scoreRounding
            // Documents come in order, so an equal score never displaces an earlier one.
            if top.count == limit, let last = top.last, rounded <= last.score { continue }
            if query.kind != nil || appFilter != nil {
                let (kind, app) = index.documentKindAndApp(document)
                if let wanted = query.kind, kind != wanted { continue }
                if let appFilter, !appFilter.elementsEqual(app) { continue }
            }
            let hit = SearchHit(document: document, unit: unit >= 0 ? unit : index.documentFirstUnit(document), score: rounded)
            let position = top.firstIndex { $0.score < rounded } ?? top.count
            top.insert(hit, at: position)
            if top.count > limit { top.removeLast() }
        }
        return top
    }
}
