/// Terms with their postings, the terms' bytes one after the other in one buffer and the lists
/// in another: 350,000 terms at 10,000 documents, where an array per list cost an allocation, a
/// copy and a free each, and a String per term cost a reference count per read (on two cores
/// at once, when the site's shards are written).
public struct PostingLists: Sendable {
    /// Term `i`'s UTF-8 is `termBytes[termEnds[i - 1]..<termEnds[i]]` (from 0 for the first).
    private var termBytes: [UInt8] = []
    private var termEnds: [Int] = []
    /// Per term: how many units (or documents) hold it.
    public private(set) var documentFrequencies: [Int] = []
    /// Term `i`'s list is `bytes[ends[i - 1]..<ends[i]]` (from 0 for the first).
    public private(set) var bytes: [UInt8] = []
    private var ends: [Int] = []

    public init() {}

    /// `termEnds[i]` is where term `i` ends in `termBytes`, `ends[i]` where its list ends in `bytes`.
    init(termBytes: [UInt8], termEnds: [Int], documentFrequencies: [Int], bytes: [UInt8], ends: [Int]) {
        precondition(termEnds.count == documentFrequencies.count && termEnds.count == ends.count
                     && (termEnds.last ?? 0) == termBytes.count && (ends.last ?? 0) == bytes.count,
                     "posting lists: terms, frequencies and ends must match")
        self.termBytes = termBytes
        self.termEnds = termEnds
        self.documentFrequencies = documentFrequencies
        self.bytes = bytes
        self.ends = ends
    }

    public var count: Int { ends.count }

    /// Term `index`, as text.
    public func term(_ index: Int) -> String {
        String(decoding: termBytes[(index == 0 ? 0 : termEnds[index - 1])..<termEnds[index]], as: UTF8.self)
    }

    /// Term `index`'s list.
    public func postings(_ index: Int) -> ArraySlice<UInt8> { bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]] }

    mutating func append(_ term: String, documentFrequency: Int, postings: [UInt8]) {
        termBytes += term.utf8
        termEnds.append(termBytes.count)
        documentFrequencies.append(documentFrequency)
        bytes += postings
        ends.append(bytes.count)
    }

    /// The lists read in place: what writing them out uses, one term after another without a
    /// reference count per read. The buffers are valid only during `body`.
    func withBuffers<R>(_ body: (Buffers) throws -> R) rethrows -> R {
        try termBytes.withUnsafeBufferPointer { termBytes in
            try termEnds.withUnsafeBufferPointer { termEnds in
                try documentFrequencies.withUnsafeBufferPointer { documentFrequencies in
                    try bytes.withUnsafeBufferPointer { bytes in
                        try ends.withUnsafeBufferPointer { ends in
                            try body(Buffers(termBytes: termBytes, termEnds: termEnds, documentFrequencies: documentFrequencies,
                                             bytes: bytes, ends: ends))
                        }
                    }
                }
            }
        }
    }

    struct Buffers {
        let termBytes: UnsafeBufferPointer<UInt8>
        let termEnds: UnsafeBufferPointer<Int>
        let documentFrequencies: UnsafeBufferPointer<Int>
        let bytes: UnsafeBufferPointer<UInt8>
        let ends: UnsafeBufferPointer<Int>

        var count: Int { ends.count }

        /// Term `index`'s UTF-8.
        func term(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: termBytes[(index == 0 ? 0 : termEnds[index - 1])..<termEnds[index]])
        }

        /// Term `index`'s list.
        func postings(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
        }
    }
}
