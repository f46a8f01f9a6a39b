/// Paper sizes, in PostScript points (1/72 inch).
public enum PaperSize: String, Sendable, CaseIterable {
    case a4, letter

    var points: (width: Double, height: Double) {
        switch self {
        case .a4: return (595.276, 841.890)
        case .letter: return (612, 792)
        }
    }

    /// The CSS `@page` size.
    var css: String { self == .a4 ? "A4" : "letter" }
}

/// Paper as a PDF, drawn by Pango and cairo: real text, DejaVu fonts, boxes drawn as lines.
///
/// Layout first cuts the paper into pieces that must stay whole (an item, a form row, a
/// symptom), measures them, and places them on pages: a heading goes with what follows it,
/// a piece that does not fit starts a new page, a form's column titles repeat on a new page.
/// Then it draws, knowing the page count for "page 1 of 3".
extension Paper {
    public func writePDF(to path: String, size: PaperSize) throws {
        let library = try PangoCairo()
        let (width, height) = size.points
        let canvas = try PDFCanvas(path: path, width: width, height: height, title: title, library: library)
        let layout = PDFLayout(paper: self, canvas: canvas, pageWidth: width, pageHeight: height)
        layout.draw()
        try canvas.finish(path: path)
    }
}

/// Measures, places and draws one paper.
private struct PDFLayout {
    enum Font {
        static let title = "DejaVu Sans Bold 17"
        static let subtitle = "DejaVu Sans 9"
        static let heading1 = "DejaVu Sans Bold 14"
        static let heading2 = "DejaVu Sans Bold 12"
        static let heading3 = "DejaVu Sans Bold 10.5"
        static let item = "DejaVu Sans 10"
        static let note = "DejaVu Sans 9"
        static let code = "DejaVu Sans Mono 8"
        static let label = "DejaVu Sans 8.5"
        static let small = "DejaVu Sans 7"
        static let symptomTitle = "DejaVu Sans Bold 10.5"
        static let symptomText = "DejaVu Sans 8.5"
    }
    enum Metric {
        static let margin = 44.0
        static let bottomMargin = 60.0
        static let footerBaseline = 30.0
        static let runningHeader = 26.0
        static let indent = 20.0
        static let checkbox = 13.0
        static let checkboxGap = 8.0
        static let timeColumn = 48.0
        static let initialsColumn = 40.0
        static let columnGap = 10.0
        static let itemGap = 7.0
        static let noteGap = 4.0
        static let formRow = 22.0
        static let formHeader = 17.0
        static let fieldRow = 26.0
        static let timeBox = 40.0
        static let boxLine = 1.1
        static let thinLine = 0.5
        static let lightGray = 0.55
        static let fillGray = 0.9
    }

    struct Piece {
        var height: Double
        var keepWithNext = false
        var pageBreak = false
        /// A piece to draw again first when a new page starts at this one (a form's column titles).
        var header: Int?
        var draw: (Double) -> Void = { _ in }
    }

    let paper: Paper
    let canvas: PDFCanvas
    let pageWidth: Double
    let pageHeight: Double
    var left: Double { Metric.margin }
    var contentWidth: Double { pageWidth - 2 * Metric.margin }
    var bottom: Double { pageHeight - Metric.bottomMargin }

    func draw() {
        var pieces: [Piece] = [titlePiece()]
        for (index, block) in paper.blocks.enumerated() {
            // A piece's `header` counts within its block; here it becomes a place in the whole.
            let base = pieces.count
            pieces += self.pieces(for: block, showsColumns: paper.sectionHasItems(headingAt: index)).map { piece in
                var piece = piece
                piece.header = piece.header.map { $0 + base }
                return piece
            }
        }
        let pages = paginate(pieces)
        for (number, page) in pages.enumerated() {
            if number > 0 { canvas.newPage(); runningHeader() }
            for (piece, y) in page { pieces[piece].draw(y) }
            footer(page: number + 1, of: pages.count)
        }
    }

    /// Places pieces on pages: (piece index, top y) per page.
    private func paginate(_ pieces: [Piece]) -> [[(Int, Double)]] {
        let firstTop = Metric.margin
        let top = Metric.margin + Metric.runningHeader
        var pages: [[(Int, Double)]] = [[]]
        var y = firstTop
        func newPage() {
            pages.append([])
            y = top
        }
        var index = 0
        while index < pieces.count {
            let piece = pieces[index]
            if piece.pageBreak {
                if !pages[pages.count - 1].isEmpty, y > top { newPage() }
                index += 1
                continue
            }
            // A heading and what it leads to go together: measure the chain.
            var chain = piece.height
            var last = index
            while pieces[last].keepWithNext, last + 1 < pieces.count, !pieces[last + 1].pageBreak {
                last += 1
                chain += pieces[last].height
            }
            let atTop = pages[pages.count - 1].isEmpty || y <= top
            if y + chain > bottom, !atTop { newPage() }
            for position in index...last {
                if y + pieces[position].height > bottom, y > top { newPage() }
                if y == top, let header = pieces[position].header, pages.count > 1 {
                    pages[pages.count - 1].append((header, y))
                    y += pieces[header].height
                }
                pages[pages.count - 1].append((position, y))
                y += pieces[position].height
            }
            index = last + 1
        }
        return pages
    }

    // MARK: - Page furniture

    private func titlePiece() -> Piece {
        let titleHeight = canvas.text(Paper.markup(escaping: paper.title), font: Font.title, x: 0, y: 0, width: contentWidth, draw: false)
        let subtitleHeight = canvas.text(Paper.markup(escaping: paper.subtitle), font: Font.subtitle, x: 0, y: 0, width: contentWidth, draw: false)
        let height = titleHeight + subtitleHeight + 14
        // The facilitator's sheet says so in a frame, so it is not handed out by mistake.
        let framed = paper.purpose == .facilitatorSheet
        let subtitle = framed ? "<b>" + Paper.markup(escaping: paper.subtitle) + "</b>" : Paper.markup(escaping: paper.subtitle)
        return Piece(height: height + (framed ? 4 : 0)) { y in
            canvas.text(Paper.markup(escaping: paper.title), font: Font.title, x: left, y: y, width: contentWidth)
            let subtitleY = y + titleHeight + (framed ? 4 : 2)
            if framed {
                canvas.box(x: left, y: subtitleY - 2, width: contentWidth, height: subtitleHeight + 4, lineWidth: 1.5)
                canvas.text(subtitle, font: Font.subtitle, x: left + 5, y: subtitleY, width: contentWidth - 10)
            } else {
                canvas.text(subtitle, font: Font.subtitle, x: left, y: subtitleY, width: contentWidth)
            }
            let ruleY = y + titleHeight + subtitleHeight + (framed ? 10 : 6)
            canvas.line(from: (left, ruleY), to: (left + contentWidth, ruleY), width: 1.5)
        }
    }

    private func runningHeader() {
        let text = Paper.markup(escaping: paper.title) + "  ·  " + Paper.markup(escaping: paper.subtitle)
        canvas.text(text, font: Font.small, x: left, y: Metric.margin - 12, width: contentWidth)
        canvas.line(from: (left, Metric.margin + 2), to: (left + contentWidth, Metric.margin + 2), width: Metric.thinLine)
    }

    private func footer(page: Int, of count: Int) {
        let y = pageHeight - Metric.footerBaseline - 8
        canvas.line(from: (left, y - 4), to: (left + contentWidth, y - 4), width: Metric.thinLine)
        let pageText = PaperFooter.pageText(page, of: count)
        let pageWidth = 70.0
        canvas.text(Paper.markup(escaping: paper.footer.text), font: Font.small, x: left, y: y, width: contentWidth - pageWidth - 10)
        canvas.text("<b>" + Paper.markup(escaping: pageText) + "</b>", font: Font.small, x: left + contentWidth - pageWidth, y: y,
                    width: pageWidth, alignRight: true)
    }

    // MARK: - Blocks

    private func pieces(for block: PaperBlock, showsColumns: Bool) -> [Piece] {
        switch block {
        case .incidentHeader: return [incidentHeader()]
        case .timeBoxes: return [timeBoxes()]
        case .heading(let level, let text): return [heading(level: level, text: text, showsColumns: showsColumns)]
        case .note(let text, let marker, let depth): return [note(text, marker: marker, depth: depth)]
        case .item(let text, let depth): return [item(text, depth: depth)]
        case .code(let code, let depth): return [codeBlock(code, depth: depth)]
        case .table(let rows): return tablePieces(rows)
        case .form(let form): return formPieces(form)
        case .symptom(let symptom): return [symptomPiece(symptom)]
        case .pageBreak: return [Piece(height: 0, pageBreak: true)]
        }
    }


    private func incidentHeader() -> Piece {
        let rows: [[(String, Double)]] = [
            [(PaperWords.incidentName, 0.68), (PaperWords.date, 0.32)],
            PaperWords.roles.map { ($0, 1.0 / Double(PaperWords.roles.count)) },
        ]
        return Piece(height: Double(rows.count) * Metric.fieldRow + 8) { y in
            for (rowIndex, row) in rows.enumerated() {
                var x = left
                let rowY = y + Double(rowIndex) * Metric.fieldRow
                for (label, share) in row {
                    let width = contentWidth * share
                    canvas.text(Paper.markup(escaping: label + ":"), font: Font.label, x: x, y: rowY + 6, width: width)
                    canvas.line(from: (x, rowY + Metric.fieldRow - 4), to: (x + width - 12, rowY + Metric.fieldRow - 4), width: Metric.thinLine)
                    x += width
                }
            }
        }
    }

    private func timeBoxes() -> Piece {
        let labels = PaperWords.timeBoxes
        let gap = 8.0
        let width = (contentWidth - gap * Double(labels.count - 1)) / Double(labels.count)
        return Piece(height: Metric.timeBox + 14) { y in
            for (index, label) in labels.enumerated() {
                let x = left + Double(index) * (width + gap)
                canvas.box(x: x, y: y + 4, width: width, height: Metric.timeBox, lineWidth: Metric.boxLine)
                canvas.text("<b>" + Paper.markup(escaping: label) + "</b>", font: Font.label, x: x + 5, y: y + 7, width: width - 10)
                canvas.text(Paper.markup(escaping: PaperWords.timeHint), font: Font.small, x: x + 5, y: y + 4 + Metric.timeBox - 13,
                            width: width - 10, alignRight: true)
            }
        }
    }

    private func heading(level: Int, text: PaperText, showsColumns: Bool) -> Piece {
        let font = level <= 1 ? Font.heading1 : level == 2 ? Font.heading2 : Font.heading3
        let markup = Paper.markup(text)
        let columnsWidth = showsColumns ? Metric.timeColumn + Metric.initialsColumn + Metric.columnGap : 0
        let textWidth = contentWidth - columnsWidth
        let above = level <= 2 ? 12.0 : 8.0
        let textHeight = canvas.text(markup, font: font, x: 0, y: 0, width: textWidth, draw: false)
        let below = level <= 2 ? 7.0 : 4.0
        return Piece(height: above + textHeight + below, keepWithNext: true) { y in
            canvas.text(markup, font: font, x: left, y: y + above, width: textWidth)
            let ruleY = y + above + textHeight + 2
            if level <= 2 { canvas.line(from: (left, ruleY), to: (left + contentWidth, ruleY), width: level <= 1 ? 1.2 : 0.7) }
            if showsColumns {
                let columnsX = left + contentWidth - Metric.timeColumn - Metric.initialsColumn - Metric.columnGap
                canvas.text(PaperWords.itemColumns[0], font: Font.small, x: columnsX, y: ruleY - 10, width: Metric.timeColumn)
                canvas.text(PaperWords.itemColumns[1], font: Font.small, x: columnsX + Metric.timeColumn + Metric.columnGap,
                            y: ruleY - 10, width: Metric.initialsColumn)
            }
        }
    }

    private func note(_ text: PaperText, marker: String?, depth: Int) -> Piece {
        let x = left + Double(depth) * Metric.indent
        let markerWidth = marker == nil ? 0 : 14.0
        let width = contentWidth - Double(depth) * Metric.indent - markerWidth
        let markup = Paper.markup(text)
        let height = canvas.text(markup, font: Font.note, x: 0, y: 0, width: width, draw: false)
        return Piece(height: height + Metric.noteGap) { y in
            if let marker { canvas.text(Paper.markup(escaping: marker), font: Font.note, x: x, y: y, width: markerWidth) }
            canvas.text(markup, font: Font.note, x: x + markerWidth, y: y, width: width)
        }
    }

    private func item(_ text: PaperText, depth: Int) -> Piece {
        let x = left + Double(depth) * Metric.indent
        let columns = Metric.timeColumn + Metric.initialsColumn + Metric.columnGap
        let textX = x + Metric.checkbox + Metric.checkboxGap
        let width = left + contentWidth - columns - Metric.columnGap - textX
        let markup = Paper.markup(text)
        let height = canvas.text(markup, font: Font.item, x: 0, y: 0, width: width, draw: false)
        return Piece(height: max(height, Metric.checkbox + 2) + Metric.itemGap) { y in
            canvas.box(x: x, y: y + 0.5, width: Metric.checkbox, height: Metric.checkbox, lineWidth: Metric.boxLine)
            canvas.text(markup, font: Font.item, x: textX, y: y, width: width)
            let lineY = y + Metric.checkbox
            let timeX = left + contentWidth - columns
            canvas.line(from: (timeX, lineY), to: (timeX + Metric.timeColumn, lineY), width: Metric.thinLine)
            let initialsX = timeX + Metric.timeColumn + Metric.columnGap
            canvas.line(from: (initialsX, lineY), to: (initialsX + Metric.initialsColumn, lineY), width: Metric.thinLine)
        }
    }

    private func codeBlock(_ code: String, depth: Int) -> Piece {
        let x = left + Double(depth) * Metric.indent + Metric.checkbox + Metric.checkboxGap
        let width = left + contentWidth - x - 8
        let markup = Paper.markup(escaping: code)
        let height = canvas.text(markup, font: Font.code, x: 0, y: 0, width: width, draw: false)
        return Piece(height: height + 8) { y in
            canvas.line(from: (x, y + 1), to: (x, y + height + 2), width: 1.5, gray: Metric.lightGray)
            canvas.text(markup, font: Font.code, x: x + 7, y: y + 1, width: width)
        }
    }

    private func formPieces(_ form: PaperForm) -> [Piece] {
        let titleMarkup = "<b>" + Paper.markup(escaping: form.title) + "</b>"
        let titleHeight = canvas.text(titleMarkup, font: Font.heading2, x: 0, y: 0, width: contentWidth, draw: false)
        let instructions = Paper.markup(escaping: form.instructions)
        let instructionsHeight = canvas.text(instructions, font: Font.note, x: 0, y: 0, width: contentWidth, draw: false)
        let total = form.columns.map(\.weight).reduce(0, +)
        let widths = form.columns.map { contentWidth * $0.weight / total }
        var pieces: [Piece] = []
        pieces.append(Piece(height: 14 + titleHeight + instructionsHeight + 6, keepWithNext: true) { y in
            canvas.text(titleMarkup, font: Font.heading2, x: left, y: y + 14, width: contentWidth)
            canvas.text(instructions, font: Font.note, x: left, y: y + 14 + titleHeight + 1, width: contentWidth)
        })
        let headerIndex = pieces.count
        pieces.append(Piece(height: Metric.formHeader, keepWithNext: true) { y in
            canvas.filledBox(x: left, y: y, width: contentWidth, height: Metric.formHeader, gray: Metric.fillGray)
            var x = left
            for (column, width) in zip(form.columns, widths) {
                canvas.text("<b>" + Paper.markup(escaping: column.title) + "</b>", font: Font.small, x: x + 4, y: y + 4, width: width - 8)
                canvas.box(x: x, y: y, width: width, height: Metric.formHeader, lineWidth: Metric.thinLine)
                x += width
            }
        })
        for row in 0..<form.rows {
            // The rows hold together when the form fits on a page, so a form starts on the
            // next page rather than leave two rows behind; a longer one breaks between rows.
            pieces.append(Piece(height: Metric.formRow, keepWithNext: row < form.rows - 1, header: headerIndex) { y in
                var x = left
                for width in widths {
                    canvas.box(x: x, y: y, width: width, height: Metric.formRow, lineWidth: Metric.thinLine)
                    x += width
                }
            })
        }
        return pieces
    }

    /// A Markdown table as a grid: columns as wide as their text asks (within limits), the
    /// header row shaded and repeated when the table goes on to a new page.
    private func tablePieces(_ rows: [[PaperText]]) -> [Piece] {
        let columnCount = rows.map(\.count).max() ?? 0
        guard columnCount > 0 else { return [] }
        let padding = 4.0
        let minimumShare = 0.12
        var lengths = [Double](repeating: 1, count: columnCount)
        for row in rows {
            for (column, cell) in row.enumerated() { lengths[column] = max(lengths[column], Double(min(cell.plain.count, 60))) }
        }
        let total = lengths.reduce(0, +)
        var shares = lengths.map { max($0 / total, minimumShare) }
        let shareSum = shares.reduce(0, +)
        shares = shares.map { $0 / shareSum }
        let widths = shares.map { contentWidth * $0 }
        var pieces: [Piece] = []
        for (rowIndex, row) in rows.enumerated() {
            let isHeader = rowIndex == 0
            let markups = (0..<columnCount).map { column -> String in
                let markup = column < row.count ? Paper.markup(row[column]) : ""
                return isHeader ? "<b>" + markup + "</b>" : markup
            }
            let font = isHeader ? Font.small : Font.note
            let heights = zip(markups, widths).map { canvas.text($0, font: font, x: 0, y: 0, width: $1 - 2 * padding, draw: false) }
            let height = (heights.max() ?? 0) + 2 * padding
            pieces.append(Piece(height: height, keepWithNext: isHeader, header: isHeader ? nil : 0) { y in
                if isHeader { canvas.filledBox(x: left, y: y, width: contentWidth, height: height, gray: Metric.fillGray) }
                var x = left
                for (markup, width) in zip(markups, widths) {
                    canvas.text(markup, font: font, x: x + padding, y: y + padding, width: width - 2 * padding)
                    canvas.box(x: x, y: y, width: width, height: height, lineWidth: Metric.thinLine)
                    x += width
                }
            })
        }
        pieces[pieces.count - 1].height += 6
        return pieces
    }

    private func symptomPiece(_ symptom: PaperSymptom) -> Piece {
        let padding = 8.0
        let width = contentWidth - 2 * padding
        var parts: [(markup: String, font: String, gap: Double)] = []
        parts.append(("<b>" + Paper.markup(escaping: symptom.title) + "</b>  <span size=\"smaller\">(" + Paper.markup(escaping: symptom.id) + ")</span>",
                      Font.symptomTitle, 3))
        parts.append((Paper.markup(escaping: symptom.summary), Font.symptomText, 4))
        if !symptom.examples.isEmpty {
            let examples = symptom.examples.map { "<tt>" + Paper.markup(escaping: $0) + "</tt>" }.joined(separator: " · ")
            parts.append(("<b>" + PaperWords.looksLike + ":</b> " + examples, Font.symptomText, 3))
        }
        if !symptom.causes.isEmpty {
            let causes = symptom.causes.enumerated().map { "\($0.offset + 1). " + Paper.markup(escaping: $0.element) }.joined(separator: "  ")
            parts.append(("<b>" + PaperWords.usualCauses + ":</b> " + causes, Font.symptomText, 3))
        }
        if let check = symptom.firstCheck {
            parts.append(("<b>" + PaperWords.firstCheck + ":</b>", Font.symptomText, 1))
            parts.append((Paper.markup(escaping: check), Font.code, 3))
        }
        if let tellApart = symptom.tellApart {
            parts.append(("<i>" + Paper.markup(escaping: tellApart) + "</i>", Font.symptomText, 0))
        }
        let heights = parts.map { canvas.text($0.markup, font: $0.font, x: 0, y: 0, width: width, draw: false) }
        let inner = zip(heights, parts).map { $0 + $1.gap }.reduce(0, +)
        let gapBelow = 8.0
        return Piece(height: inner + 2 * padding + gapBelow) { y in
            canvas.box(x: left, y: y, width: contentWidth, height: inner + 2 * padding, lineWidth: Metric.boxLine)
            var partY = y + padding
            for (part, height) in zip(parts, heights) {
                canvas.text(part.markup, font: part.font, x: left + padding, y: partY, width: width)
                partY += height + part.gap
            }
        }
    }
}

extension Paper {
    /// Text for Pango markup: `&`, `<`, `>` and quotes escaped.
    static func markup(escaping text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Styled runs as Pango markup.
    static func markup(_ text: PaperText) -> String {
        text.map { run in
            let escaped = markup(escaping: run.text)
            switch run.style {
            case .plain: return escaped
            case .code: return "<span font_family=\"DejaVu Sans Mono\" size=\"92%\">" + escaped + "</span>"
            case .emphasis: return "<i>" + escaped + "</i>"
            case .strong: return "<b>" + escaped + "</b>"
            }
        }.joined()
    }
}
