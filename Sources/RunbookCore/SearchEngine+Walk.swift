/// The inner loop of `SearchEngine.rank`, kept apart and written on raw memory: it runs once
/// per matching section (tens of thousands for a common error), in a fresh process each search.
extension SearchEngine {
    struct BestSections {
        var documents: [Int] = []
        var scores: [Double] = []
        var units: [Int] = []
    }

    /// Scores every unit some cursor or the section list stands on, in unit order, and keeps
    /// each document's best unit (the earliest on ties). The sums run in the order `site.js`
    /// adds them: terms in query order, then phrase pairs, then the section's symptom boost.
    static func walk(cursors: [Cursor], idf: [Double], pairs: [(Int, Int, Double)], scale: Double,
                     sectionUnits: [Int], sectionBoosts: [Double], firstUnits: U32View, documentCount: Int) -> BestSections {
        var out = BestSections()
        let count = cursors.count
        let window = Int32(proximityWindow)
        var openDocument = -1, openScore = -1.0, openUnit = -1
        var documentCursor = 0
        var sectionCursor = 0
        let at = UnsafeMutablePointer<Bool>.allocate(capacity: max(count, 1))
        defer { at.deallocate() }
        withExtendedLifetime(cursors) {
            let units = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
            defer { units.deallocate() }
            for c in 0..<count { units[c] = cursors[c].unit }
            while true {
                var current = Int.max
                for c in 0..<count where units[c] < current { current = units[c] }
                if sectionCursor < sectionUnits.count, sectionUnits[sectionCursor] < current { current = sectionUnits[sectionCursor] }
                if current == .max { break }
                var score = 0.0
                for c in 0..<count {
                    at[c] = units[c] == current
                    if at[c] { score += idf[c] * Double(cursors[c].impact) * scale }
                }
                for (a, b, weight) in pairs where at[a] && at[b] {
                    let left = cursors[a], right = cursors[b]
                    var best = Int32.max
                    for p in 0..<left.positionCount {
                        for q in 0..<right.positionCount {
                            let distance = right.positions[q] - left.positions[p]
                            if distance > 0, distance < best { best = distance }
                        }
                    }
                    if best == 1 {
                        score += phraseWeight * weight
                    } else if best <= window {
                        score += proximityWeight * weight
                    }
                }
                if sectionCursor < sectionUnits.count, sectionUnits[sectionCursor] == current {
                    score += sectionBoosts[sectionCursor]
                    sectionCursor += 1
                }
                while documentCursor + 1 < documentCount, firstUnits[documentCursor + 1] <= current { documentCursor += 1 }
                if documentCursor != openDocument {
                    if openDocument >= 0 {
                        out.documents.append(openDocument)
                        out.scores.append(openScore)
                        out.units.append(openUnit)
                    }
                    openDocument = documentCursor
                    openScore = -1
                    openUnit = -1
                }
                if score > openScore { openScore = score; openUnit = current }
                for c in 0..<count where at[c] {
                    cursors[c].advance()
                    units[c] = cursors[c].unit
                }
            }
        }
        if openDocument >= 0 {
            out.documents.append(openDocument)
            out.scores.append(openScore)
            out.units.append(openUnit)
        }
        return out
    }
}
