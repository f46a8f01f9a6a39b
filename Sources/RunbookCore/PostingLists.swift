/// Terms with their postings, the lists one after the other in one buffer: 350,000 terms at
/// 10,000 documents, where an array per list cost an allocation, a copy and a free each.
public struct PostingLists: Sendable {
    public private(set) var terms: [String] = []
    /// Per term: how many units (or documents) hold it.
    public private(set) var documentFrequencies: [Int] = []
    /// Term `i`'s list is `bytes[ends[i - 1]..<ends[i]]` (from 0 for the first).
    public private(set) var bytes: [UInt8] = []
    private var ends: [Int] = []

    public init() {}

    /// `ends[i]` is where term `i`'s list ends in `bytes`.
    init(terms: [String], documentFrequencies: [Int], bytes: [UInt8], ends: [Int]) {
        precondition(terms.count == documentFrequencies.count && terms.count == ends.count && (ends.last ?? 0) == bytes.count,
                     "posting lists: terms, frequencies and ends must match")
        self.terms = terms
        self.documentFrequencies = documentFrequencies
        self.bytes = bytes
        self.ends = ends
    }

    public var count: Int { terms.count }

    /// Where term `index`'s list starts in `bytes`.
    private func start(_ index: Int) -> Int { index == 0 ? 0 : ends[index - 1] }

    /// Term `index`'s list.
    public func postings(_ index: Int) -> ArraySlice<UInt8> { bytes[start(index)..<ends[index]] }

    /// The length of term `index`'s list in bytes.
    public func postingCount(_ index: Int) -> Int { ends[index] - start(index) }

    public subscript(index: Int) -> (term: String, df: Int, postings: ArraySlice<UInt8>) {
        (terms[index], documentFrequencies[index], postings(index))
    }

    mutating func append(_ term: String, documentFrequency: Int, postings: [UInt8]) {
        terms.append(term)
        documentFrequencies.append(documentFrequency)
        bytes += postings
        ends.append(bytes.count)
    }
}
