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

    public init(_ text: String, matcher: SymptomMatcher) {
        let tokens = ErrorTokenizer().tokens(text)
        symptoms = matcher.detect(parts: tokens.filter { !$0.isCompound }.map(\.term))
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
    public let matcher: SymptomMatcher
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
        let symptoms = index.compiledSymptoms()
        matcher = SymptomMatcher(compiled: symptoms)
        symptomIDs = symptoms.map(\.id)
        symptomPages = index.symptomPages()
    }

    static func idf(documentFrequency df: Int, count: Int) -> Double {
        log(1 + (Double(count) - Double(df) + 0.5) / (Double(df) + 0.5))
    }

    public func search(_ query: SearchQuery) -> (prepared: PreparedQuery, hits: [SearchHit]) {
        let prepared = PreparedQuery(query.text, matcher: matcher)
        return (prepared, rank(prepared, query: query))
    }

    func rank(_ prepared: PreparedQuery, query: SearchQuery) -> [SearchHit] {
        let unitCount = index.unitCount, documentCount = index.documentCount
        var unitScore = [Double](repeating: 0, count: unitCount)
        var touched: [Int32] = []
        let scale = (SearchIndexBuilder.k1 + 1) / SearchIndexBuilder.impactScale
        let pairTerms = Set(prepared.pairs.flatMap { [$0.0, $0.1] })
        // Per term in a pair: its units (ascending) and their first positions.
        var positions: [Int: (units: [Int32], starts: [Int32], values: [Int32])] = [:]
        var unitIDF = [Double](repeating: 0, count: prepared.terms.count)

        for (termIndex, term) in prepared.terms.enumerated() {
            guard let (df, postings) = index.lookup(term, in: index.termsTable) else { continue }
            let idf = SearchEngine.idf(documentFrequency: df, count: unitCount)
            unitIDF[termIndex] = idf
            let keep = pairTerms.contains(termIndex)
            var list: (units: [Int32], starts: [Int32], values: [Int32]) = ([], [], [])
            var reader = ByteReader(postings)
            var unit = 0
            while !reader.atEnd {
                unit += reader.varint()
                guard reader.offset < postings.count, unit < unitCount else { break }
                let impact = Double(postings[reader.offset])
                reader.offset += 1
                let count = reader.varint()
                if unitScore[unit] == 0 { touched.append(Int32(unit)) }
                unitScore[unit] += idf * impact * scale
                if keep {
                    list.units.append(Int32(unit))
                    list.starts.append(Int32(list.values.count))
                    var position = 0
                    for _ in 0..<count { position += reader.varint(); list.values.append(Int32(position)) }
                } else {
                    for _ in 0..<count { _ = reader.varint() }
                }
            }
            if keep { positions[termIndex] = list }
        }

        // Phrases: walk the two unit lists together.
        let window = SearchEngine.proximityWindow
        for (a, b) in prepared.pairs {
            guard let left = positions[a], let right = positions[b] else { continue }
            let weight = unitIDF[a] + unitIDF[b]
            var i = 0, j = 0
            while i < left.units.count, j < right.units.count {
                if left.units[i] < right.units[j] { i += 1; continue }
                if left.units[i] > right.units[j] { j += 1; continue }
                let leftEnd = i + 1 < left.units.count ? Int(left.starts[i + 1]) : left.values.count
                let rightEnd = j + 1 < right.units.count ? Int(right.starts[j + 1]) : right.values.count
                var best = Int.max
                for p in Int(left.starts[i])..<leftEnd {
                    for q in Int(right.starts[j])..<rightEnd {
                        let distance = Int(right.values[q]) - Int(left.values[p])
                        if distance > 0, distance < best { best = distance }
                    }
                }
                let unit = Int(left.units[i])
                if best == 1 {
                    unitScore[unit] += SearchEngine.phraseWeight * weight
                } else if best <= window {
                    unitScore[unit] += SearchEngine.proximityWeight * weight
                }
                i += 1
                j += 1
            }
        }

        // Symptoms the query shows: their pages, and the team's documents and sections about them.
        var docBoost = [Double](repeating: 0, count: documentCount)
        var sectionBoost: [Int: Double] = [:]
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
            for unit in index.idList(index.symptomUnitsTable, symptom) where unit < unitCount {
                sectionBoost[unit] = max(sectionBoost[unit] ?? 0, SearchEngine.symptomSectionBoost * factor)
            }
        }
        for (unit, boost) in sectionBoost {
            if unitScore[unit] == 0 { touched.append(Int32(unit)) }
            unitScore[unit] += boost
        }

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
                docScore[document] += idf * Double(postings[reader.offset]) * scale
                reader.offset += 1
            }
        }

        // Best section per document.
        var bestScore = [Double](repeating: -1, count: documentCount)
        var bestUnit = [Int](repeating: -1, count: documentCount)
        for unit32 in touched {
            let unit = Int(unit32)
            let document = index.unitDocuments[unit]
            guard document < documentCount else { continue }
            let score = unitScore[unit]
            if score > bestScore[document] || (score == bestScore[document] && unit < bestUnit[document]) {
                bestScore[document] = score
                bestUnit[document] = unit
            }
        }
        var hits: [SearchHit] = []
        let appFilter = query.app.map { Array($0.utf8) }
        for document in 0..<documentCount {
            let extra = docScore[document] + docBoost[document]
            guard bestUnit[document] >= 0 || extra > 0 else { continue }
            if query.kind != nil || appFilter != nil {
                let (kind, app) = index.documentKindAndApp(document)
                if let wanted = query.kind, kind != wanted { continue }
                if let appFilter, !appFilter.elementsEqual(app) { continue }
            }
            let unit = bestUnit[document] >= 0 ? bestUnit[document] : index.documentFirstUnit(document)
            let total = max(bestScore[document], 0) + extra
            hits.append(SearchHit(document: document, unit: unit,
                                  score: (total * SearchEngine.scoreRounding).rounded() / SearchEngine.scoreRounding))
        }
        let limit = max(0, query.limit)
        return Array(hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.document < $1.document }.prefix(limit))
    }
}
