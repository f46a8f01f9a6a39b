/// What a document is for. The folder it sits in decides (`checklists/`, `postmortems/`,
/// `drills/`), unless its front matter says `kind:`. New kinds go at the end: the search
/// index stores a kind as its position in this list.
public enum DocumentKind: String, Sendable, CaseIterable, Comparable {
    case runbook, checklist, postmortem, symptom, drill

    /// The folder names that make a document of this kind, wherever they appear in its path.
    static let folderKinds: [String: DocumentKind] = ["checklists": .checklist, "postmortems": .postmortem, "symptoms": .symptom, "drills": .drill]

    public var plural: String { rawValue + "s" }
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    public static func < (lhs: DocumentKind, rhs: DocumentKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
