/// The model stage's pass over one document's links: what they point at (for "seen in
/// incidents") and every problem with its file line and column. Rendering later only
/// rewrites hrefs; all checking happens here, once.
struct LinkAnalysis: Sendable {
    var targets: Set<Int> = []
    var diagnostics: [Diagnostic] = []

    init(document index: Int, of documents: [Document], resolver: LinkResolver, displayPrefix: String) {
        let document = documents[index]
        var sink = DiagnosticSink(file: displayPrefix + document.path)
        let offset = document.bodyLineOffset

        func note(_ result: Result<LinkTarget, LinkProblem>, line: Int, column: Int) {
            switch result {
            case .success(.document(let target, _)): targets.insert(target)
            case .success: break
            case .failure(let problem): sink.error(problem.description, line: line, column: column)
            }
        }

        document.body.forEach { node in
            switch node.kind {
            case .link(let destination, _):
                guard !destination.isEmpty else { return }
                note(resolver.resolve(destination, from: index), line: node.line + offset, column: node.column)
            case .image(let source, _):
                if LinkResolver.isExternal(source) {
                    sink.warning("image '\(source)' is on another host: the site stays offline, so it is shown as a link; copy the image next to the document instead",
                                 line: node.line + offset, column: node.column)
                } else {
                    note(resolver.resolve(source, from: index), line: node.line + offset, column: node.column)
                }
            case .htmlBlock, .htmlInline:
                sink.warning("raw HTML is not rendered (the site is safe by default); use Markdown instead",
                             line: node.line + offset, column: node.column)
            default:
                break
            }
        }
        for entry in document.meta.runbooks {
            note(resolver.resolve(entry.value, from: index), line: entry.line, column: entry.column)
        }
        diagnostics = sink.diagnostics
    }
}
