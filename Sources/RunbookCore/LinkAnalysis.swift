/// The model stage's pass over one document's links: what they point at (for "seen in
/// incidents") and every problem with its file line and column. Rendering later only
/// rewrites hrefs; all checking happens here, once.
struct LinkAnalysis: Sendable {
    var targets: Set<Int> = []
    var diagnostics: [Diagnostic] = []
    /// Destination as written → href in the generated page, for the renderer.
    var hrefs: [String: String] = [:]

    init(document index: Int, of documents: [Document], resolver: LinkResolver, displayPrefix: String) {
        let document = documents[index]
        var sink = DiagnosticSink(file: displayPrefix + document.path, rule: "links")
        let offset = document.bodyLineOffset

        func note(_ destination: String, line: Int, column: Int) {
            switch resolver.resolve(destination, from: index) {
            case .success(let target):
                if case .document(let document, _) = target { targets.insert(document) }
                hrefs[destination] = resolver.href(for: target, original: destination, from: index)
            case .failure(let problem):
                sink.error(problem.description, line: line, column: column)
            }
        }

        for reference in document.references {
            let line = reference.line + offset
            switch reference.kind {
            case .link:
                guard !reference.destination.isEmpty else { continue }
                guard LinkResolver.isSafeLink(reference.destination) else {
                    sink.warning("link '\(reference.destination)' uses a scheme the site does not allow (only http, https, mailto and tel); it is shown as plain text",
                                 line: line, column: reference.column)
                    continue
                }
                note(reference.destination, line: line, column: reference.column)
            case .image:
                if LinkResolver.isInlineImage(reference.destination) { continue }
                if !LinkResolver.isSafeLink(reference.destination) {
                    sink.warning("image '\(reference.destination)' uses a scheme the site does not allow; it is shown as plain text",
                                 line: line, column: reference.column)
                } else if LinkResolver.isExternal(reference.destination) {
                    sink.warning("image '\(reference.destination)' is on another host: the site stays offline, so it is shown as a link; copy the image next to the document instead",
                                 line: line, column: reference.column)
                } else {
                    note(reference.destination, line: line, column: reference.column)
                }
            case .rawHTML:
                sink.warning("raw HTML is not rendered (the site is safe by default); use Markdown instead",
                             line: line, column: reference.column, rule: "raw-html")
            }
        }
        for entry in document.meta.runbooks {
            note(entry.value, line: entry.line, column: entry.column)
        }
        // A drill prints its `checklists:` into the responder packet: they must be checklists.
        for entry in document.meta.checklists {
            note(entry.value, line: entry.line, column: entry.column)
            if case .success(.document(let target, _)) = resolver.resolve(entry.value, from: index), documents[target].kind != .checklist {
                sink.error("'checklists' names '\(entry.value)', which is a \(documents[target].kind.rawValue), not a checklist",
                           line: entry.line, column: entry.column)
            }
        }
        diagnostics = sink.diagnostics
    }
}
