/// Paper as plain text for a terminal or `lp`: 80 columns, `[ ]` boxes, a form feed where
/// the paper starts a new page.
extension Paper {
    public static let textWidth = 80
    /// Room at the right of each box for the time and initials, and the titles above it,
    /// column for column: `time    initials` over `______  ________`.
    private static let timeBlank = 6, initialsBlank = 8, columnGap = "  "
    private static let textColumns = String(repeating: "_", count: timeBlank) + columnGap + String(repeating: "_", count: initialsBlank)
    private static let columnTitles = PaperWords.itemColumns[0].padding(toLength: timeBlank, withPad: " ", startingAt: 0) + columnGap
        + PaperWords.itemColumns[1].padding(toLength: initialsBlank, withPad: " ", startingAt: 0)
    private static let textIndent = 4
    /// Blank widths of the header's fields: the drill or incident name, the date, each role.
    private static let nameBlank = 34, dateBlank = 12, roleBlank = 12
    /// The narrowest text column an item keeps, however deep it is nested.
    private static let minimumTextWidth = 20
    /// Short role names, so the three fit one line.
    private static let shortRoles = ["Communications": "Comms"]

    public func plainText(width: Int = Paper.textWidth) -> String {
        var out: [String] = []
        let rule = String(repeating: "=", count: width)
        out.append(rule)
        out += Paper.wrap(title.uppercased(), width: width)
        out.append(subtitle)
        out.append(rule)
        for (blockIndex, block) in blocks.enumerated() {
            switch block {
            case .incidentHeader:
                out.append("")
                out.append(Paper.fields([(PaperWords.incidentName, Paper.nameBlank), (PaperWords.date, Paper.dateBlank)], width: width))
                out.append(Paper.fields(PaperWords.roles.map { (Paper.shortRoles[$0] ?? $0, Paper.roleBlank) }, width: width))
            case .timeBoxes:
                out.append("")
                out.append(PaperWords.timeBoxes.map { "\($0) ______" }.joined(separator: "  ") + "  (UTC)")
            case .heading(let level, let text):
                out.append("")
                let title = level <= 2 ? Paper.textOf(text).uppercased() : Paper.textOf(text)
                let columns = Paper.columnTitles
                if level == 2, title.count + columns.count + 2 <= width, sectionHasItems(headingAt: blockIndex) {
                    out.append(title + String(repeating: " ", count: width - title.count - columns.count) + columns)
                } else {
                    out += Paper.wrap(title, width: width)
                }
                out.append(String(repeating: level <= 1 ? "=" : "-", count: min(width, max(title.count, level <= 2 ? width : 0))))
            case .note(let text, let marker, let depth):
                let indent = depth * Paper.textIndent
                let lead = marker.map { $0 + " " } ?? ""
                out += Paper.wrap(Paper.textOf(text), width: width - indent - lead.count)
                    .enumerated().map { index, line in
                        String(repeating: " ", count: indent) + (index == 0 ? lead : String(repeating: " ", count: lead.count)) + line
                    }
            case .item(let text, let depth):
                let indent = String(repeating: " ", count: depth * Paper.textIndent)
                let textWidth = max(Paper.minimumTextWidth, width - indent.count - 4 - Paper.textColumns.count - 2)
                for (index, line) in Paper.wrap(Paper.textOf(text), width: textWidth).enumerated() {
                    if index == 0 {
                        out.append(indent + "[ ] " + line.padding(toLength: textWidth, withPad: " ", startingAt: 0) + "  " + Paper.textColumns)
                    } else {
                        out.append(indent + "    " + line)
                    }
                }
            case .code(let code, let depth):
                let indent = String(repeating: " ", count: (depth + 1) * Paper.textIndent)
                for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
                    out += Paper.hardWrap(String(line), width: width - indent.count).map { indent + $0 }
                }
            case .table(let rows):
                for (index, row) in rows.enumerated() {
                    let line = row.map(Paper.textOf).joined(separator: " | ")
                    out += Paper.wrap(index == 0 ? line.uppercased() : line, width: width - 2).enumerated().map {
                        ($0.offset == 0 ? "" : "  ") + $0.element
                    }
                    if index == 0 { out.append(String(repeating: "-", count: min(width, line.count))) }
                }
            case .form(let form):
                out.append("")
                out.append(form.title.uppercased())
                out += Paper.wrap(form.instructions, width: width)
                out += Paper.formLines(form, width: width)
            case .symptom(let symptom):
                out.append("")
                out += Paper.wrap("\(symptom.title) (\(symptom.id))", width: width)
                let pad = "  "
                out += Paper.wrap(symptom.summary, width: width - pad.count).map { pad + $0 }
                if !symptom.examples.isEmpty {
                    out += Paper.wrap("\(PaperWords.looksLike): " + symptom.examples.map { "\"\($0)\"" }.joined(separator: ", "),
                                      width: width - pad.count).map { pad + $0 }
                }
                for (index, cause) in symptom.causes.enumerated() {
                    let lead = index == 0 ? "\(PaperWords.usualCauses): " : String(repeating: " ", count: PaperWords.usualCauses.count + 2)
                    out += Paper.wrap("\(index + 1). \(cause)", width: width - pad.count - lead.count).enumerated().map { line in
                        pad + (line.offset == 0 ? lead : String(repeating: " ", count: lead.count)) + line.element
                    }
                }
                if let check = symptom.firstCheck {
                    out.append(pad + "\(PaperWords.firstCheck):")
                    for line in check.split(separator: "\n") {
                        out += Paper.hardWrap(String(line), width: width - 2 * pad.count).map { pad + pad + $0 }
                    }
                }
                if let tellApart = symptom.tellApart {
                    out += Paper.wrap(tellApart, width: width - pad.count).map { pad + $0 }
                }
            case .pageBreak:
                out.append("\u{0C}")
            }
        }
        out.append("")
        out.append(String(repeating: "-", count: width))
        out += Paper.wrap(footer.text, width: width)
        return out.joined(separator: "\n") + "\n"
    }

    /// Whether the heading at `index` opens a section with boxes to tick before the next
    /// heading (then it shows the column titles "time" and "initials").
    func sectionHasItems(headingAt index: Int) -> Bool {
        guard case .heading = blocks[index] else { return false }
        for block in blocks[(index + 1)...] {
            if case .heading = block { return false }
            if case .item = block { return true }
        }
        return false
    }

    static func textOf(_ text: PaperText) -> String {
        text.map { run in
            switch run.style {
            case .code: return "`\(run.text)`"
            case .emphasis: return "_\(run.text)_"
            case .plain, .strong: return run.text
            }
        }.joined()
    }

    /// `Label: ______  Label: ______` filling the width; blanks share it by their weights.
    private static func fields(_ fields: [(label: String, weight: Int)], width: Int) -> String {
        let labels = fields.map { $0.label + ": " }.joined()
        let separator = "  "
        let room = width - labels.count - (fields.count - 1) * separator.count
        let total = max(1, fields.map(\.weight).reduce(0, +))
        let minimumBlank = 4
        return fields.map { field in
            field.label + ": " + String(repeating: "_", count: max(minimumBlank, room * field.weight / total))
        }.joined(separator: separator)
    }

    private static func formLines(_ form: PaperForm, width: Int) -> [String] {
        let total = form.columns.map(\.weight).reduce(0, +)
        let inner = width - form.columns.count - 1
        var widths = form.columns.map { Int((Double(inner) * $0.weight / total).rounded(.down)) }
        widths[widths.count - 1] += inner - widths.reduce(0, +)
        let border = "+" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "+") + "+"
        let header = "|" + zip(form.columns, widths).map { column, width in
            String(column.title.prefix(width)).padding(toLength: width, withPad: " ", startingAt: 0)
        }.joined(separator: "|") + "|"
        let empty = "|" + widths.map { String(repeating: " ", count: $0) }.joined(separator: "|") + "|"
        var lines = [border, header, border]
        for _ in 0..<form.rows { lines += [empty, border] }
        return lines
    }

    /// Words wrapped to `width` columns; a word longer than a line is cut.
    static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(width, 10)
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            var word = String(word)
            while word.count > width {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// A line of code cut into pieces of `width`, continuations marked with `↪`.
    private static func hardWrap(_ line: String, width: Int) -> [String] {
        guard line.count > width, width > 2 else { return [line] }
        let marker = "↪ "
        var pieces = [String(line.prefix(width))]
        var rest = Substring(line).dropFirst(width)
        while !rest.isEmpty {
            pieces.append(marker + rest.prefix(width - marker.count))
            rest = rest.dropFirst(width - marker.count)
        }
        return pieces
    }
}
