import Foundation

/// Just enough CSS reading to find what a stylesheet loads: `url(…)` and `@import "…"`.
enum CSS {
    static func urls(in css: String) -> [String] {
        var out: [String] = []
        var rest = Substring(css)
        while let match = rest.range(of: "url(", options: .caseInsensitive) {
            let after = rest[match.upperBound...]
            guard let close = after.firstIndex(of: ")") else { break }
            out.append(unquote(after[..<close]))
            rest = after[close...]
        }
        rest = Substring(css)
        while let match = rest.range(of: "@import", options: .caseInsensitive) {
            var after = rest[match.upperBound...].drop(while: { $0 == " " || $0 == "\t" })
            if let quote = after.first, quote == "\"" || quote == "'" {
                after = after.dropFirst()
                if let end = after.firstIndex(of: quote) { out.append(String(after[..<end])) }
            }
            rest = after
        }
        return out.filter { !$0.isEmpty }
    }

    private static func unquote(_ text: Substring) -> String {
        var value = text.trimmed()
        if let first = value.first, first == "\"" || first == "'", value.count >= 2, value.last == first {
            value = String(value.dropFirst().dropLast())
        }
        return value
    }
}
