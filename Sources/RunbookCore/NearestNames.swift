/// "Did you mean …?": the names nearest to a misspelt one, by edit distance. Checklists and
/// drills by name, symptom ids, applications and pages of the site all ask it.
enum NearestNames {
    /// Up to `count` candidates nearest to `name`, nearest first, ties by name. A candidate is
    /// as near as the nearest of its keys; with `within`, farther ones are left out (and a key
    /// whose length differs by more is not compared at all: the distance is at least that).
    static func nearest(to name: String, among candidates: [(name: String, keys: [String])], within: Int? = nil,
                        count: Int) -> [String] {
        var scored: [(name: String, distance: Int)] = []
        for candidate in candidates {
            var best: Int?
            for key in candidate.keys {
                if let within, abs(key.count - name.count) > within { continue }
                let distance = editDistance(key, name)
                if best.map({ distance < $0 }) ?? true { best = distance }
            }
            guard let best, within.map({ best <= $0 }) ?? true else { continue }
            scored.append((candidate.name, best))
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        return scored.prefix(count).map(\.name)
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
