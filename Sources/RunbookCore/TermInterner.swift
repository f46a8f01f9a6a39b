import Foundation

/// Gives each distinct term of one thread's documents a small integer, from its bytes, without
/// making a String per occurrence (10 million of them at 10,000 documents). The String of a
/// term is made once, when it is first seen.
final class TermInterner {
    private(set) var strings: [String] = []
    private(set) var hashes: [UInt64] = []
    /// Whether the term starts a symptom signature's piece (only those positions are tried).
    private(set) var startsPiece: [Bool] = []
    private var arena = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 16)
    private var arenaCapacity = 1 << 16
    private var arenaCount = 0
    private var starts: [Int] = []
    private var lengths: [Int] = []
    /// Open addressing: id + 1, or 0 for an empty slot.
    private var slots: [Int32]
    private var mask: Int
    let pieceStarts: Set<UInt64>

    init(pieceStarts: Set<UInt64>, capacity: Int = 1 << 16) {
        self.pieceStarts = pieceStarts
        slots = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    deinit { arena.deallocate() }

    var count: Int { strings.count }

    /// FNV-1a, 64 bits, of a term's UTF-8 (the matcher hashes signature parts the same way).
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        FNV1a64.hash(bytes)
    }

    static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0) }
    }

    @inline(__always) func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = TermInterner.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let id = entry - 1
            if hashes[id] == hash, lengths[id] == bytes.count,
               bytes.count == 0 || memcmp(arena + starts[id], bytes.baseAddress!, bytes.count) == 0 {
                return id
            }
            slot = (slot + 1) & mask
        }
        let id = strings.count
        strings.append(String(decoding: bytes, as: UTF8.self))
        hashes.append(hash)
        startsPiece.append(pieceStarts.contains(hash))
        if arenaCount + bytes.count > arenaCapacity {
            let capacity = max(arenaCapacity * 2, arenaCount + bytes.count)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }
        starts.append(arenaCount)
        lengths.append(bytes.count)
        if let base = bytes.baseAddress { (arena + arenaCount).update(from: base, count: bytes.count) }
        arenaCount += bytes.count
        slots[slot] = Int32(id + 1)
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
        for id in 0..<strings.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
        }
    }
}

/// The symptom matcher over term hashes, for indexing: the same signatures and scoring as
/// `SymptomMatcher.detect`, tried only where a part starts a piece.
struct HashedMatcher {
    let matcher: SymptomMatcher
    let pieceHashes: [[UInt64]]
    let piecesByFirstHash: [UInt64: [Int]]

    init(_ matcher: SymptomMatcher) {
        self.matcher = matcher
        pieceHashes = matcher.pieces.map { $0.map(TermInterner.hash) }
        var byFirst: [UInt64: [Int]] = [:]
        for (id, piece) in pieceHashes.enumerated() where !piece.isEmpty { byFirst[piece[0], default: []].append(id) }
        piecesByFirstHash = byFirst
    }

    var pieceStarts: Set<UInt64> { Set(piecesByFirstHash.keys) }

    /// Strong detections (a signature matched) for a unit's parts, given as interned ids.
    func strongSymptoms(parts: [Int32], interner: TermInterner) -> [String] {
        var occurrences: [Int: [Int]] = [:]
        let hashes = interner.hashes, starts = interner.startsPiece
        for (position, id) in parts.enumerated() where starts[Int(id)] {
            guard let candidates = piecesByFirstHash[hashes[Int(id)]] else { continue }
            for piece in candidates {
                let phrase = pieceHashes[piece]
                guard position + phrase.count <= parts.count else { continue }
                var same = true
                for k in 1..<max(phrase.count, 1) where hashes[Int(parts[position + k])] != phrase[k] { same = false; break }
                if same { occurrences[piece, default: []].append(position) }
            }
        }
        if occurrences.isEmpty { return [] }
        return matcher.score(occurrences: occurrences).filter(\.strong).map(\.id)
    }
}
