import Foundation

/// Native replacements for Foundation string helpers that go through NSString on Linux and
/// showed up in the build's profile.
extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmed() -> String {
        let whole = Substring(self)
        let utf8 = whole.utf8
        var start = utf8.startIndex, end = utf8.endIndex
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return String(whole[start..<end])
    }

    /// `removingPercentEncoding`, without the cost when there is nothing to decode.
    func percentDecoded() -> String {
        guard utf8.contains(UInt8(ascii: "%")) else { return String(self) }
        return String(self).removingPercentEncoding ?? String(self)
    }
}

extension String {
    /// The parts before and after the first `separator` byte (an ASCII character), found on
    /// the UTF-8 view rather than by Character.
    func splitOnce(_ separator: UInt8) -> (head: Substring, tail: Substring?) {
        guard let index = utf8.firstIndex(of: separator) else { return (Substring(self), nil) }
        return (self[..<index], self[utf8.index(after: index)...])
    }

    func count(ofByte byte: UInt8) -> Int {
        var n = 0
        for b in utf8 where b == byte { n += 1 }
        return n
    }
}
