/// Heading anchors the way GitHub makes them, so links written for GitHub keep working:
/// lowercase, drop everything but letters, digits, spaces, `-` and `_`, spaces become `-`.
public enum Slug {
    public static func make(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.lowercased() {
            if character == " " {
                out.append("-")
            } else if character == "-" || character == "_" || character.isLetter || character.isNumber {
                out.append(character)
            }
        }
        return out
    }

    /// A slug safe for a file name (tags): lowercase letters and digits of any script, `_` and
    /// inner `.`; every other run of characters becomes one `-`. Never empty, never starts
    /// with a dot.
    public static func fileName(_ text: String) -> String {
        var out = ""
        var pendingDash = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "_" || (character == "." && !out.isEmpty) {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.append(character)
            } else {
                pendingDash = true
            }
        }
        return out.isEmpty ? "untitled" : out
    }
}

/// Gives each heading of one page a unique id, numbering repeats as GitHub does (`-1`, `-2`).
struct Slugger {
    private var used: [String: Int] = [:]

    mutating func unique(_ text: String) -> String {
        var base = Slug.make(text)
        if base.isEmpty { base = "section" }
        guard let count = used[base] else {
            used[base] = 1
            return base
        }
        var n = count
        var candidate = "\(base)-\(n)"
        while used[candidate] != nil {
            n += 1
            candidate = "\(base)-\(n)"
        }
        used[base] = n + 1
        used[candidate] = 1
        return candidate
    }
}
