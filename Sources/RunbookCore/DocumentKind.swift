/// What a document is for. The folder it sits in decides (`checklists/`, `postmortems/`),
/// unless its front matter says `kind:`.
public enum DocumentKind: String, Sendable, CaseIterable, Comparable {
    case runbook, checklist, postmortem, symptom

    /// The folder names that make a document of this kind, wherever they appear in its path.
    static let folderKinds: [String: DocumentKind] = ["checklists": .checklist, "postmortems": .postmortem, "symptoms": .symptom]

    public var plural: String { rawValue + "s" }
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    public static func < (lhs: DocumentKind, rhs: DocumentKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
