/// The bytes of the search index, shared by the file the CLI reads (`search/index.rbx`) and the
/// shards the site's script reads (the same posting bytes, base64-encoded).
///
/// File layout, version 6 (all integers little-endian):
///
///     "RBIX" | version u32 | section count u32 | checksum u64
///     section table: (name: 4 bytes, offset u64, length u64) × count
///     sections, each 8-byte aligned
///
/// Sections are either fixed-width u32 arrays or *tables*: a record count u32, `count + 1` u32
/// offsets, a u32 checksum per block of `recordsPerChecksum` records, then the records, each a sequence of LEB128
/// varints and length-prefixed UTF-8 strings. Postings are varints too (see
/// `SearchIndexBuilder`). The header checksum covers the section table and the fixed arrays;
/// every record is checked when it is read, so a query touches only the bytes it needs and
/// still never trusts a damaged one.
public enum IndexFormat {
    public static let magic: [UInt8] = Array("RBIX".utf8)
    /// Bump when the layout or the meaning of a field changes: an index of another version is
    /// rebuilt, never misread.
    public static let version: UInt32 = 6
    static let headerSize = 4 + 4 + 4 + 8
    static let sectionEntrySize = 4 + 8 + 8

    /// Records of a table that share one checksum (and are checked together).
    static let recordsPerChecksum = 16

    static func blockCount(_ records: Int) -> Int { (records + recordsPerChecksum - 1) / recordsPerChecksum }

    /// Per block: the 64-bit checksum (eight bytes a step) folded to 32 bits.
    @inline(__always) static func recordChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let hash = checksum(bytes)
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    /// FNV-1a, 64 bits: enough to tell a truncated or damaged file from a good one.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        // Eight bytes a step keeps the check cheap for tens of megabytes.
        let words = bytes.count / 8
        for index in 0..<words {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) &* 0x100_0000_01b3
        }
        for index in (words * 8)..<bytes.count {
            hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
        }
        return hash
    }
}

/// FNV-1a, 64 bits, a byte at a time: the cache file's name, the built-in knowledge base's
/// stamp. (`IndexFormat.checksum` takes eight bytes a step instead; terms are hashed in
/// process by `TermInterner.hash`.)
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hasher = FNV1a64()
        hasher.add(bytes)
        return hasher.value
    }
}

/// Appends varints, strings and fixed-width integers to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: Int) {
        var v = UInt64(value)
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Bytes `varint(value)` writes.
    @inline(__always) static func varintLength(_ value: Int) -> Int {
        var v = UInt64(value), length = 1
        while v >= 0x80 { length += 1; v >>= 7 }
        return length
    }

    /// `varint(value)`'s bytes written into a buffer already sized for them (`varintLength`),
    /// from `cursor`, which moves past them.
    @inline(__always) static func varint(_ value: Int, into out: UnsafeMutableBufferPointer<UInt8>, at cursor: inout Int) {
        var v = UInt64(value)
        while v >= 0x80 { out[cursor] = UInt8(v & 0x7F) | 0x80; cursor += 1; v >>= 7 }
        out[cursor] = UInt8(v)
        cursor += 1
    }

    mutating func string(_ text: String) {
        varint(text.utf8.count)
        bytes += text.utf8
    }

    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }

    /// A table of records: count, offsets, block checksums, records.
    static func table(_ records: [[UInt8]]) -> [UInt8] {
        table(count: records.count) { index, writer in writer.bytes += records[index] }
    }

    /// A table written record by record straight into its place in the output: room for the
    /// count, offsets and checksums first, filled in once the records are written.
    /// `reservingBytes` is the records' size when it is known (the term tables are 40 MB at
    /// 10,000 documents: growing them by doubling touched three times the memory).
    static func table(count: Int, reservingBytes: Int = 0, _ write: (Int, inout ByteWriter) -> Void) -> [UInt8] {
        let blocks = IndexFormat.blockCount(count)
        let headerBytes = 4 + (count + 1) * 4 + blocks * 4
        var out = ByteWriter()
        out.bytes.reserveCapacity(headerBytes + reservingBytes)
        out.bytes += repeatElement(0, count: headerBytes)
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(count + 1)
        for index in 0..<count {
            write(index, &out)
            offsets.append(UInt32(out.bytes.count - headerBytes))
        }
        out.bytes.withUnsafeMutableBytes { raw in
            var cursor = 0
            func put(_ value: UInt32) {
                raw.storeBytes(of: value.littleEndian, toByteOffset: cursor, as: UInt32.self)
                cursor += 4
            }
            put(UInt32(count))
            for offset in offsets { put(offset) }
            let records = UnsafeRawBufferPointer(rebasing: raw[headerBytes...])
            for block in 0..<blocks {
                let first = block * IndexFormat.recordsPerChecksum
                let last = min(first + IndexFormat.recordsPerChecksum, count)
                put(IndexFormat.recordChecksum(UnsafeRawBufferPointer(rebasing: records[Int(offsets[first])..<Int(offsets[last])])))
            }
        }
        return out.bytes
    }

    static func array(_ values: [UInt32]) -> [UInt8] {
        var out = ByteWriter()
        out.bytes.reserveCapacity(values.count * 4)
        for value in values { out.u32(value) }
        return out.bytes
    }
}

/// Reads varints and strings from a record.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var atEnd: Bool { offset >= bytes.count }

    /// A varint; a damaged record reads as 0 rather than past its end (the checksum catches
    /// damage before any reading; this only keeps a bug from becoming a crash).
    @inline(__always) mutating func varint() -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return Int(truncatingIfNeeded: result) }
            shift += 7
            if shift > 63 { break }
        }
        return Int(truncatingIfNeeded: result)
    }

    mutating func string() -> String {
        let length = varint()
        let end = min(offset + max(length, 0), bytes.count)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
        offset = end
        return text
    }

    /// The raw bytes of a length-prefixed field, without copying.
    mutating func slice() -> UnsafeRawBufferPointer {
        let length = varint()
        let end = min(offset + max(length, 0), bytes.count)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
        offset = end
        return slice
    }
}

/// A table section read in place.
struct TableView {
    let base: UnsafeRawBufferPointer
    let count: Int

    init(_ base: UnsafeRawBufferPointer) {
        self.base = base
        count = base.count >= 4 ? Int(base.loadUnaligned(as: UInt32.self).littleEndian) : 0
    }

    var blocks: Int { IndexFormat.blockCount(count) }
    var dataStart: Int { 4 + (count + 1) * 4 + blocks * 4 }
    var isValid: Bool { base.count >= dataStart }

    @inline(__always) func offset(_ index: Int) -> Int {
        Int(base.loadUnaligned(fromByteOffset: 4 + index * 4, as: UInt32.self).littleEndian)
    }

    /// A record's bytes, unchecked (for the probes of a binary search).
    @inline(__always) func record(_ index: Int) -> UnsafeRawBufferPointer {
        let start = offset(index), end = offset(index + 1)
        let lower = min(dataStart + start, base.count), upper = min(dataStart + max(end, start), base.count)
        return UnsafeRawBufferPointer(rebasing: base[lower..<upper])
    }

    /// A record's bytes if the checksum of its block holds, else nil.
    @inline(__always) func checkedRecord(_ index: Int) -> UnsafeRawBufferPointer? {
        guard index >= 0, index < count else { return nil }
        let block = index / IndexFormat.recordsPerChecksum
        let first = block * IndexFormat.recordsPerChecksum, last = min(first + IndexFormat.recordsPerChecksum, count)
        let lower = min(dataStart + offset(first), base.count), upper = min(dataStart + max(offset(last), offset(first)), base.count)
        let stored = base.loadUnaligned(fromByteOffset: 4 + (count + 1) * 4 + block * 4, as: UInt32.self).littleEndian
        guard IndexFormat.recordChecksum(UnsafeRawBufferPointer(rebasing: base[lower..<upper])) == stored else { return nil }
        return record(index)
    }
}

/// A fixed-width u32 array section read in place.
struct U32View {
    let base: UnsafeRawBufferPointer
    var count: Int { base.count / 4 }
    @inline(__always) subscript(index: Int) -> Int {
        Int(base.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self).littleEndian)
    }
}
