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
        // Without the DejaVu fonts, fontconfig substitutes another font, or none: every glyph
        // a box. Better to say so than to hand out unreadable paper.
        for family in PDFLayout.families {
            let found = canvas.resolvedFamily(family + " 10")
            guard let found, found.lowercased().hasPrefix(family.lowercased()) else {
                throw PangoCairo.Unavailable(detail: "the font '\(family)' is not installed (Debian: apt-get install fonts-dejavu-core)"
                    + (found.map { "; Pango would use '\($0)' instead" } ?? ""))
            }
        }
        let layout = PDFLayout(paper: self, canvas: canvas, pageWidth: width, pageHeight: height)
        layout.draw()
        try canvas.finish(path: path)
    }
}

/// Measures, places and draws one paper.
private struct PDFLayout {
    /// The font families the fonts below use: they must be installed.
    static let families = ["DejaVu Sans", "DejaVu Sans Mono"]

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
    /// Sizes in points (1/72 inch).
    enum Metric {
        static let margin = 44.0
        /// From the bottom edge to the footer's last line.
        static let footerBottom = 26.0
        /// Between the page's content and the footer's rule, and the rule and its text.
        static let footerGap = 10.0
        static let footerRuleGap = 4.0
        /// Room at the right of the footer for "page 10 of 12".
        static let pageNumberWidth = 70.0
        static let runningHeader = 26.0
        static let runningHeaderText = 12.0
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
        /// Title block: the gap under the title, the frame of a facilitator's subtitle, the rule.
        static let titleGap = 2.0
        static let framePadding = 4.0
        static let titleRule = 1.5
        static let titleBlockGap = 14.0
        /// Header fields: the share of the width of the name and the date, the gap between fields.
        static let nameShare = 0.68
        static let fieldGap = 12.0
        static let fieldLabelDrop = 6.0
        static let fieldLineRise = 4.0
        static let blockGap = 8.0
        /// Time boxes: the gap between them, the room above, the padding of their labels.
        static let timeBoxGap = 8.0
        static let timeBoxAbove = 4.0
        static let timeBoxBelow = 10.0
        static let labelPadding = 5.0
        static let hintRise = 13.0
        /// Headings: room above and below by level, the rule under levels 1 and 2.
        static let headingAbove = (major: 12.0, minor: 8.0)
        static let headingBelow = (major: 7.0, minor: 4.0)
        static let headingRule = (major: 1.2, minor: 0.7)
        static let headingRuleGap = 2.0
        static let columnTitleRise = 10.0
        static let markerWidth = 14.0
        /// Code: the bar at its left, the text's distance from it, the gap after the block.
        static let codeBar = 1.5
        static let codeInset = 7.0
        static let codeRightMargin = 8.0
        static let codeGapAfter = 7.0
        static let codeLineRise = 1.0
        /// Forms and tables: room above a form's title, cell padding, the gap after a table.
        static let formAbove = 14.0
        static let formTitleGap = 1.0
        static let formBelowInstructions = 6.0
        static let cellPadding = 4.0
        static let tableGapAfter = 6.0
        /// Cheat-sheet boxes.
        static let symptomPadding = 8.0
        static let symptomGapAfter = 8.0
        static let partGap = (after: 3.0, summary: 4.0, label: 1.0)
        /// A table column gets at least this share of the width, and counts at most this many characters.
        static let minimumColumnShare = 0.12
        static let longestCellCounted = 60
        /// How many lines of code must stay with the heading or text before them.
        static let codeLinesKeptTogether = 3
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
    /// The footer's height, measured: a long source path wraps, and the content stops above it.
    let footerHeight: Double
    var left: Double { Metric.margin }
    var contentWidth: Double { pageWidth - 2 * Metric.margin }
    var footerWidth: Double { contentWidth - Metric.pageNumberWidth - Metric.footerGap }
    var footerTop: Double { pageHeight - Metric.footerBottom - footerHeight }
    var bottom: Double { footerTop - Metric.footerRuleGap - Metric.footerGap }

    init(paper: Paper, canvas: PDFCanvas, pageWidth: Double, pageHeight: Double) {
        self.paper = paper
        self.canvas = canvas
        self.pageWidth = pageWidth
        self.pageHeight = pageHeight
        let width = pageWidth - 2 * Metric.margin - Metric.pageNumberWidth - Metric.footerGap
        self.footerHeight = canvas.text(Paper.markup(escaping: paper.footer.text), font: Font.small, x: 0, y: 0, width: width, draw: false)
    }

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
        // The facilitator's sheet says so in a frame, so it is not handed out by mistake.
        let framed = paper.purpose == .facilitatorSheet
        let frame = framed ? Metric.framePadding : 0
        let subtitle = framed ? "<b>" + Paper.markup(escaping: paper.subtitle) + "</b>" : Paper.markup(escaping: paper.subtitle)
        let subtitleY = titleHeight + Metric.titleGap + frame
        let ruleY = subtitleY + subtitleHeight + frame + Metric.framePadding
        return Piece(height: ruleY + Metric.titleBlockGap) { y in
            canvas.text(Paper.markup(escaping: paper.title), font: Font.title, x: left, y: y, width: contentWidth)
            if framed {
                canvas.box(x: left, y: y + subtitleY - frame / 2, width: contentWidth, height: subtitleHeight + frame,
                           lineWidth: Metric.titleRule)
            }
            canvas.text(subtitle, font: Font.subtitle, x: left + frame, y: y + subtitleY, width: contentWidth - 2 * frame)
            canvas.line(from: (left, y + ruleY), to: (left + contentWidth, y + ruleY), width: Metric.titleRule)
        }
    }

    private func runningHeader() {
        let text = Paper.markup(escaping: paper.title) + "  ·  " + Paper.markup(escaping: paper.subtitle)
        canvas.text(text, font: Font.small, x: left, y: Metric.margin - Metric.runningHeaderText, width: contentWidth)
        let ruleY = Metric.margin + Metric.headingRuleGap
        canvas.line(from: (left, ruleY), to: (left + contentWidth, ruleY), width: Metric.thinLine)
    }

    private func footer(page: Int, of count: Int) {
        let y = footerTop
        canvas.line(from: (left, y - Metric.footerRuleGap), to: (left + contentWidth, y - Metric.footerRuleGap), width: Metric.thinLine)
        let pageText = PaperFooter.pageText(page, of: count)
        canvas.text(Paper.markup(escaping: paper.footer.text), font: Font.small, x: left, y: y, width: footerWidth)
        canvas.text("<b>" + Paper.markup(escaping: pageText) + "</b>", font: Font.small, x: left + contentWidth - Metric.pageNumberWidth,
                    y: y, width: Metric.pageNumberWidth, alignRight: true)
    }

    // MARK: - Blocks

    private func pieces(for block: PaperBlock, showsColumns: Bool) -> [Piece] {
        switch block {
        case .incidentHeader: return [incidentHeader()]
        case .timeBoxes: return [timeBoxes()]
        case .heading(let level, let text): return [heading(level: level, text: text, showsColumns: showsColumns)]
        case .note(let text, let marker, let depth): return [note(text, marker: marker, depth: depth)]
        case .item(let text, let depth): return [item(text, depth: depth)]
        case .code(let code, let depth): return codePieces(code, depth: depth)
        case .table(let rows): return tablePieces(rows)
        case .form(let form): return formPieces(form)
        case .symptom(let symptom): return [symptomPiece(symptom)]
        case .pageBreak: return [Piece(height: 0, pageBreak: true)]
        }
    }


    private func incidentHeader() -> Piece {
        let rows: [[(String, Double)]] = [
            [(PaperWords.incidentName, Metric.nameShare), (PaperWords.date, 1 - Metric.nameShare)],
            PaperWords.roles.map { ($0, 1.0 / Double(PaperWords.roles.count)) },
        ]
        return Piece(height: Double(rows.count) * Metric.fieldRow + Metric.blockGap) { y in
            for (rowIndex, row) in rows.enumerated() {
                var x = left
                let rowY = y + Double(rowIndex) * Metric.fieldRow
                let lineY = rowY + Metric.fieldRow - Metric.fieldLineRise
                for (label, share) in row {
                    let width = contentWidth * share
                    canvas.text(Paper.markup(escaping: label + ":"), font: Font.label, x: x, y: rowY + Metric.fieldLabelDrop, width: width)
                    canvas.line(from: (x, lineY), to: (x + width - Metric.fieldGap, lineY), width: Metric.thinLine)
                    x += width
                }
            }
        }
    }

    private func timeBoxes() -> Piece {
        let labels = PaperWords.timeBoxes
        let gap = Metric.timeBoxGap
        let width = (contentWidth - gap * Double(labels.count - 1)) / Double(labels.count)
        let padding = Metric.labelPadding
        return Piece(height: Metric.timeBoxAbove + Metric.timeBox + Metric.timeBoxBelow) { y in
            let boxY = y + Metric.timeBoxAbove
            for (index, label) in labels.enumerated() {
                let x = left + Double(index) * (width + gap)
                canvas.box(x: x, y: boxY, width: width, height: Metric.timeBox, lineWidth: Metric.boxLine)
                canvas.text("<b>" + Paper.markup(escaping: label) + "</b>", font: Font.label, x: x + padding, y: boxY + Metric.codeInset / 2,
                            width: width - 2 * padding)
                canvas.text(Paper.markup(escaping: PaperWords.timeHint), font: Font.small, x: x + padding, y: boxY + Metric.timeBox - Metric.hintRise,
                            width: width - 2 * padding, alignRight: true)
            }
        }
    }

    private func heading(level: Int, text: PaperText, showsColumns: Bool) -> Piece {
        let font = level <= 1 ? Font.heading1 : level == 2 ? Font.heading2 : Font.heading3
        let markup = Paper.markup(text)
        let columnsWidth = showsColumns ? Metric.timeColumn + Metric.initialsColumn + Metric.columnGap : 0
        let textWidth = contentWidth - columnsWidth
        let major = level <= 2
        let above = major ? Metric.headingAbove.major : Metric.headingAbove.minor
        let textHeight = canvas.text(markup, font: font, x: 0, y: 0, width: textWidth, draw: false)
        let below = major ? Metric.headingBelow.major : Metric.headingBelow.minor
        return Piece(height: above + textHeight + below, keepWithNext: true) { y in
            canvas.text(markup, font: font, x: left, y: y + above, width: textWidth)
            let ruleY = y + above + textHeight + Metric.headingRuleGap
            if major {
                canvas.line(from: (left, ruleY), to: (left + contentWidth, ruleY),
                            width: level <= 1 ? Metric.headingRule.major : Metric.headingRule.minor)
            }
            if showsColumns {
                let columnsX = left + contentWidth - Metric.timeColumn - Metric.initialsColumn - Metric.columnGap
                let labelY = ruleY - Metric.columnTitleRise
                canvas.text(PaperWords.itemColumns[0], font: Font.small, x: columnsX, y: labelY, width: Metric.timeColumn)
                canvas.text(PaperWords.itemColumns[1], font: Font.small, x: columnsX + Metric.timeColumn + Metric.columnGap,
                            y: labelY, width: Metric.initialsColumn)
            }
        }
    }

    private func note(_ text: PaperText, marker: String?, depth: Int) -> Piece {
        let x = left + Double(depth) * Metric.indent
        let markerWidth = marker == nil ? 0 : Metric.markerWidth
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
        return Piece(height: max(height, Metric.checkbox + Metric.headingRuleGap) + Metric.itemGap) { y in
            canvas.box(x: x, y: y + Metric.boxLine / 2, width: Metric.checkbox, height: Metric.checkbox, lineWidth: Metric.boxLine)
            canvas.text(markup, font: Font.item, x: textX, y: y, width: width)
            let lineY = y + Metric.checkbox
            let timeX = left + contentWidth - columns
            canvas.line(from: (timeX, lineY), to: (timeX + Metric.timeColumn, lineY), width: Metric.thinLine)
            let initialsX = timeX + Metric.timeColumn + Metric.columnGap
            canvas.line(from: (initialsX, lineY), to: (initialsX + Metric.initialsColumn, lineY), width: Metric.thinLine)
        }
    }

    /// A code block, a piece per line, so that one longer than a page goes on to the next;
    /// its first lines stay with what leads to it, its last ones together.
    private func codePieces(_ code: String, depth: Int) -> [Piece] {
        let x = left + Double(depth) * Metric.indent + Metric.checkbox + Metric.checkboxGap
        let width = left + contentWidth - x - Metric.codeInset - Metric.codeRightMargin
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = Metric.codeLinesKeptTogether
        return lines.enumerated().map { index, line in
            // An empty line still takes a line's height.
            let markup = line.isEmpty ? " " : Paper.markup(escaping: String(line))
            let height = canvas.text(markup, font: Font.code, x: 0, y: 0, width: width, draw: false)
            let isLast = index == lines.count - 1
            let holds = index < kept - 1 || index >= lines.count - kept
            return Piece(height: height + (isLast ? Metric.codeGapAfter : 0), keepWithNext: holds && !isLast) { y in
                canvas.line(from: (x, y), to: (x, y + height), width: Metric.codeBar, gray: Metric.lightGray)
                canvas.text(markup, font: Font.code, x: x + Metric.codeInset, y: y, width: width)
            }
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
        pieces.append(Piece(height: Metric.formAbove + titleHeight + Metric.formTitleGap + instructionsHeight + Metric.formBelowInstructions,
                            keepWithNext: true) { y in
            canvas.text(titleMarkup, font: Font.heading2, x: left, y: y + Metric.formAbove, width: contentWidth)
            canvas.text(instructions, font: Font.note, x: left, y: y + Metric.formAbove + titleHeight + Metric.formTitleGap, width: contentWidth)
        })
        let headerIndex = pieces.count
        pieces.append(Piece(height: Metric.formHeader, keepWithNext: true) { y in
            canvas.filledBox(x: left, y: y, width: contentWidth, height: Metric.formHeader, gray: Metric.fillGray)
            var x = left
            for (column, width) in zip(form.columns, widths) {
                canvas.text("<b>" + Paper.markup(escaping: column.title) + "</b>", font: Font.small, x: x + Metric.cellPadding,
                            y: y + Metric.cellPadding, width: width - 2 * Metric.cellPadding)
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
        let padding = Metric.cellPadding
        let minimumShare = Metric.minimumColumnShare
        var lengths = [Double](repeating: 1, count: columnCount)
        for row in rows {
            for (column, cell) in row.enumerated() {
                lengths[column] = max(lengths[column], Double(min(cell.plain.count, Metric.longestCellCounted)))
            }
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
        pieces[pieces.count - 1].height += Metric.tableGapAfter
        return pieces
    }

    private func symptomPiece(_ symptom: PaperSymptom) -> Piece {
        let padding = Metric.symptomPadding
        let width = contentWidth - 2 * padding
        let gap = Metric.partGap
        var parts: [(markup: String, font: String, gap: Double)] = []
        parts.append(("<b>" + Paper.markup(escaping: symptom.title) + "</b>  <span size=\"smaller\">(" + Paper.markup(escaping: symptom.id) + ")</span>",
                      Font.symptomTitle, gap.after))
        parts.append((Paper.markup(escaping: symptom.summary), Font.symptomText, gap.summary))
        if !symptom.examples.isEmpty {
            let examples = symptom.examples.map { "<tt>" + Paper.markup(escaping: $0) + "</tt>" }.joined(separator: " · ")
            parts.append(("<b>" + PaperWords.looksLike + ":</b> " + examples, Font.symptomText, gap.after))
        }
        if !symptom.causes.isEmpty {
            let causes = symptom.causes.enumerated().map { "\($0.offset + 1). " + Paper.markup(escaping: $0.element) }.joined(separator: "  ")
            parts.append(("<b>" + PaperWords.usualCauses + ":</b> " + causes, Font.symptomText, gap.after))
        }
        if let check = symptom.firstCheck {
            parts.append(("<b>" + PaperWords.firstCheck + ":</b>", Font.symptomText, gap.label))
            parts.append((Paper.markup(escaping: check), Font.code, gap.after))
        }
        if let tellApart = symptom.tellApart {
            parts.append(("<i>" + Paper.markup(escaping: tellApart) + "</i>", Font.symptomText, 0))
        }
        let heights = parts.map { canvas.text($0.markup, font: $0.font, x: 0, y: 0, width: width, draw: false) }
        let inner = zip(heights, parts).map { $0 + $1.gap }.reduce(0, +)
        return Piece(height: inner + 2 * padding + Metric.symptomGapAfter) { y in
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
    /// Text for Pango markup, which is XML: the same five characters as HTML escaped.
    static func markup(escaping text: String) -> String { HTML.escape(text) }

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
