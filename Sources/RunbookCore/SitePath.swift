import Foundation

/// Paths inside the generated site. Every link the site writes is relative and names a file,
/// so the site works the same from file:// and from any web server.
enum SitePath {
    /// `dir` with exactly one trailing `/`, for joining display paths (`runbooks/` + `api/a.md`).
    static func folderPrefix(_ folder: String) -> String {
        var trimmed = Substring(folder)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed.hasSuffix("/") ? String(trimmed) : trimmed + "/"
    }

    /// A path relative to the site root, percent-encoded segment by segment for an href.
    static func encodePath(_ path: String) -> String {
        if path.utf8.allSatisfy({ isPlainURLByte($0) || $0 == UInt8(ascii: "/") }) { return path }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { encode($0) }.joined(separator: "/")
    }

    /// `../` repeated once per folder of `page` (a path relative to the site root).
    static func rootPrefix(of page: String) -> String {
        String(repeating: "../", count: page.count(ofByte: UInt8(ascii: "/")))
    }

    /// A relative href from `page` to `target` (both relative to the site root).
    static func href(from page: String, to target: String, anchor: String? = nil) -> String {
        let fromParts = page.split(separator: "/").dropLast()
        let toParts = target.split(separator: "/")
        var common = 0
        while common < fromParts.count, common < toParts.count - 1,
              fromParts[fromParts.startIndex + common] == toParts[common] { common += 1 }
        var href = ""
        href.reserveCapacity(target.utf8.count + 3 * (fromParts.count - common) + (anchor?.utf8.count ?? 0) + 1)
        for _ in common..<fromParts.count { href += "../" }
        for index in common..<toParts.count {
            if index > common { href += "/" }
            href += encode(toParts[index])
        }
        // `a:b.html` would read as a URL with the scheme `a:`; `./a:b.html` cannot.
        if let colon = href.utf8.firstIndex(of: UInt8(ascii: ":")),
           !href.utf8[..<colon].contains(UInt8(ascii: "/")) {
            href = "./" + href
        }
        if let anchor, !anchor.isEmpty { href += "#" + encodeFragment(anchor) }
        return href
    }

    static func encode<S: StringProtocol>(_ segment: S) -> String {
        if segment.utf8.allSatisfy(isPlainURLByte) { return String(segment) }
        return String(segment).addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? String(segment)
    }

    static func encodeFragment(_ fragment: String) -> String {
        if fragment.utf8.allSatisfy(isPlainURLByte) { return fragment }
        return fragment.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed) ?? fragment
    }

    /// Letters, digits and `-._~`: never escaped in a path segment or a fragment.
    private static func isPlainURLByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let segmentAllowed: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "/;?#")
        return set
    }()

    /// A URL as written, cut into its path (without `?query`) and its `#fragment` (percent-decoded).
    static func splitURL(_ url: String) -> (path: String, anchor: String?) {
        let (beforeHash, rawAnchor) = url.splitOnce(UInt8(ascii: "#"))
        let path = String(String(beforeHash).splitOnce(UInt8(ascii: "?")).head)
        return (path, rawAnchor?.percentDecoded())
    }

    /// Joins `relative` onto the folder of `base` (both with `/`), resolving `.` and `..`.
    /// Returns nil when the result would leave the root. On bytes: the link checker resolves
    /// every distinct link of every folder (tens of thousands at 10,000 documents), and
    /// splitting Strings into Characters cost it half a second.
    static func resolve(_ relative: String, againstFolderOf base: String) -> String? {
        var relative = relative, base = base
        return relative.withUTF8 { relative in base.withUTF8 { base in resolve(relative, againstFolderOf: base) } }
    }

    private static func resolve(_ relative: UnsafeBufferPointer<UInt8>, againstFolderOf base: UnsafeBufferPointer<UInt8>) -> String? {
        let slash = UInt8(ascii: "/")
        func isDotSegment(_ segment: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            (segment.count == 1 || segment.count == 2) && bytes[segment].allSatisfy { $0 == UInt8(ascii: ".") }
        }
        /// The segments of `bytes` between slashes, empty ones included.
        func segments(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
            var out: [Range<Int>] = [], start = 0
            for index in 0..<bytes.count where bytes[index] == slash {
                out.append(start..<index)
                start = index + 1
            }
            out.append(start..<bytes.count)
            return out
        }
        let relativeSegments = segments(relative)
        // Fast path: a plain `name/…` (no `.` or `..` segment, no `//`), not from the root.
        let hasDotSegment = relativeSegments.indices.contains { index in
            isDotSegment(relativeSegments[index], of: relative)
                || (index > 0 && index < relativeSegments.count - 1 && relativeSegments[index].isEmpty)
        }
        let endsWithSlash = relative.last == slash
        if !hasDotSegment && !relative.isEmpty && relative.first != slash {
            guard let lastSlash = base.lastIndex(of: slash) else {
                return String(decoding: endsWithSlash ? UnsafeBufferPointer(rebasing: relative.dropLast()) : relative, as: UTF8.self)
            }
            if !endsWithSlash {
                var joined = Array(base[...lastSlash])
                joined += relative
                return String(decoding: joined, as: UTF8.self)
            }
        }
        // Segments of the result: (from the relative path?, range); empty segments are dropped.
        var parts: [(fromRelative: Bool, range: Range<Int>)] = []
        if relative.first != slash {
            parts = segments(base).filter { !$0.isEmpty }.dropLast().map { (false, $0) }
        }
        for segment in relativeSegments where !segment.isEmpty {
            if isDotSegment(segment, of: relative) {
                if segment.count == 1 { continue }  // `.`
                if parts.isEmpty { return nil }  // `..` above the root
                parts.removeLast()
            } else {
                parts.append((true, segment))
            }
        }
        var joined: [UInt8] = []
        joined.reserveCapacity(base.count + relative.count)
        for (index, part) in parts.enumerated() {
            if index > 0 { joined.append(slash) }
            joined += (part.fromRelative ? relative : base)[part.range]
        }
        return String(decoding: joined, as: UTF8.self)
    }
}
