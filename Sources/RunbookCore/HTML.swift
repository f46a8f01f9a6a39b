import Mustache

/// Escaping for text and attribute values in generated HTML.
enum HTML {
    /// Escapes `<`, `>`, `&`, `"` and `'`, the same characters as swift-mustache's own
    /// HTML content type (and replaces NUL), working on UTF-8 bytes.
    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        let clean = utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes where needsEscape(byte) { return false }
            return true
        } ?? !utf8.contains(where: needsEscape)
        if clean { return text }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count + 32)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            case 0: out.append(contentsOf: "\u{FFFD}".utf8)  // NUL is not allowed in HTML text
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        // All five are below "?" (0x3F): one comparison rules out most bytes.
        byte < 0x3F && (byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == 0)
    }
}

/// swift-mustache's HTML escaping goes character by character through a dictionary, which
/// made escaping most of the cost of rendering a page. This content type escapes the same
/// characters, faster; every template is parsed with it (see `TemplateSet`).
struct FastHTMLContentType: MustacheContentType {
    static let name = "RUNBOOK_HTML"
    /// Put in front of every template's text. It sits on the template's first line, so line
    /// numbers in parse errors stay right (columns on line 1 are corrected).
    static let pragma = "{{% CONTENT_TYPE: \(name) }}"

    static let registered: Bool = {
        MustacheContentTypes.register(FastHTMLContentType(), named: name)
        return true
    }()

    func escapeText(_ text: String) -> String { HTML.escape(text) }
}
