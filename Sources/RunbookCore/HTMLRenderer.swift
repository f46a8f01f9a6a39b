/// Renders a document's Markdown tree to HTML: heading anchors, task-list checkboxes, tables,
/// code blocks with a copy button, and links rewritten to the generated pages. Raw HTML in the
/// source is never passed through.
struct HTMLRenderer {
    /// Maps a link or image destination as written to the href to write.
    typealias LinkRewriter = (_ destination: String) -> String

    let headingIDs: [String]
    let rewrite: LinkRewriter
    /// Skip the first block (an H1 that repeats the page title).
    let skipFirstBlock: Bool

    private var out = ""
    private var headingIndex = 0

    init(headingIDs: [String], skipFirstBlock: Bool, rewrite: @escaping LinkRewriter) {
        self.headingIDs = headingIDs
        self.skipFirstBlock = skipFirstBlock
        self.rewrite = rewrite
    }

    mutating func render(_ document: MarkdownNode) -> String {
        out.reserveCapacity(8192)
        for (index, block) in document.children.enumerated() {
            if case .heading = block.kind, index == 0, skipFirstBlock {
                // The page shows the title already; keep the heading's anchor for links to it.
                if let id = headingIDs.first { out += "<span id=\"\(HTML.escape(id))\"></span>\n" }
                headingIndex += 1
                continue
            }
            renderBlock(block, tight: false)
        }
        return out
    }

    private mutating func renderChildren(_ node: MarkdownNode, tight: Bool = false) {
        for child in node.children { renderBlock(child, tight: tight) }
    }

    private mutating func renderBlock(_ node: MarkdownNode, tight: Bool) {
        switch node.kind {
        case .document:
            renderChildren(node)
        case .blockQuote:
            out += "<blockquote>\n"
            renderChildren(node)
            out += "</blockquote>\n"
        case .list(let ordered, let start, let isTight):
            let isTaskList = node.children.contains { if case .item(task: .some) = $0.kind { return true } else { return false } }
            let classAttribute = isTaskList ? " class=\"tasks\"" : ""
            if ordered {
                out += start == 1 ? "<ol\(classAttribute)>\n" : "<ol\(classAttribute) start=\"\(start)\">\n"
            } else {
                out += "<ul\(classAttribute)>\n"
            }
            for item in node.children { renderBlock(item, tight: isTight) }
            out += ordered ? "</ol>\n" : "</ul>\n"
        case .item(let task):
            if let checked = task {
                out += "<li class=\"task\"><input type=\"checkbox\" disabled\(checked ? " checked" : "")> "
            } else {
                out += "<li>"
            }
            for (index, child) in node.children.enumerated() {
                if tight, case .paragraph = child.kind {
                    renderInlines(child)
                    if index < node.children.count - 1 { out += "\n" }
                } else {
                    if index == 0 { out += "\n" }
                    renderBlock(child, tight: tight)
                }
            }
            out += "</li>\n"
        case .codeBlock(let info, let literal):
            let language = info.split(separator: " ").first.map(String.init) ?? ""
            out += "<div class=\"code\"><button class=\"copy\" type=\"button\" aria-label=\"Copy code\">Copy</button>"
            if language.isEmpty {
                out += "<pre><code>"
            } else {
                out += "<pre><code class=\"language-\(HTML.escape(language))\">"
            }
            out += HTML.escape(literal)
            out += "</code></pre></div>\n"
        case .htmlBlock:
            out += "<!-- raw HTML omitted -->\n"
        case .paragraph:
            out += "<p>"
            renderInlines(node)
            out += "</p>\n"
        case .heading(let level):
            let id = headingIndex < headingIDs.count ? headingIDs[headingIndex] : Slug.make(node.plainText)
            headingIndex += 1
            let escapedID = HTML.escape(id)
            out += "<h\(level) id=\"\(escapedID)\">"
            renderInlines(node)
            out += "<a class=\"anchor\" href=\"#\(HTML.escape(SitePath.encodeFragment(id)))\" aria-label=\"Link to this section\">#</a></h\(level)>\n"
        case .thematicBreak:
            out += "<hr>\n"
        case .table(let alignments):
            out += "<div class=\"table\"><table>\n"
            var inBody = false
            for row in node.children {
                guard case .tableRow(let isHeader) = row.kind else { continue }
                if isHeader {
                    out += "<thead>\n"
                } else if !inBody {
                    out += "<tbody>\n"
                    inBody = true
                }
                out += "<tr>"
                let cellTag = isHeader ? "th" : "td"
                for (column, cell) in row.children.enumerated() {
                    let alignment = column < alignments.count ? alignments[column] : .none
                    switch alignment {
                    case .none: out += "<\(cellTag)>"
                    case .left: out += "<\(cellTag) style=\"text-align:left\">"
                    case .center: out += "<\(cellTag) style=\"text-align:center\">"
                    case .right: out += "<\(cellTag) style=\"text-align:right\">"
                    }
                    renderInlines(cell)
                    out += "</\(cellTag)>"
                }
                out += "</tr>\n"
                if isHeader { out += "</thead>\n" }
            }
            if inBody { out += "</tbody>\n" }
            out += "</table></div>\n"
        case .tableRow, .tableCell:
            renderInlines(node)
        case .other:
            renderChildren(node)
        default:
            // An inline at block level (cannot come from cmark, but render it rather than drop it).
            renderInline(node)
        }
    }

    private mutating func renderInlines(_ node: MarkdownNode) {
        for child in node.children { renderInline(child) }
    }

    private mutating func renderInline(_ node: MarkdownNode) {
        switch node.kind {
        case .text(let text): out += HTML.escape(text)
        case .softBreak: out += "\n"
        case .lineBreak: out += "<br>\n"
        case .code(let code): out += "<code>\(HTML.escape(code))</code>"
        case .htmlInline:
            break
        case .emphasis:
            out += "<em>"; renderInlines(node); out += "</em>"
        case .strong:
            out += "<strong>"; renderInlines(node); out += "</strong>"
        case .strikethrough:
            out += "<del>"; renderInlines(node); out += "</del>"
        case .link(let destination, let title):
            // No target, or a scheme that could run code: the words without a link.
            guard !destination.isEmpty, LinkResolver.isSafeLink(destination) else {
                renderInlines(node)
                return
            }
            let href = rewrite(destination)
            out += "<a href=\"\(HTML.escape(href))\""
            if !title.isEmpty { out += " title=\"\(HTML.escape(title))\"" }
            out += ">"
            renderInlines(node)
            out += "</a>"
        case .image(let source, let title):
            let alt = node.plainText
            if LinkResolver.isInlineImage(source) {
                out += "<img src=\"\(HTML.escape(source))\" alt=\"\(HTML.escape(alt))\">"
            } else if !LinkResolver.isSafeLink(source) {
                out += HTML.escape(alt)
            } else if LinkResolver.isExternal(source) {
                // Loading it would make a request leave the page: offer it as a link instead.
                out += "<a class=\"external-image\" href=\"\(HTML.escape(source))\">\(HTML.escape(alt.isEmpty ? source : alt)) (image)</a>"
            } else {
                let src = rewrite(source)
                out += "<img src=\"\(HTML.escape(src))\" alt=\"\(HTML.escape(alt))\""
                if !title.isEmpty { out += " title=\"\(HTML.escape(title))\"" }
                out += ">"
            }
        default:
            renderBlock(node, tight: false)
        }
    }
}
