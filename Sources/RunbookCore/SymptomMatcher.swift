/// Recognises symptoms in text from their signatures (data in the symptom documents, see
/// `symptoms/*.md`). `site.js` mirrors this scoring; the two are checked against each other.
///
/// A signature is a phrase of parts (as `ErrorTokenizer` splits them) that must appear
/// consecutively; ` ... ` inside it means "then, later, anything in between". A symptom scores
/// the length (in parts) of its longest matching signature, plus a little for each further
/// signature that matches, plus a little for each matching hint (weak words such as a bare
/// status code). The more specific wording wins when neighbours share words.
public struct SymptomMatcher: Sendable {
    public struct Detection: Sendable, Equatable {
        public var id: String
        public var score: Double
        /// Whether a signature matched (not hints alone): what tags a document with the symptom.
        public var strong: Bool
    }

    /// Added for each matching signature after the longest.
    static let furtherSignatureScore = 0.25
    static let hintScore = 0.5
    static let maximumHintScore = 1.0

    struct Signature: Sendable {
        var symptom: Int
        var pieces: [Int]
        var length: Int
        var isHint: Bool
    }

    public let ids: [String]
    let signatures: [Signature]
    /// Piece id → its parts.
    let pieces: [[String]]
    /// First part of a piece → the pieces starting with it.
    let piecesByFirstPart: [String: [Int]]
    /// Piece → the signatures that start with it (scoring looks only at those whose first
    /// piece occurred).
    let signaturesByFirstPiece: [[Int]]

    static func signaturesByFirstPiece(_ signatures: [Signature], pieceCount: Int) -> [[Int]] {
        var out = [[Int]](repeating: [], count: pieceCount)
        for (index, signature) in signatures.enumerated() where signature.pieces[0] < pieceCount {
            out[signature.pieces[0]].append(index)
        }
        return out
    }

    /// A signature compiled: whether it is a hint, and its pieces as parts.
    public typealias Compiled = (isHint: Bool, pieces: [[String]])

    /// `symptoms` as (id, signatures, hints); ids are sorted so that ties break the same way everywhere.
    public init(_ symptoms: [(id: String, signatures: [String], hints: [String])]) {
        self.init(compiled: symptoms.map { symptom in
            (symptom.id, symptom.signatures.map { (false, SymptomMatcher.compile($0)) } + symptom.hints.map { (true, SymptomMatcher.compile($0)) })
        })
    }

    /// From signatures compiled before (the index stores them so a search need not tokenize them).
    public init(compiled symptoms: [(id: String, signatures: [Compiled])]) {
        let sorted = symptoms.sorted { $0.id < $1.id }
        ids = sorted.map(\.id)
        var pieceIDs: [[String]: Int] = [:]
        var pieces: [[String]] = []
        var signatures: [Signature] = []
        for (index, symptom) in sorted.enumerated() {
            for (isHint, compiled) in symptom.signatures where !compiled.isEmpty {
                var ids: [Int] = []
                for piece in compiled {
                    if let id = pieceIDs[piece] { ids.append(id) } else {
                        pieceIDs[piece] = pieces.count
                        ids.append(pieces.count)
                        pieces.append(piece)
                    }
                }
                signatures.append(Signature(symptom: index, pieces: ids, length: compiled.reduce(0) { $0 + $1.count }, isHint: isHint))
            }
        }
        self.signatures = signatures
        self.pieces = pieces
        var byFirst: [String: [Int]] = [:]
        for (id, piece) in pieces.enumerated() { byFirst[piece[0], default: []].append(id) }
        piecesByFirstPart = byFirst
        signaturesByFirstPiece = SymptomMatcher.signaturesByFirstPiece(signatures, pieceCount: pieces.count)
    }

    /// The matcher as stored in the index, two tables: by first part (sorted), the pieces that
    /// start with it; by piece, the signatures that start with it. A search reads only the
    /// records of its own words.
    func encodedTables() -> (firstParts: [[UInt8]], signaturesByPiece: [[UInt8]]) {
        let firstParts = piecesByFirstPart.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { part -> [UInt8] in
            var writer = ByteWriter()
            writer.string(part)
            let ids = piecesByFirstPart[part] ?? []
            writer.varint(ids.count)
            for id in ids {
                writer.varint(id)
                writer.varint(pieces[id].count)
                for piecePart in pieces[id] { writer.string(piecePart) }
            }
            return writer.bytes
        }
        var byPiece = [[Signature]](repeating: [], count: pieces.count)
        for signature in signatures { byPiece[signature.pieces[0]].append(signature) }
        let signatureRecords = byPiece.map { list -> [UInt8] in
            var writer = ByteWriter()
            writer.varint(list.count)
            for signature in list {
                writer.varint(signature.symptom)
                writer.varint(signature.isHint ? 1 : 0)
                writer.varint(signature.length)
                writer.varint(signature.pieces.count)
                for piece in signature.pieces { writer.varint(piece) }
            }
            return writer.bytes
        }
        return (firstParts, signatureRecords)
    }

    /// A matcher holding only the given pieces and signatures (what a query's words can match);
    /// it detects exactly what the whole matcher would for that query.
    init(ids: [String], pieceCount: Int, pieces loaded: [Int: [String]], signatures: [Signature]) {
        self.ids = ids
        var pieces = [[String]](repeating: [], count: pieceCount)
        var byFirst: [String: [Int]] = [:]
        for (id, parts) in loaded.sorted(by: { $0.key < $1.key }) where id < pieceCount && !parts.isEmpty {
            pieces[id] = parts
            byFirst[parts[0], default: []].append(id)
        }
        self.pieces = pieces
        let kept = signatures.filter { $0.symptom < ids.count && !$0.pieces.isEmpty && $0.pieces.allSatisfy { $0 < pieceCount } }
        self.signatures = kept
        piecesByFirstPart = byFirst
        signaturesByFirstPiece = SymptomMatcher.signaturesByFirstPiece(kept, pieceCount: pieceCount)
    }

    /// A signature's pieces (split at `...` or `…`), each as its parts.
    public static func compile(_ signature: String) -> [[String]] {
        var pieces: [[String]] = []
        // "..." first, then "…" (site.js splits the same way).
        let separator = signature.contains("...") ? "..." : "…"
        for piece in signature.components(separatedBy: separator) {
            let parts = ErrorTokenizer.parts(of: piece)
            if !parts.isEmpty { pieces.append(parts) }
        }
        return pieces
    }

    /// The symptoms recognised in a sequence of parts (compounds left out), best first.
    public func detect(parts: [String]) -> [Detection] {
        // Where each piece occurs (start positions, ascending).
        var occurrences: [Int: [Int]] = [:]
        for (position, part) in parts.enumerated() {
            guard let candidates = piecesByFirstPart[part] else { continue }
            for piece in candidates {
                let phrase = pieces[piece]
                guard position + phrase.count <= parts.count else { continue }
                var same = true
                for k in 1..<max(phrase.count, 1) where parts[position + k] != phrase[k] { same = false; break }
                if same { occurrences[piece, default: []].append(position) }
            }
        }
        if occurrences.isEmpty { return [] }
        return score(occurrences: occurrences)
    }

    /// Whether a signature's pieces occur in order, each starting after the previous one ended;
    /// `occurrence(piece, from)` is where `piece` first starts at `from` or later.
    @inline(__always) func matches(_ signature: Signature, occurrence: (_ piece: Int, _ from: Int) -> Int?) -> Bool {
        var from = 0
        for piece in signature.pieces {
            guard let start = occurrence(piece, from) else { return false }
            from = start + pieces[piece].count
        }
        return true
    }

    /// Scores the symptoms from where each piece occurs (start positions, ascending).
    func score(occurrences: [Int: [Int]]) -> [Detection] {
        var longest = [Int](repeating: 0, count: ids.count)
        var matched = [Int](repeating: 0, count: ids.count)
        var hints = [Int](repeating: 0, count: ids.count)
        for signatureIndex in occurrences.keys.sorted().flatMap({ signaturesByFirstPiece[$0] }) {
            let signature = signatures[signatureIndex]
            guard matches(signature, occurrence: { piece, from in occurrences[piece]?.first(where: { $0 >= from }) }) else { continue }
            if signature.isHint {
                hints[signature.symptom] += 1
            } else {
                matched[signature.symptom] += 1
                longest[signature.symptom] = max(longest[signature.symptom], signature.length)
            }
        }
        var out: [Detection] = []
        for index in ids.indices {
            var score = 0.0
            if matched[index] > 0 {
                score = Double(longest[index]) + SymptomMatcher.furtherSignatureScore * Double(matched[index] - 1)
            }
            score += min(SymptomMatcher.maximumHintScore, SymptomMatcher.hintScore * Double(hints[index]))
            if score > 0 { out.append(Detection(id: ids[index], score: score, strong: matched[index] > 0)) }
        }
        return out.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }

    /// The symptoms recognised in `text`, best first.
    public func detect(_ text: String) -> [Detection] {
        detect(parts: ErrorTokenizer.parts(of: text))
    }
}
