import CCmarkGFM

/// The only file that talks to cmark-gfm. It parses GitHub-flavoured Markdown and copies
/// the C tree into `MarkdownNode` values straight away; the C tree is freed before returning.
public enum Markdown {
    /// The GFM extensions attached to every parser.
    static let extensionNames = ["table", "tasklist", "strikethrough", "autolink", "tagfilter"]

    /// Registering the core extensions touches global state: do it exactly once, before any
    /// parsing (Swift runs a static `let` initialiser once, thread-safely).
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// Parses `text` (CommonMark + GFM). Never fails: Markdown has no syntax errors.
    public static func parse(_ text: String) -> MarkdownNode {
        parseWithReferences(text).root
    }

    /// Parses `text` and notes every link, image and raw HTML node on the way.
    public static func parseWithReferences(_ text: String) -> ParsedMarkdown {
        precondition(registered)
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_SOURCEPOS
        guard let parser = cmark_parser_new(options) else {
            return ParsedMarkdown(root: MarkdownNode(kind: .document), references: [])
        }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        var utf8 = text.utf8CString
        utf8.withUnsafeMutableBufferPointer { buffer in
            // The buffer holds a trailing NUL that cmark must not see.
            cmark_parser_feed(parser, buffer.baseAddress, buffer.count - 1)
        }
        guard let root = cmark_parser_finish(parser) else {
            return ParsedMarkdown(root: MarkdownNode(kind: .document), references: [])
        }
        defer { cmark_node_free(root) }
        var references: [MarkdownReference] = []
        let tree = copy(root, references: &references)
        return ParsedMarkdown(root: tree, references: references)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// Whether raw HTML is nothing but `<!-- comments -->` and white space.
    static func isOnlyComments(_ html: String) -> Bool {
        var rest = Substring(html).drop(while: \.isWhitespace)
        guard !rest.isEmpty else { return false }
        while !rest.isEmpty {
            guard rest.hasPrefix("<!--"), let end = rest.range(of: "-->") else { return false }
            rest = rest[end.upperBound...].drop(while: \.isWhitespace)
        }
        return true
    }

    private static func copy(_ node: OpaquePointer, references: inout [MarkdownReference]) -> MarkdownNode {
        let kind = kind(of: node)
        let line = Int(cmark_node_get_start_line(node)), column = Int(cmark_node_get_start_column(node))
        switch kind {
        case .link(let destination, _): references.append(.init(kind: .link, destination: destination, line: line, column: column))
        case .image(let source, _): references.append(.init(kind: .image, destination: source, line: line, column: column))
        case .htmlBlock(let html), .htmlInline(let html):
            // A comment (a note to authors) is dropped quietly; other raw HTML is reported.
            if !isOnlyComments(html) { references.append(.init(kind: .rawHTML, destination: "", line: line, column: column)) }
        default: break
        }
        var children: [MarkdownNode] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            children.append(copy(current, references: &references))
            child = cmark_node_next(current)
        }
        return MarkdownNode(kind: kind, children: children, line: line, column: column)
    }

    private static func kind(of node: OpaquePointer) -> MarkdownNode.Kind {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_DOCUMENT: return .document
        case CMARK_NODE_BLOCK_QUOTE: return .blockQuote
        case CMARK_NODE_LIST:
            return .list(
                ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                start: Int(cmark_node_get_list_start(node)),
                tight: cmark_node_get_list_tight(node) != 0)
        case CMARK_NODE_ITEM:
            if string(cmark_node_get_type_string(node)) == "tasklist" {
                return .item(task: cmark_gfm_extensions_get_tasklist_item_checked(node))
            }
            return .item(task: nil)
        case CMARK_NODE_CODE_BLOCK:
            return .codeBlock(info: string(cmark_node_get_fence_info(node)),
                              literal: string(cmark_node_get_literal(node)))
        case CMARK_NODE_HTML_BLOCK: return .htmlBlock(string(cmark_node_get_literal(node)))
        case CMARK_NODE_PARAGRAPH: return .paragraph
        case CMARK_NODE_HEADING: return .heading(level: Int(cmark_node_get_heading_level(node)))
        case CMARK_NODE_THEMATIC_BREAK: return .thematicBreak
        case CMARK_NODE_TEXT: return .text(string(cmark_node_get_literal(node)))
        case CMARK_NODE_SOFTBREAK: return .softBreak
        case CMARK_NODE_LINEBREAK: return .lineBreak
        case CMARK_NODE_CODE: return .code(string(cmark_node_get_literal(node)))
        case CMARK_NODE_HTML_INLINE: return .htmlInline(string(cmark_node_get_literal(node)))
        case CMARK_NODE_EMPH: return .emphasis
        case CMARK_NODE_STRONG: return .strong
        case CMARK_NODE_LINK:
            return .link(destination: string(cmark_node_get_url(node)),
                         title: string(cmark_node_get_title(node)))
        case CMARK_NODE_IMAGE:
            return .image(source: string(cmark_node_get_url(node)),
                          title: string(cmark_node_get_title(node)))
        default:
            return extensionKind(of: node)
        }
    }

    /// Extension nodes (tables, strikethrough) have no exported type constants: name them.
    private static func extensionKind(of node: OpaquePointer) -> MarkdownNode.Kind {
        let name = string(cmark_node_get_type_string(node))
        switch name {
        case "table":
            let columns = Int(cmark_gfm_extensions_get_table_columns(node))
            var alignments: [MarkdownNode.TableAlignment] = []
            if let raw = cmark_gfm_extensions_get_table_alignments(node) {
                for index in 0..<columns {
                    switch UInt8(raw[index]) {
                    case UInt8(ascii: "l"): alignments.append(.left)
                    case UInt8(ascii: "c"): alignments.append(.center)
                    case UInt8(ascii: "r"): alignments.append(.right)
                    default: alignments.append(.none)
                    }
                }
            }
            return .table(alignments: alignments)
        case "table_header":
            return .tableRow(isHeader: true)
        case "table_row":
            return .tableRow(isHeader: cmark_gfm_extensions_get_table_row_is_header(node) != 0)
        case "table_cell": return .tableCell
        case "strikethrough": return .strikethrough
        default: return .other(name)
        }
    }
}
