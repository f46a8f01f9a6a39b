/// Splits text into search terms the way error messages need it (`site.js` mirrors this file
/// exactly; a test checks both on the same inputs).
///
/// - A *part* is a run of letters and digits (an apostrophe between two of them stays inside:
///   `can't`). ASCII letters are folded to lower case; other characters are kept as they are.
///   Every other character separates parts, so `java.net.ConnectException` has the parts `java`,
///   `net`, `connectexception`.
/// - Parts joined by one or two of `.` `:` `/` `-` `_` also make a *compound* term, the whole
///   run: `java.net.connectexception`, `10.0.0.7:5432`, `std::io::error`. It takes the position
///   of its first part, so phrases still run over the parts.
/// - A backslash followed by `n`, `t` or `r` (an escaped line break in a JSON log) separates.
/// - Nothing is dropped for being common: `no route to host` needs every word.
public struct ErrorTokenizer: Sendable {
    public struct Token: Sendable, Equatable {
        public var term: String
        /// Parts count 0, 1, 2…; a compound shares its first part's position.
        public var position: Int
        public var isCompound: Bool
        /// A timestamp, address, port, id, count or duration: noise when a log line is pasted.
        public var isVolatile: Bool
    }

    /// Parts and compounds longer than this are ids or blobs, not words: skipped.
    static let maximumTermBytes = 64

    public init() {}

    // Byte classes.
    @inline(__always) static func isASCIIAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A)
    }
    @inline(__always) static func isConnector(_ b: UInt8) -> Bool {
        b == 0x2E || b == 0x3A || b == 0x2F || b == 0x2D || b == 0x5F  // . : / - _
    }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    /// How many bytes the word character at `i` takes, or 0 when it is not a word character.
    /// Non-ASCII characters are word characters, except the no-break space and the General
    /// Punctuation block (U+2000–U+206F: dashes, quotes, ellipsis), which separate.
    @inline(__always) static func wordCharLength(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let b = bytes[i]
        if b < 0x80 { return isASCIIAlnum(b) ? 1 : 0 }
        if b < 0xC0 { return 1 }  // a stray continuation byte: keep it with its word
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
        if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 { return 0 }
        if b == 0xE2, i + 1 < bytes.count, bytes[i + 1] == 0x80 || bytes[i + 1] == 0x81 { return 0 }
        return min(length, bytes.count - i)
    }

    /// An apostrophe (`'` or U+2019) at `i`: its length in bytes, else 0.
    @inline(__always) static func apostropheLength(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        if bytes[i] == 0x27 { return 1 }
        if bytes[i] == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0x99 { return 3 }
        return 0
    }

    /// Receives the terms of a scan (a generic parameter, so that the indexer's hot loop is
    /// specialised and inlined rather than called through a closure per word).
    protocol Sink {
        mutating func term(_ bytes: UnsafeBufferPointer<UInt8>, position: Int, isCompound: Bool, range: Range<Int>)
    }

    struct ClosureSink: Sink {
        let emit: (UnsafeBufferPointer<UInt8>, Int, Bool, Range<Int>) -> Void
        func term(_ bytes: UnsafeBufferPointer<UInt8>, position: Int, isCompound: Bool, range: Range<Int>) {
            emit(bytes, position, isCompound, range)
        }
    }

    /// Calls `emit(termBytes, position, isCompound, byteRange)` for every part and compound of
    /// `bytes`, in order, positions counted from `firstPosition`. Returns the next free position.
    /// The term bytes are only valid during the call.
    @discardableResult
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, firstPosition: Int = 0,
                            _ emit: (UnsafeBufferPointer<UInt8>, Int, Bool, Range<Int>) -> Void) -> Int {
        withoutActuallyEscaping(emit) { emit in
            var sink = ClosureSink(emit: emit)
            return scan(bytes, firstPosition: firstPosition, into: &sink)
        }
    }

    /// The scan itself, into a sink. Parts and compounds longer than `maximumTermBytes` are
    /// skipped (their words still take positions).
    @discardableResult
    static func scan<S: Sink>(_ bytes: UnsafeBufferPointer<UInt8>, firstPosition: Int = 0, into sink: inout S) -> Int {
        // The two term buffers live on the stack: the indexer scans millions of short runs.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * termBufferCapacity) { buffer in
            scan(bytes, firstPosition: firstPosition, into: &sink, part: buffer.baseAddress!,
                 compound: buffer.baseAddress! + termBufferCapacity)
        }
    }

    /// Bytes of each term buffer: the longest kept term and room to notice it is longer.
    static let termBufferCapacity = maximumTermBytes + 4

    @inline(__always)
    private static func scan<S: Sink>(_ bytes: UnsafeBufferPointer<UInt8>, firstPosition: Int, into sink: inout S,
                                      part: UnsafeMutablePointer<UInt8>, compound: UnsafeMutablePointer<UInt8>) -> Int {
        var compoundLength = 0
        var position = firstPosition
        var compoundParts = 0
        var compoundPosition = 0
        var compoundTooLong = false
        var compoundStart = 0
        var compoundEnd = 0
        let count = bytes.count
        var i = 0

        @inline(__always) func flushCompound() {
            if compoundParts >= 2, !compoundTooLong, compoundLength <= maximumTermBytes {
                let length = foldCompound(bytes, compoundStart..<compoundEnd, into: compound)
                sink.term(UnsafeBufferPointer(start: compound, count: length), position: compoundPosition,
                          isCompound: true, range: compoundStart..<compoundEnd)
            }
            compoundLength = 0
            compoundParts = 0
            compoundTooLong = false
        }

        while i < count {
            let wordLength = wordCharLength(bytes, i)
            if wordLength == 0 {
                // Not a word character: a connector may continue a compound.
                if isConnector(bytes[i]), compoundParts > 0 {
                    var j = i
                    while j < count, isConnector(bytes[j]), j - i < 3 { j += 1 }
                    let run = j - i
                    if run <= 2, j < count, wordCharLength(bytes, j) > 0 {
                        compoundLength += run
                        i = j
                        continue
                    }
                    flushCompound()
                    i = j
                    continue
                }
                if bytes[i] == 0x5C, i + 1 < count, bytes[i + 1] == 0x6E || bytes[i + 1] == 0x74 || bytes[i + 1] == 0x72 {
                    flushCompound()
                    i += 2
                    continue
                }
                flushCompound()
                i += 1
                continue
            }
            // A part: word characters, with apostrophes between them.
            let partStart = i
            let (partEnd, partLength, partTooLong) = readPart(bytes, from: i, into: part)
            i = partEnd
            if compoundParts == 0 {
                compoundPosition = position
                compoundStart = partStart
            }
            compoundEnd = i
            compoundParts += 1
            if partTooLong {
                compoundTooLong = true
            } else {
                compoundLength += partLength  // measured only: `flushCompound` makes the bytes
                sink.term(UnsafeBufferPointer(start: part, count: partLength), position: position, isCompound: false, range: partStart..<i)
            }
            position += 1
        }
        flushCompound()
        return position
    }

    /// The part that starts at `start` (a word character): its end, and its folded bytes in
    /// `part` (at most `maximumTermBytes` of them; `tooLong` when there were more). ASCII
    /// letters and digits, most of any text, take a short path of their own.
    @inline(__always)
    private static func readPart(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                                 into part: UnsafeMutablePointer<UInt8>) -> (end: Int, length: Int, tooLong: Bool) {
        let count = bytes.count
        var i = start, length = 0, tooLong = false
        while i < count {
            let byte = bytes[i]
            if byte < 0x80 {
                // Digits already have the 0x20 bit, so one `or` folds letters and keeps digits.
                let folded = byte | 0x20
                if byte &- 0x30 < 10 || folded &- 0x61 < 26 {
                    if length < maximumTermBytes { part[length] = folded; length += 1 } else { tooLong = true }
                    i += 1
                    continue
                }
                if byte != 0x27 { break }  // only an apostrophe may go on with the part
            }
            let characterLength = wordCharLength(bytes, i)
            if characterLength > 0 {
                if length + characterLength <= maximumTermBytes {
                    for k in 0..<characterLength { part[length + k] = bytes[i + k] }
                    length += characterLength
                } else {
                    tooLong = true
                }
                i += characterLength
                continue
            }
            let apostrophe = apostropheLength(bytes, i)
            if apostrophe > 0, length > 0 || tooLong, i + apostrophe < count, wordCharLength(bytes, i + apostrophe) > 0 {
                if length < maximumTermBytes { part[length] = 0x27; length += 1 } else { tooLong = true }
                i += apostrophe
                continue
            }
            break
        }
        return (i, length, tooLong)
    }

    /// A compound's bytes, made only when it ends with two parts or more (one word in
    /// fourteen) rather than copied along with every part: its parts and connectors from the
    /// text again, folded as its parts were. Returns the length written to `compound`.
    @inline(never)
    private static func foldCompound(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into compound: UnsafeMutablePointer<UInt8>) -> Int {
        var length = 0, k = range.lowerBound
        while k < range.upperBound {
            let byte = bytes[k]
            if byte == 0xE2, wordCharLength(bytes, k) == 0 {
                // Inside a compound, an E2 lead byte that is no word character is U+2019, an apostrophe.
                compound[length] = 0x27
                length += 1
                k += 3
            } else {
                compound[length] = lower(byte)
                length += 1
                k += 1
            }
        }
        return length
    }

    /// The parts of `text` in order (no compounds, no volatility): what signatures match on.
    public static func parts(of text: String) -> [String] {
        var text = text
        var out: [String] = []
        _ = text.withUTF8 { bytes in
            scan(bytes) { term, _, isCompound, _ in
                if !isCompound { out.append(String(decoding: term, as: UTF8.self)) }
            }
        }
        return out
    }

    /// Every term of `text`, with positions and whether it is volatile (for queries and tests).
    public func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { return [] }
        utf8.withUnsafeMutableBufferPointer { mutable in
            let bytes = UnsafeBufferPointer(mutable)
            var pending: [(bytes: [UInt8], position: Int, compound: Bool)] = []
            ErrorTokenizer.scan(bytes) { term, position, isCompound, _ in
                pending.append((Array(term), position, isCompound))
            }
            // A compound's parts follow it in `pending` (it is emitted when it ends); volatility
            // of a part depends on its compound (the parts of an address or a time are noise).
            var numericCompoundPositions = Set<Int>()
            var volatileCompoundPositions = [Int: Bool]()
            var partsByPosition = [Int: [UInt8]]()
            for item in pending where !item.compound { partsByPosition[item.position] = item.bytes }
            for item in pending where item.compound {
                let parts = ErrorTokenizer.splitParts(item.bytes)
                let numeric = parts.allSatisfy(ErrorTokenizer.isHexOrDigits) && parts.contains { $0.contains(where: ErrorTokenizer.isDigit) }
                if numeric { for k in 0..<parts.count { numericCompoundPositions.insert(item.position + k) } }
                // Numbers joined to numbers (the address in `http://10.0.4.7:8080/x`) are noise too.
                let digitsOnly = parts.map { !$0.isEmpty && $0.allSatisfy(ErrorTokenizer.isDigit) }
                for k in parts.indices where digitsOnly[k] && ((k > 0 && digitsOnly[k - 1]) || (k + 1 < parts.count && digitsOnly[k + 1])) {
                    numericCompoundPositions.insert(item.position + k)
                }
                volatileCompoundPositions[item.position] = numeric || parts.contains { ErrorTokenizer.isVolatilePart($0) }
            }
            for item in pending.sorted(by: { ($0.position, $0.compound ? 0 : 1) < ($1.position, $1.compound ? 0 : 1) }) {
                let volatile = item.compound ? (volatileCompoundPositions[item.position] ?? false)
                    : (numericCompoundPositions.contains(item.position) || ErrorTokenizer.isVolatilePart(item.bytes))
                out.append(Token(term: String(decoding: item.bytes, as: UTF8.self), position: item.position,
                                 isCompound: item.compound, isVolatile: volatile))
            }
        }
        return out
    }

    /// The parts of a compound term (its connectors removed).
    static func splitParts(_ compound: [UInt8]) -> [[UInt8]] {
        compound.split(whereSeparator: isConnector).map(Array.init)
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isHexOrDigits(_ part: [UInt8]) -> Bool {
        part.allSatisfy { isDigit($0) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// Units a duration is written with: `3001ms`, `10s`, `5m`.
    static let durationUnits: Set<[UInt8]> = ["ms", "s", "m", "h", "us", "ns", "d"].map { Array($0.utf8) }.reduce(into: []) { $0.insert($1) }
    /// Numbers this long are ports, pids, sizes and counters; errno numbers and HTTP statuses are shorter.
    static let volatileDigits = 4
    /// Hexadecimal runs this long with a digit are ids and hashes.
    static let volatileHex = 6
    /// Letters and digits mixed over this length are request ids and pod hashes.
    static let volatileMixed = 8

    /// Whether a part on its own looks like noise from a pasted log line.
    static func isVolatilePart(_ part: [UInt8]) -> Bool {
        let digits = part.filter(isDigit).count
        if digits == 0 { return false }
        if digits == part.count { return part.count >= volatileDigits }
        if part.count >= volatileHex, isHexOrDigits(part) { return true }
        if part.count >= volatileMixed, part.allSatisfy({ $0 < 0x80 }) { return true }
        // A duration: digits, then a unit.
        if let firstLetter = part.firstIndex(where: { !isDigit($0) }), firstLetter > 0,
           part[..<firstLetter].allSatisfy(isDigit), durationUnits.contains(Array(part[firstLetter...])) {
            return true
        }
        return false
    }
}
