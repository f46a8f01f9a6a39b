/// Drills keep facilitator-only notes in a section whose heading starts with "Facilitator"
/// (`## Facilitator notes`): everything from that heading to the next heading of the same or a
/// higher level. Responders must never see it: not on their paper, not on the site, not in
/// the search index.
extension Document {
    static let facilitatorHeadingPrefix = "facilitator"

    static func isFacilitatorHeading(_ node: MarkdownNode) -> Bool {
        guard case .heading = node.kind else { return false }
        return node.plainText.trimmed().lowercased().hasPrefix(facilitatorHeadingPrefix)
    }

    /// The top-level blocks of the body, split into those for everyone and those for the
    /// facilitator (with their headings).
    var bodySplitForFacilitator: (responders: [MarkdownNode], facilitator: [MarkdownNode]) {
        var responders: [MarkdownNode] = []
        var facilitator: [MarkdownNode] = []
        var facilitatorLevel: Int?
        for block in body.children {
            if case .heading(let level) = block.kind {
                if let open = facilitatorLevel, level <= open { facilitatorLevel = nil }
                if facilitatorLevel == nil, Document.isFacilitatorHeading(block) { facilitatorLevel = level }
            }
            if facilitatorLevel != nil { facilitator.append(block) } else { responders.append(block) }
        }
        return (responders, facilitator)
    }

    /// Warnings for a drill whose notes could reach responders: it has no facilitator section,
    /// or a heading mentions the facilitator without opening one (inside a quote or a list, or
    /// not starting with the word), so what follows it is printed for everyone.
    func facilitatorWarnings(file: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let topLevel = Set(body.children.filter(Document.isFacilitatorHeading).map(\.line))
        body.forEach { node in
            guard case .heading = node.kind, node.plainText.lowercased().contains(Document.facilitatorHeadingPrefix),
                  !topLevel.contains(node.line) else { return }
            out.append(Diagnostic(file: file, line: node.line + bodyLineOffset, column: node.column, severity: .warning,
                                  message: "this heading mentions the facilitator but does not open a facilitator section, so responders see what follows; only a heading that starts with 'Facilitator', outside quotes and lists, is kept from them",
                                  rule: "drills"))
        }
        if topLevel.isEmpty {
            out.append(Diagnostic(file: file, line: meta.keyLines["title"] ?? 1, severity: .warning,
                                  message: "drill has no facilitator section ('## Facilitator notes': how to induce the failure, hints, how to restore)",
                                  rule: "drills"))
        }
        return out
    }

    /// Whether the body has a facilitator section.
    public var hasFacilitatorNotes: Bool { !bodySplitForFacilitator.facilitator.isEmpty }

    /// The same document without its facilitator section (itself when it has none).
    func withoutFacilitatorNotes() -> Document {
        let (responders, facilitator) = bodySplitForFacilitator
        guard !facilitator.isEmpty else { return self }
        // References of the hidden part go too (a link there is not on the page to check): a
        // hidden stretch runs from a facilitator block to the next block for everyone.
        var hiddenRanges: [Range<Int>] = []
        var hiddenStart: Int?
        let facilitatorLines = Set(facilitator.map(\.line))
        for block in body.children {
            if facilitatorLines.contains(block.line) {
                if hiddenStart == nil { hiddenStart = block.line }
            } else if let start = hiddenStart {
                hiddenRanges.append(start..<block.line)
                hiddenStart = nil
            }
        }
        if let start = hiddenStart { hiddenRanges.append(start..<Int.max) }
        let kept = references.filter { reference in !hiddenRanges.contains { $0.contains(reference.line) } }
        var sink = DiagnosticSink(file: path)
        var stripped = body
        stripped.children = responders
        return Document(path: path, meta: meta, body: stripped, references: kept, bodyLineOffset: bodyLineOffset,
                        isBuiltIn: isBuiltIn, sink: &sink)
    }
}
