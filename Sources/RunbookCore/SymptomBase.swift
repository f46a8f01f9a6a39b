/// The symptom knowledge base: the built-in documents (`symptoms/*.md` of this repository,
/// compiled into the binary) merged with a team's own `<source>/symptoms/*.md`, which add
/// symptoms or replace a built-in one with the same id.
public enum SymptomBase {
    /// The folder symptom documents live in, in a source folder and on the site.
    public static let folder = "symptoms"
    /// The list of symptoms on the site.
    public static let indexPage = "symptoms/index.html"

    /// The built-in symptom documents, parsed (sorted by file name). Their problems, if any,
    /// are reported under `<built-in>/symptoms/…`; a test keeps them clean.
    public static func builtInDocuments() -> (documents: [Document], diagnostics: [Diagnostic]) {
        var documents: [Document] = []
        var diagnostics: [Diagnostic] = []
        for name in EmbeddedSymptoms.files.keys.sorted() where name.hasSuffix(Document.markdownExtension) {
            guard let text = EmbeddedSymptoms.files[name] else { continue }
            var sink = DiagnosticSink(file: "<built-in>/\(folder)/\(name)")
            let document = SourceLoader.parseDocument(path: "\(folder)/\(name)", text: text, isBuiltIn: true, sink: &sink)
            documents.append(document)
            diagnostics += sink.diagnostics
        }
        return (documents, diagnostics)
    }

    /// A symptom id is a lower-case slug: it names a page and is typed in `symptoms:` lists.
    static func problemWithID(_ id: String) -> String? {
        if id.isEmpty { return "a symptom id cannot be empty" }
        let allowed = id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        return allowed ? nil : "symptom id '\(id)' must use only a-z, 0-9 and '-'"
    }

    /// The team's documents plus the built-in symptoms they do not replace, and the problems of
    /// the team's symptom documents (a bad or repeated id, no signatures).
    public static func merge(team: [Document], displayPrefix: String) -> (documents: [Document], diagnostics: [Diagnostic]) {
        let builtIn = builtInDocuments()
        var diagnostics = builtIn.diagnostics
        var teamIDs: [String: String] = [:]
        for document in team where document.kind == .symptom {
            guard let id = document.symptomID else { continue }
            let file = displayPrefix + document.path
            let line = document.meta.keyLines["id"] ?? 1
            if let problem = problemWithID(id) {
                diagnostics.append(Diagnostic(file: file, line: line, severity: .error, message: problem))
            }
            if let first = teamIDs[id] {
                diagnostics.append(Diagnostic(file: file, line: line, severity: .error,
                                              message: "symptom id '\(id)' is already used by \(displayPrefix + first)"))
            } else {
                teamIDs[id] = document.path
            }
            if document.meta.signatures.isEmpty {
                diagnostics.append(Diagnostic(file: file, line: 1, severity: .warning,
                                              message: "symptom '\(id)' has no 'signatures:', so pasted errors are tied to it only by its words"))
            }
        }
        let teamPaths = Set(team.map(\.path))
        let kept = builtIn.documents.filter { document in
            guard let id = document.symptomID else { return false }
            return teamIDs[id] == nil && !teamPaths.contains(document.path)
        }
        return (team + kept, diagnostics)
    }

    /// The matcher for the symptom documents among `documents`.
    public static func matcher(for documents: [Document]) -> SymptomMatcher {
        SymptomMatcher(documents.compactMap { document in
            document.symptomID.map { ($0, document.meta.signatures.map(\.value), document.meta.hints.map(\.value)) }
        })
    }
}
