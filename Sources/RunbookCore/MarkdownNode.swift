/// A Markdown syntax tree as plain Swift values, copied out of cmark-gfm's C tree at once
/// (see `Markdown.swift`), so that everything after parsing is ordinary, thread-safe Swift.
public struct MarkdownNode: Sendable, Equatable {
    public enum TableAlignment: Sendable, Equatable { case none, left, center, right }

    public enum Kind: Sendable, Equatable {
        case document
        case blockQuote
        case list(ordered: Bool, start: Int, tight: Bool)
        /// A list item; `task` is nil for a plain item, else whether the box is ticked.
        case item(task: Bool?)
        case codeBlock(info: String, literal: String)
        case htmlBlock(String)
        case paragraph
        case heading(level: Int)
        case thematicBreak
        case table(alignments: [TableAlignment])
        case tableRow(isHeader: Bool)
        case tableCell
        case text(String)
        case softBreak
        case lineBreak
        case code(String)
        case htmlInline(String)
        case emphasis
        case strong
        case strikethrough
        case link(destination: String, title: String)
        case image(source: String, title: String)
        /// A node type this renderer does not know (a future extension): its children still render.
        case other(String)
    }

    public var kind: Kind
    public var children: [MarkdownNode]
    /// 1-based position in the Markdown text that was parsed (0 when cmark gives none).
    public var line: Int
    public var column: Int

    public init(kind: Kind, children: [MarkdownNode] = [], line: Int = 0, column: Int = 0) {
        self.kind = kind
        self.children = children
        self.line = line
        self.column = column
    }
}

extension MarkdownNode {
    /// The text a reader sees, without markup (used for heading slugs, titles and snippets).
    public var plainText: String {
        var out = ""
        appendPlainText(to: &out)
        return out
    }

    private func appendPlainText(to out: inout String) {
        switch kind {
        case .text(let s), .code(let s): out += s
        case .softBreak, .lineBreak: out += " "
        case .codeBlock(_, let literal): out += literal
        case .htmlBlock, .htmlInline: break
        default:
            for child in children { child.appendPlainText(to: &out) }
        }
    }

    /// Calls `visit` on this node and every descendant, depth first, in document order.
    public func forEach(_ visit: (MarkdownNode) -> Void) {
        visit(self)
        for child in children { child.forEach(visit) }
    }
}

/// A place in a document that points somewhere or holds raw HTML, noted while the tree is
/// copied out of cmark so that checking links needs no second walk over the tree.
public struct MarkdownReference: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case link, image, rawHTML }
    public var kind: Kind
    /// The destination as written (empty for raw HTML).
    public var destination: String
    /// 1-based position in the parsed Markdown text.
    public var line: Int
    public var column: Int
}

/// A parsed Markdown text: its tree and the references found in it, in document order.
public struct ParsedMarkdown: Sendable {
    public var root: MarkdownNode
    public var references: [MarkdownReference]
}
