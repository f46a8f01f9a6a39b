/// Why a paper cannot be made.
public enum PaperError: Error, CustomStringConvertible, Equatable {
    case noTaskItems(path: String)
    case notADrill(path: String)
    /// A drill's `checklists:` or `runbooks:` entry that leads to no document, or (for
    /// `checklists:`) to a document that is not a checklist.
    case badReference(file: String, line: Int, column: Int, problem: String)

    public var description: String {
        switch self {
        case .noTaskItems(let path):
            return "\(path) has no task items ('- [ ] ...'), so there is nothing to tick on paper; write its steps as a task list"
        case .notADrill(let path):
            return "\(path) is not a drill (put it under drills/ or say 'kind: drill')"
        case .badReference(let file, let line, let column, let problem):
            return "\(file):\(line):\(column): \(problem)"
        }
    }
}

/// Turns documents into paper: a checklist's task list into boxes to tick, a drill into a
/// responder packet and a facilitator sheet.
public enum PaperBuilder {
    /// The network symptoms every drill packet explains (timeouts, refused, reset, DNS, TLS).
    public static let cheatSheetSymptoms = ["conn-refused", "timeout-connect", "timeout-read", "conn-reset", "dns-failure", "tls-failure"]
    /// How many of a symptom's causes and messages fit its cheat-sheet entry.
    static let cheatSheetCauses = 3
    static let cheatSheetExamples = 3

    /// The paper of a checklist: header, time boxes, its task list, the decisions log.
    /// `displayPath` is the source file as the user names it (for the footer).
    public static func checklist(_ document: Document, displayPath: String, footer: PaperFooter) throws -> Paper {
        var content = blocks(of: document.body.children, skippingTitle: document.title)
        guard let firstItem = content.firstIndex(where: { if case .item = $0 { return true } else { return false } }) else {
            throw PaperError.noTaskItems(path: displayPath)
        }
        // Boxes before any heading still get the "time" and "initials" column titles, which
        // sit on a section heading.
        if !content[..<firstItem].contains(where: { if case .heading = $0 { return true } else { return false } }) {
            content.insert(.heading(level: 2, [PaperInline(PaperWords.untitledSection)]), at: firstItem)
        }
        return Paper(title: document.title, purpose: .checklist, app: document.app,
                     blocks: [.incidentHeader, .timeBoxes] + content + [.form(PaperWords.decisionsLog)], footer: footer)
    }

    /// The two papers of a drill: what responders get (never the facilitator notes) and the
    /// facilitator's sheet (the notes first, then everything the responders have).
    /// `documents` are all documents (symptoms included), to find the checklists, runbooks and
    /// symptoms the drill names.
    public static func drill(_ drill: Document, documents: [Document], displayPrefix: String,
                             footer: PaperFooter) throws -> (responder: Paper, facilitator: Paper) {
        guard drill.kind == .drill else { throw PaperError.notADrill(path: displayPrefix + drill.path) }
        let byPath = Dictionary(documents.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        // A packet missing a checklist the drill names would be handed out unnoticed: every
        // entry must lead somewhere, and `checklists:` to checklists.
        func target(_ entry: Located<String>, key: String, mustBe kind: DocumentKind?) throws -> Document {
            let path = SitePath.resolve(SitePath.splitURL(entry.value.trimmed()).0.percentDecoded(), againstFolderOf: drill.path)
            guard let path, let document = byPath[path] else {
                throw PaperError.badReference(file: displayPrefix + drill.path, line: entry.line, column: entry.column,
                                              problem: "'\(key)' names '\(entry.value)', which leads to no document")
            }
            if let kind, document.kind != kind {
                throw PaperError.badReference(file: displayPrefix + drill.path, line: entry.line, column: entry.column,
                                              problem: "'\(key)' names '\(entry.value)', which is a \(document.kind.rawValue), not a \(kind.rawValue)")
            }
            return document
        }
        // A checklist never brings facilitator notes along (the kind check above aside, this
        // holds whatever a document is).
        let checklists = try drill.meta.checklists.map { try target($0, key: "checklists", mustBe: .checklist).withoutFacilitatorNotes() }
        let runbooks = try drill.meta.runbooks.map { try target($0, key: "runbooks", mustBe: nil) }
        let (responderBody, facilitatorBody) = drill.bodySplitForFacilitator

        let furniture: [PaperBlock] = [.incidentHeader, .timeBoxes]
        // The objectives are boxes to tick: the debrief goes through them.
        var objectives: [PaperBlock] = []
        if !drill.meta.objectives.isEmpty {
            objectives.append(.heading(level: 2, [PaperInline("Objectives")]))
            objectives += drill.meta.objectives.map { .item(inlineText(ofMarkdownLine: $0), depth: 0) }
        }
        var facts: [String] = []
        if let difficulty = drill.meta.difficulty { facts.append("difficulty: \(difficulty)") }
        if let duration = drill.meta.duration { facts.append("time box: \(duration)") }
        if !facts.isEmpty { objectives.append(.note([PaperInline(facts.joined(separator: " · "), .emphasis)], marker: nil, depth: 0)) }
        let brief = blocks(of: responderBody, skippingTitle: drill.title)

        var applies: [PaperBlock] = []
        if !checklists.isEmpty || !runbooks.isEmpty {
            applies.append(.heading(level: 2, [PaperInline("What applies")]))
            for document in checklists + runbooks {
                applies.append(.note([PaperInline(document.title, .strong), PaperInline("  \(document.kind.rawValue) · "),
                                      PaperInline(displayPrefix + document.path, .code)], marker: "•", depth: 0))
            }
        }
        var printedChecklists: [PaperBlock] = []
        for checklist in checklists {
            let content = blocks(of: checklist.body.children, skippingTitle: checklist.title)
            printedChecklists.append(.pageBreak)
            printedChecklists.append(.heading(level: 1, [PaperInline("Checklist: " + checklist.title)]))
            printedChecklists += content.map(lowered)
        }
        var cheatSheet: [PaperBlock] = [.pageBreak, .heading(level: 1, [PaperInline("Symptom cheat sheet: network errors")]),
                                        .note([PaperInline("What the error says, what usually causes it, and the first thing to run.")],
                                              marker: nil, depth: 0)]
        let symptomsByID = Dictionary(documents.compactMap { doc in doc.symptomID.map { ($0, doc) } }, uniquingKeysWith: { _, team in team })
        cheatSheet += cheatSheetSymptoms.compactMap { symptomsByID[$0].map { .symptom(cheatSheetEntry($0)) } }
        let forms: [PaperBlock] = [.pageBreak, .form(PaperWords.timelineSheet), .form(PaperWords.decisionsLog)]

        let responderBlocks = furniture + brief + objectives + applies + printedChecklists + cheatSheet + forms
        let responder = Paper(title: drill.title, purpose: .responderPacket, app: drill.app, blocks: responderBlocks, footer: footer)
        let notes = blocks(of: facilitatorBody, skippingTitle: nil)
        let facilitatorBlocks = objectives + notes + [.pageBreak]
            + [.heading(level: 1, [PaperInline("What the responders have")])] + brief + applies + printedChecklists + cheatSheet
        let facilitator = Paper(title: drill.title, purpose: .facilitatorSheet, app: drill.app, blocks: facilitatorBlocks, footer: footer)
        return (responder, facilitator)
    }

    /// A heading one level deeper (a checklist printed inside a packet sits under its title).
    private static func lowered(_ block: PaperBlock) -> PaperBlock {
        if case .heading(let level, let text) = block { return .heading(level: level + 1, text) }
        return block
    }

    /// A symptom document boiled down to a few lines: summary, wording, causes, first check.
    static func cheatSheetEntry(_ symptom: Document) -> PaperSymptom {
        var causes: [String] = []
        var firstCheck: String?
        var tellApart: String?
        var section = ""
        for block in symptom.body.children {
            if case .heading = block.kind { section = block.plainText.trimmed().lowercased(); continue }
            if section.hasPrefix("common causes"), case .list = block.kind {
                causes += block.children.prefix(cheatSheetCauses - causes.count).map(leadSentence)
            } else if section.hasPrefix("first checks"), firstCheck == nil {
                block.forEach { node in
                    if firstCheck == nil, case .codeBlock(_, let literal) = node.kind { firstCheck = literal.trimmed() }
                }
            } else if section.hasPrefix("telling it from"), tellApart == nil, case .list = block.kind,
                      let first = block.children.first {
                tellApart = first.plainText.replacingOccurrences(of: "\n", with: " ").trimmed()
            }
        }
        return PaperSymptom(id: symptom.symptomID ?? symptom.path, title: symptom.title,
                            summary: firstSentences(symptom.meta.summary ?? "", count: 2),
                            examples: distinctExamples(symptom.meta.signatures.map(\.value)), causes: causes,
                            firstCheck: firstCheck, tellApart: tellApart)
    }

    /// A few of a symptom's signatures that read differently: whole messages (no `...` gaps),
    /// each sharing at most half its words with those already taken.
    static func distinctExamples(_ signatures: [String]) -> [String] {
        let minimumLength = 12
        var taken: [String] = []
        var seenWords = Set<String>()
        for signature in signatures where !signature.contains("...") && signature.count >= minimumLength {
            let words = Set(signature.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
            guard !words.isEmpty, words.intersection(seenWords).count * 2 <= words.count else { continue }
            taken.append(signature)
            seenWords.formUnion(words)
            if taken.count == cheatSheetExamples { break }
        }
        return taken
    }

    /// A cause as its bold lead ("**The service is not running.** It crashed…") or its first sentence.
    private static func leadSentence(_ item: MarkdownNode) -> String {
        var lead: String?
        item.forEach { node in
            if lead == nil, case .strong = node.kind { lead = node.plainText.trimmed() }
        }
        return lead ?? firstSentences(item.plainText.replacingOccurrences(of: "\n", with: " "), count: 1)
    }

    static func firstSentences(_ text: String, count: Int) -> String {
        var sentences = 0
        var end = text.endIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == ".", next == text.endIndex || text[next] == " " {
                sentences += 1
                if sentences == count { end = next; break }
            }
            index = next
        }
        return String(text[..<end]).trimmed()
    }

    // MARK: - Markdown to paper

    /// Blocks of Markdown as paper: headings stay headings, task items become boxes (nested
    /// ones nested), paragraphs and plain lists become notes, code stays code.
    static func blocks(of nodes: [MarkdownNode], skippingTitle title: String?) -> [PaperBlock] {
        var out: [PaperBlock] = []
        for (position, node) in nodes.enumerated() {
            if position == 0, let title, case .heading(1) = node.kind,
               node.plainText.trimmed().lowercased() == title.lowercased() { continue }
            append(node, depth: 0, to: &out)
        }
        return out
    }

    /// Deeper nesting prints at this depth: paper has no room for more indentation.
    static let maximumDepth = 4

    private static func append(_ node: MarkdownNode, depth unclamped: Int, to out: inout [PaperBlock]) {
        let depth = min(unclamped, maximumDepth)
        switch node.kind {
        case .heading(let level):
            out.append(.heading(level: level, inlineText(node.children)))
        case .paragraph:
            let text = inlineText(node.children)
            if !text.plain.trimmed().isEmpty { out.append(.note(text, marker: nil, depth: depth)) }
        case .list(let ordered, let start, _):
            for (offset, item) in node.children.enumerated() {
                let marker = ordered ? "\(start + offset)." : "•"
                appendItem(item, marker: marker, depth: depth, to: &out)
            }
        case .codeBlock(_, let literal):
            out.append(.code(literal.trimmingTrailingNewlines(), depth: depth))
        case .blockQuote:
            for child in node.children { append(child, depth: depth, to: &out) }
        case .table:
            let rows = node.children.map { row in row.children.map { inlineText($0.children) } }
            if !rows.isEmpty { out.append(.table(rows)) }
        case .htmlBlock, .thematicBreak:
            break
        default:
            for child in node.children { append(child, depth: depth, to: &out) }
        }
    }

    /// A list item: a task item's first paragraph is the box's text; what follows in the item
    /// (more paragraphs, code, a nested list) sits one level deeper.
    private static func appendItem(_ item: MarkdownNode, marker: String, depth: Int, to out: inout [PaperBlock]) {
        guard case .item(let task) = item.kind else {
            append(item, depth: depth, to: &out)
            return
        }
        var rest = item.children[...]
        var text: PaperText = []
        if let first = rest.first, case .paragraph = first.kind {
            text = inlineText(first.children)
            rest = rest.dropFirst()
        }
        if task != nil {
            out.append(.item(text, depth: depth))
        } else if !text.isEmpty {
            out.append(.note(text, marker: marker, depth: depth))
        }
        for child in rest { append(child, depth: depth + 1, to: &out) }
    }

    /// Inline Markdown as styled runs; links keep their text, images their description.
    static func inlineText(_ nodes: [MarkdownNode], style: PaperInline.Style = .plain) -> PaperText {
        var runs: PaperText = []
        func add(_ text: String, _ style: PaperInline.Style) {
            guard !text.isEmpty else { return }
            if let last = runs.last, last.style == style {
                runs[runs.count - 1].text += text
            } else {
                runs.append(PaperInline(text, style))
            }
        }
        func walk(_ node: MarkdownNode, _ style: PaperInline.Style) {
            switch node.kind {
            case .text(let text): add(text, style)
            case .code(let code): add(code, .code)
            case .softBreak, .lineBreak: add(" ", style)
            case .emphasis: node.children.forEach { walk($0, style == .strong ? .strong : .emphasis) }
            case .strong: node.children.forEach { walk($0, .strong) }
            case .htmlInline, .htmlBlock: break
            default: node.children.forEach { walk($0, style) }
            }
        }
        nodes.forEach { walk($0, style) }
        return runs
    }

    /// One line of Markdown written in front matter (an objective), with its inline code and emphasis.
    static func inlineText(ofMarkdownLine line: String) -> PaperText {
        inlineText(Markdown.parse(line).children.flatMap(\.children))
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
