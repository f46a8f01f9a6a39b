import Foundation

/// Gives each distinct term of one thread's documents a small integer, from its bytes, without
/// making a String per occurrence (10 million of them at 10,000 documents). The String of a
/// term is made once, when it is first seen.
///
/// The interner is touched once per word of the corpus, by one thread only (each analysis chunk
/// has its own), so its stored properties opt out of the run-time exclusivity check
/// (`@exclusivity(unchecked)`), which cost about a tenth of the analysis.
final class TermInterner {
    /// What the interner knows of a term, in one place: a lookup touches one cache line.
    struct Entry {
        var hash: UInt64
        var start: Int
        var length: Int32
        /// The matcher's list of pieces that start with the term (`HashedMatcher.candidates`),
        /// or -1 when none does: only positions holding such a term are tried.
        var pieceList: Int32
    }

    @exclusivity(unchecked) private(set) var strings: [String] = []
    @exclusivity(unchecked) private(set) var entries = UnsafeMutablePointer<Entry>.allocate(capacity: 1 << 12)
    @exclusivity(unchecked) private var entryCapacity = 1 << 12
    @exclusivity(unchecked) private var arena = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
    @exclusivity(unchecked) private var arenaCapacity = 1 << 16
    @exclusivity(unchecked) private var arenaCount = 0
    /// Open addressing: id + 1, or 0 for an empty slot.
    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var slotCount: Int
    let pieceListOfHash: [UInt64: Int32]

    init(pieceListOfHash: [UInt64: Int32] = [:], capacity: Int = 1 << 16) {
        self.pieceListOfHash = pieceListOfHash
        slots = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotCount = capacity
    }

    deinit {
        arena.deallocate()
        entries.deallocate()
        slots.deallocate()
    }

    var count: Int { strings.count }

    /// A term's hash, for this process only (never stored: the matcher hashes signature parts
    /// the same way when it starts). Eight bytes a step, overlapping loads for the tail, and
    /// one 128-bit multiply to mix (after wyhash): a byte-at-a-time hash kept every lookup of
    /// the 13 million words of a 10,000-document corpus waiting on a chain of multiplies.
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return mix(HashSecret.length, HashSecret.word) }
        let raw = UnsafeRawPointer(base)
        var first: UInt64, second: UInt64
        var seed = HashSecret.seed
        if count <= 16 {
            if count >= 8 {
                first = raw.loadUnaligned(as: UInt64.self)
                second = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            } else if count >= 4 {
                first = UInt64(raw.loadUnaligned(as: UInt32.self))
                second = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            } else {
                first = UInt64(base[0]) << 16 | UInt64(base[count >> 1]) << 8 | UInt64(base[count - 1])
                second = 0
            }
        } else {
            var offset = 0
            while count - offset > 16 {
                seed = mix(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ HashSecret.word,
                           raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self) ^ seed)
                offset += 16
            }
            first = raw.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
            second = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        return mix(HashSecret.length ^ UInt64(count), mix(first ^ HashSecret.word, second ^ seed))
    }

    /// The constants of `hash`. Each holds a 0xFF byte, which UTF-8 never does, so a whole
    /// word of a term never cancels one out (a zero factor would lose the other word).
    private enum HashSecret {
        static let seed: UInt64 = 0xFFA0_761D_6478_BD64
        static let word: UInt64 = 0xE703_7ED1_A0B4_28FF
        static let length: UInt64 = 0x8EBC_6AF0_9C88_C6FF
    }

    /// Both halves of the full 128-bit product, folded.
    @inline(__always) private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    /// Whether two byte runs of the same length hold the same bytes (the same loads as `hash`
    /// for short terms, so that the common case makes no call).
    @inline(__always) static func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        if count >= 8 {
            if count > 16 { return memcmp(a, b, count) == 0 }
            return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                && a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        }
        if count >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
        }
        for index in 0..<count where a.load(fromByteOffset: index, as: UInt8.self) != b.load(fromByteOffset: index, as: UInt8.self) {
            return false
        }
        return true
    }

    static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0) }
    }

    /// Term `id`'s bytes, valid until the next `intern`.
    @inline(__always) func bytes(_ id: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: arena + entries[id].start, count: Int(entries[id].length))
    }

    @inline(__always) func startsPiece(_ id: Int) -> Bool { entries[id].pieceList >= 0 }

    @inline(__always) func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = TermInterner.hash(bytes)
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let id = entry - 1
            let known = entries[id]
            if known.hash == hash, Int(known.length) == bytes.count,
               bytes.count == 0 || TermInterner.sameBytes(arena + known.start, bytes.baseAddress!, count: bytes.count) {
                return id
            }
            slot = (slot + 1) & mask
        }
        return add(bytes, hash: hash, slot: slot)
    }

    /// A term not seen before, into the free slot `slot`.
    private func add(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, slot: Int) -> Int {
        let id = strings.count
        strings.append(String(decoding: bytes, as: UTF8.self))
        if arenaCount + bytes.count > arenaCapacity {
            let capacity = max(arenaCapacity * 2, arenaCount + bytes.count)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }
        if id == entryCapacity {
            let grown = UnsafeMutablePointer<Entry>.allocate(capacity: entryCapacity * 2)
            grown.moveInitialize(from: entries, count: id)
            entries.deallocate()
            entries = grown
            entryCapacity *= 2
        }
        let pieceList = pieceListOfHash[hash] ?? -1
        (entries + id).initialize(to: Entry(hash: hash, start: arenaCount, length: Int32(bytes.count), pieceList: pieceList))
        if let base = bytes.baseAddress { (arena + arenaCount).update(from: base, count: bytes.count) }
        arenaCount += bytes.count
        slots[slot] = Int32(id + 1)
        if strings.count * 2 > slotCount { grow() }
        return id
    }

    private func grow() {
        let capacity = slotCount * 2
        slots.deallocate()
        slots = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotCount = capacity
        let mask = capacity - 1
        for id in 0..<strings.count {
            var slot = Int(truncatingIfNeeded: entries[id].hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
        }
    }
}

/// The symptom matcher over term hashes, for indexing: the same signatures as
/// `SymptomMatcher.detect`, tried only where a part starts a piece, for the strong symptoms
/// only (no scores). Flat tables: this runs for every unit of the corpus.
struct HashedMatcher {
    let matcher: SymptomMatcher
    /// Piece `p`'s part hashes are `pieceHashes[pieceBounds[p]..<pieceBounds[p + 1]]`.
    let pieceHashes: [UInt64]
    let pieceBounds: [Int]
    /// Candidate list `l` (the pieces sharing a first part) is
    /// `candidates[candidateBounds[l]..<candidateBounds[l + 1]]`: its one-part pieces first
    /// (`singleCounts[l]` of them), then the others sorted by the hash of their second part
    /// (`secondHashes`, in step), so that a text's second part finds its few by binary search.
    /// ("the" starts 37 pieces and is a sixth of all words.)
    let candidates: [Int]
    let candidateBounds: [Int]
    let singleCounts: [Int]
    let secondHashes: [UInt64]
    /// A first part's hash → its candidate list.
    let pieceListOfHash: [UInt64: Int32]

    init(_ matcher: SymptomMatcher) {
        self.matcher = matcher
        var hashes: [UInt64] = [], bounds = [0]
        var byFirst: [UInt64: [Int]] = [:]
        var firstHashes: [UInt64] = []
        for (id, piece) in matcher.pieces.enumerated() {
            let pieceHashes = piece.map(TermInterner.hash)
            hashes += pieceHashes
            bounds.append(hashes.count)
            guard let first = pieceHashes.first else { continue }
            if byFirst[first] == nil { firstHashes.append(first) }
            byFirst[first, default: []].append(id)
        }
        pieceHashes = hashes
        pieceBounds = bounds
        var candidates: [Int] = [], candidateBounds = [0], singleCounts: [Int] = [], secondHashes: [UInt64] = []
        var listOfHash: [UInt64: Int32] = [:]
        for first in firstHashes {
            listOfHash[first] = Int32(candidateBounds.count - 1)
            let members = byFirst[first] ?? []
            let singles = members.filter { bounds[$0 + 1] - bounds[$0] == 1 }
            let longer = members.filter { bounds[$0 + 1] - bounds[$0] > 1 }.map { (piece: $0, second: hashes[bounds[$0] + 1]) }
                .sorted { ($0.second, $0.piece) < ($1.second, $1.piece) }
            candidates += singles + longer.map(\.piece)
            secondHashes += singles.map { _ in 0 } + longer.map(\.second)
            singleCounts.append(singles.count)
            candidateBounds.append(candidates.count)
        }
        self.candidates = candidates
        self.candidateBounds = candidateBounds
        self.singleCounts = singleCounts
        self.secondHashes = secondHashes
        pieceListOfHash = listOfHash
    }

    /// The symptoms (indices into the matcher's `ids`, ascending) that a signature, not a
    /// hint, matched in a unit's parts, given as interned ids; `starts` are the positions in
    /// `parts` whose term starts a piece. The same as `SymptomMatcher.score`'s strong ones,
    /// without the scoring. `found` is the caller's buffer (one per thread): every occurrence
    /// as piece << 32 | position, sorted, instead of a dictionary of arrays per unit.
    func strongSymptoms(parts: [Int32], starts: [Int32], interner: TermInterner, found: inout [Int]) -> [Int] {
        if starts.isEmpty { return [] }
        found.removeAll(keepingCapacity: true)
        let entries = interner.entries
        parts.withUnsafeBufferPointer { parts in
            for start in starts {
                let position = Int(start)
                let list = Int(entries[Int(parts[position])].pieceList)
                let lower = candidateBounds[list], upper = candidateBounds[list + 1]
                for candidate in candidates[lower..<(lower + singleCounts[list])] {
                    found.append(candidate << 32 | position)
                }
                guard position + 1 < parts.count else { continue }
                // The pieces whose second part is the text's next part.
                let second = entries[Int(parts[position + 1])].hash
                var low = lower + singleCounts[list], high = upper
                while low < high {
                    let middle = (low + high) / 2
                    if secondHashes[middle] < second { low = middle + 1 } else { high = middle }
                }
                var end = low
                while end < upper, secondHashes[end] == second { end += 1 }
                for candidate in candidates[low..<end] {
                    let from = pieceBounds[candidate], count = pieceBounds[candidate + 1] - from
                    guard position + count <= parts.count else { continue }
                    var same = true
                    var k = 2
                    while k < count {
                        if entries[Int(parts[position + k])].hash != pieceHashes[from + k] { same = false; break }
                        k += 1
                    }
                    if same { found.append(candidate << 32 | position) }
                }
            }
        }
        if found.isEmpty { return [] }
        found.sort()
        let signatures = matcher.signatures
        var matched: [Int] = []
        found.withUnsafeBufferPointer { found in
            /// The first occurrence of `piece` at `from` or later, if any.
            func occurrence(of piece: Int, from: Int) -> Int? {
                let key = piece << 32 | from
                var low = 0, high = found.count
                while low < high {
                    let middle = (low + high) / 2
                    if found[middle] < key { low = middle + 1 } else { high = middle }
                }
                return low < found.count && found[low] >> 32 == piece ? found[low] & 0xFFFF_FFFF : nil
            }
            var i = 0
            while i < found.count {
                let first = found[i] >> 32
                for signatureIndex in matcher.signaturesByFirstPiece[first] {
                    let signature = signatures[signatureIndex]
                    guard !signature.isHint, !matched.contains(signature.symptom) else { continue }
                    if matcher.matches(signature, occurrence: occurrence) { matched.append(signature.symptom) }
                }
                while i < found.count, found[i] >> 32 == first { i += 1 }
            }
        }
        return matched.sorted()
    }
}
