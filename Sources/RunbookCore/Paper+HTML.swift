/// Paper as an HTML page laid out for a browser's Print: the same blocks as the PDF, with a
/// print stylesheet (`assets/paper.css`) that keeps headings with what follows, never splits
/// an item, and numbers pages "page 1 of 3" in the page margin.
extension Paper {
    public enum Stylesheet: Sendable {
        /// The stylesheet inside the page (a file to send or print on its own).
        case inline
        /// A link to the site's copy, relative to the page (`../assets/paper.css`).
        case link(String)
    }

    static let stylesheetAsset = "paper.css"

    /// The built-in print stylesheet.
    static var builtInStylesheet: String { EmbeddedTemplates.files[TemplateSet.assetsPrefix + stylesheetAsset] ?? "" }

    /// - Parameters:
    ///   - size: the paper size for `@page`; nil leaves it to the printer's setting (the site).
    ///   - backLink: on screen, a link back to the page this paper was made from.
    public func html(size: PaperSize?, stylesheet: Stylesheet, backLink: (href: String, text: String)? = nil) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(HTML.escape(title)) · print view</title>\n"
        switch stylesheet {
        case .inline: out += "<style>\n\(Paper.builtInStylesheet)</style>\n"
        case .link(let href): out += "<link rel=\"stylesheet\" href=\"\(HTML.escape(href))\">\n"
        }
        // The page furniture names this paper, so it cannot live in the shared stylesheet.
        out += "<style>@page { \(size.map { "size: \($0.css); " } ?? "")"
        out += "@bottom-left { content: \(Paper.cssString(footer.text)); } "
        out += "@bottom-right { content: \"page \" counter(page) \" of \" counter(pages); } "
        out += "@top-left { content: \(Paper.cssString(title + " · " + subtitle)); } } "
        out += "@page :first { @top-left { content: none; } }</style>\n"
        out += "</head>\n<body class=\"paper paper-\(purpose == .checklist ? "checklist" : purpose == .responderPacket ? "responder" : "facilitator")\">\n"
        out += "<p class=\"screen-only paper-help\">"
        if let backLink { out += "<a href=\"\(HTML.escape(backLink.href))\">← \(HTML.escape(backLink.text))</a> · " }
        out += "This page is laid out for paper: print it with your browser (Ctrl+P or ⌘P).</p>\n"
        out += "<header class=\"paper-title\"><h1>\(HTML.escape(title))</h1><p class=\"subtitle\">\(HTML.escape(subtitle))</p></header>\n"
        for (index, block) in blocks.enumerated() {
            out += html(of: block, showsColumns: sectionHasItems(headingAt: index))
        }
        out += "<footer class=\"screen-only paper-footer\">\(HTML.escape(footer.text))</footer>\n"
        out += "</body>\n</html>\n"
        return out
    }

    private func html(of block: PaperBlock, showsColumns: Bool) -> String {
        switch block {
        case .incidentHeader:
            var out = "<div class=\"fields\">"
            out += "<div class=\"field wide\">\(HTML.escape(PaperWords.incidentName)):</div>"
            out += "<div class=\"field\">\(HTML.escape(PaperWords.date)):</div></div>\n<div class=\"fields roles\">"
            out += PaperWords.roles.map { "<div class=\"field\">\(HTML.escape($0)):</div>" }.joined()
            return out + "</div>\n"
        case .timeBoxes:
            return "<div class=\"timeboxes\">" + PaperWords.timeBoxes.map {
                "<div class=\"timebox\"><b>\(HTML.escape($0))</b><small>\(HTML.escape(PaperWords.timeHint))</small></div>"
            }.joined() + "</div>\n"
        case .heading(let level, let text):
            let tag = "h\(min(level + 1, 6))"
            var columns = ""
            if showsColumns {
                columns = "<span class=\"columns\">" + PaperWords.itemColumns.map { "<span>\(HTML.escape($0))</span>" }.joined() + "</span>"
            }
            return "<\(tag) class=\"paper-heading level-\(level)\"><span class=\"text\">\(Paper.html(text))</span>\(columns)</\(tag)>\n"
        case .note(let text, let marker, let depth):
            let markerHTML = marker.map { "<span class=\"marker\">\(HTML.escape($0))</span>" } ?? ""
            return "<p class=\"note depth-\(depth)\(marker == nil ? "" : " listed")\">\(markerHTML)<span class=\"text\">\(Paper.html(text))</span></p>\n"
        case .item(let text, let depth):
            return "<div class=\"item depth-\(depth)\"><span class=\"box\" aria-hidden=\"true\"></span>"
                + "<span class=\"text\">\(Paper.html(text))</span><span class=\"blank\" aria-label=\"time\"></span>"
                + "<span class=\"blank\" aria-label=\"initials\"></span></div>\n"
        case .code(let code, let depth):
            return "<pre class=\"code depth-\(depth)\"><code>\(HTML.escape(code))</code></pre>\n"
        case .table(let rows):
            guard let header = rows.first else { return "" }
            var out = "<table class=\"doc-table\"><thead><tr>" + header.map { "<th>\(Paper.html($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in rows.dropFirst() { out += "<tr>" + row.map { "<td>\(Paper.html($0))</td>" }.joined() + "</tr>" }
            return out + "</tbody></table>\n"
        case .form(let form):
            var out = "<section class=\"form form-\(form.id)\"><h2 class=\"paper-heading level-2\"><span class=\"text\">\(HTML.escape(form.title))</span></h2>"
            // Column widths come from paper.css (inline styles would be unsafe to allow).
            out += "<p class=\"note\">\(HTML.escape(form.instructions))</p>\n<table>"
            out += "<thead><tr>" + form.columns.map { "<th>\(HTML.escape($0.title))</th>" }.joined() + "</tr></thead><tbody>"
            let emptyRow = "<tr>" + String(repeating: "<td></td>", count: form.columns.count) + "</tr>"
            out += String(repeating: emptyRow, count: form.rows)
            return out + "</tbody></table></section>\n"
        case .symptom(let symptom):
            var out = "<div class=\"symptom\"><h3>\(HTML.escape(symptom.title)) <small>(\(HTML.escape(symptom.id)))</small></h3>"
            out += "<p>\(HTML.escape(symptom.summary))</p>"
            if !symptom.examples.isEmpty {
                out += "<p><b>\(PaperWords.looksLike):</b> " + symptom.examples.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " · ") + "</p>"
            }
            if !symptom.causes.isEmpty {
                out += "<p><b>\(PaperWords.usualCauses):</b> " + symptom.causes.enumerated().map {
                    "\($0.offset + 1). \(HTML.escape($0.element))"
                }.joined(separator: " ") + "</p>"
            }
            if let check = symptom.firstCheck {
                out += "<p><b>\(PaperWords.firstCheck):</b></p><pre class=\"code\"><code>\(HTML.escape(check))</code></pre>"
            }
            if let tellApart = symptom.tellApart { out += "<p class=\"tell-apart\"><i>\(HTML.escape(tellApart))</i></p>" }
            return out + "</div>\n"
        case .pageBreak:
            return "<div class=\"page-break\"></div>\n"
        }
    }

    static func html(_ text: PaperText) -> String {
        text.map { run in
            let escaped = HTML.escape(run.text)
            switch run.style {
            case .plain: return escaped
            case .code: return "<code>\(escaped)</code>"
            case .emphasis: return "<em>\(escaped)</em>"
            case .strong: return "<strong>\(escaped)</strong>"
            }
        }.joined()
    }

    /// A CSS string literal.
    static func cssString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\3C "  // keeps `</style>` out of the style element
            case "\n", "\r": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
