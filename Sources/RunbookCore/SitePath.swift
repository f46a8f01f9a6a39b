import Foundation

/// Paths inside the generated site. Every link the site writes is relative and names a file,
/// so the site works the same from file:// and from any web server.
enum SitePath {
    /// `../` repeated once per folder of `page` (a path relative to the site root).
    static func rootPrefix(of page: String) -> String {
        String(repeating: "../", count: page.split(separator: "/").count - 1)
    }

    /// A relative href from `page` to `target` (both relative to the site root).
    static func href(from page: String, to target: String, anchor: String? = nil) -> String {
        let fromParts = page.split(separator: "/").dropLast()
        let toParts = target.split(separator: "/")
        var common = 0
        while common < fromParts.count, common < toParts.count - 1,
              fromParts[fromParts.startIndex + common] == toParts[common] { common += 1 }
        let up = String(repeating: "../", count: fromParts.count - common)
        let down = toParts[common...].map { encode(String($0)) }.joined(separator: "/")
        var href = up + down
        if let anchor, !anchor.isEmpty { href += "#" + encodeFragment(anchor) }
        return href
    }

    static func encode(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? segment
    }

    static func encodeFragment(_ fragment: String) -> String {
        fragment.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed) ?? fragment
    }

    private static let segmentAllowed: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "/;?#")
        return set
    }()

    /// Joins `relative` onto the folder of `base` (both with `/`), resolving `.` and `..`.
    /// Returns nil when the result would leave the root.
    static func resolve(_ relative: String, againstFolderOf base: String) -> String? {
        var parts = relative.hasPrefix("/") ? [] : base.split(separator: "/").dropLast().map(String.init)
        for part in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if parts.isEmpty { return nil }
                parts.removeLast()
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
