import Foundation
import Yams

/// A value from front matter with the file line it was written on, so later checks
/// (a link in `runbooks:`, a symptom id) can point at the right line.
public struct Located<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var line: Int
    public var column: Int

    public init(_ value: Value, line: Int, column: Int = 1) {
        self.value = value
        self.line = line
        self.column = column
    }
}

/// The YAML block at the top of a document, typed. Every field is optional except `title`;
/// keys this tool does not know are kept, in order, and shown on the page.
public struct FrontMatter: Sendable, Equatable {
    public var title: String = ""
    public var app: String?
    public var kind: String?
    public var owners: [String] = []
    public var tags: [String] = []
    public var severity: String?
    public var symptoms: [Located<String>] = []
    public var alerts: [Located<String>] = []
    public var lastReviewed: Day?
    public var reviewEvery: Int?
    public var date: Day?
    public var duration: String?
    public var impact: String?
    public var apps: [String] = []
    public var runbooks: [Located<String>] = []
    /// Drills: the checklists that apply (source paths), what the responders must achieve,
    /// and how hard the scenario is.
    public var checklists: [Located<String>] = []
    public var objectives: [String] = []
    public var difficulty: String?
    /// Symptom documents: the symptom's id, a one-line summary, its category, look-alike
    /// symptoms, and the phrases (`signatures`, `hints`) that recognise it in pasted text.
    public var id: String?
    public var summary: String?
    public var category: String?
    public var neighbours: [String] = []
    public var signatures: [Located<String>] = []
    public var hints: [Located<String>] = []
    /// Keys not listed above, with their values flattened to text for display.
    public var extra: [(key: String, value: String)] = []
    /// Where each known key was written (file line), for diagnostics.
    public var keyLines: [String: Int] = [:]

    public init() {}

    public static func == (lhs: FrontMatter, rhs: FrontMatter) -> Bool {
        lhs.title == rhs.title && lhs.app == rhs.app && lhs.kind == rhs.kind && lhs.owners == rhs.owners
            && lhs.tags == rhs.tags && lhs.severity == rhs.severity && lhs.symptoms == rhs.symptoms
            && lhs.alerts == rhs.alerts && lhs.lastReviewed == rhs.lastReviewed
            && lhs.reviewEvery == rhs.reviewEvery && lhs.date == rhs.date && lhs.duration == rhs.duration
            && lhs.impact == rhs.impact && lhs.apps == rhs.apps && lhs.runbooks == rhs.runbooks
            && lhs.checklists == rhs.checklists && lhs.objectives == rhs.objectives && lhs.difficulty == rhs.difficulty
            && lhs.id == rhs.id && lhs.summary == rhs.summary && lhs.category == rhs.category
            && lhs.neighbours == rhs.neighbours && lhs.signatures == rhs.signatures && lhs.hints == rhs.hints
            && lhs.extra.map(\.key) == rhs.extra.map(\.key) && lhs.extra.map(\.value) == rhs.extra.map(\.value)
    }
}

/// A document's text split into front matter and Markdown body.
struct SplitDocument {
    /// The YAML text between the `---` fences (empty when there is none).
    var yaml: String
    /// The file line the YAML starts on (the line after the opening fence).
    var yamlFirstLine: Int
    var hasFrontMatter: Bool
    var body: String
    /// Add this to a body line number to get the file line number.
    var bodyLineOffset: Int
}

extension FrontMatter {
    static let knownKeys: Set<String> = [
        "title", "app", "kind", "owners", "tags", "severity", "symptoms", "alerts", "last_reviewed",
        "review_every", "date", "duration", "impact", "apps", "runbooks", "checklists", "objectives", "difficulty",
        "id", "summary", "category", "neighbours", "signatures", "hints",
    ]

    /// Splits `--- yaml --- body`. An opening fence without a closing one is an error.
    /// Only the front matter's lines are looked at; the body is sliced off as it is.
    static func split(_ text: String, sink: inout DiagnosticSink) -> SplitDocument {
        var content = Substring(text)
        if content.hasPrefix("\u{FEFF}") { content = content.dropFirst() }
        let utf8 = content.utf8
        /// The line starting at `start` (without its line break) and where the next one starts.
        func line(at start: String.Index) -> (Substring, next: String.Index) {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            let next = end == utf8.endIndex ? end : utf8.index(after: end)
            return (content[start..<end], next)
        }
        func isFence(_ line: Substring, closing: Bool) -> Bool {
            var l = line
            while let last = l.last, last == "\r" || last == " " || last == "\t" { l = l.dropLast() }
            return l == "---" || (closing && l == "...")
        }
        let (first, afterFirst) = line(at: content.startIndex)
        guard isFence(first, closing: false) else {
            return SplitDocument(yaml: "", yamlFirstLine: 1, hasFrontMatter: false, body: text, bodyLineOffset: 0)
        }
        var cursor = afterFirst
        var lineNumber = 1
        while cursor < content.endIndex {
            let (current, next) = line(at: cursor)
            lineNumber += 1
            if isFence(current, closing: true) {
                return SplitDocument(yaml: String(content[afterFirst..<cursor]), yamlFirstLine: 2, hasFrontMatter: true,
                                     body: String(content[next...]), bodyLineOffset: lineNumber)
            }
            cursor = next
        }
        sink.error("front matter starts with '---' but has no closing '---' line", line: 1)
        return SplitDocument(yaml: "", yamlFirstLine: 2, hasFrontMatter: false,
                             body: String(content[afterFirst...]), bodyLineOffset: 1)
    }

    /// Parses the YAML of a split document. Problems go to `sink` with file lines; parsing goes
    /// on past a bad field so that every problem of the file is reported at once.
    static func parse(_ split: SplitDocument, sink: inout DiagnosticSink) -> FrontMatter {
        var meta = FrontMatter()
        guard split.hasFrontMatter else {
            sink.error("missing front matter: a document starts with '---', a 'title:' line and '---'", line: 1)
            return meta
        }
        let lineOffset = split.yamlFirstLine - 1
        let root: Node?
        do {
            // The basic resolver: every scalar stays a string (dates are read by `Day`), which
            // spares Yams a regular expression per scalar.
            root = try Yams.compose(yaml: split.yaml, .basic, .default, .utf8)
        } catch let error as YamlError {
            let (line, column, problem) = describe(error)
            sink.error("invalid YAML in front matter: \(problem)", line: line + lineOffset, column: column)
            return meta
        } catch {
            sink.error("invalid YAML in front matter: \(error)", line: split.yamlFirstLine)
            return meta
        }
        guard let root else {
            sink.error("front matter is empty: it needs at least a 'title:'", line: 1)
            return meta
        }
        guard let mapping = root.mapping else {
            sink.error("front matter must be a mapping of 'key: value' lines", line: (root.mark?.line ?? 1) + lineOffset)
            return meta
        }
        var reader = FieldReader(sink: sink, lineOffset: lineOffset)
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            let line = (keyNode.mark?.line ?? 1) + lineOffset
            if knownKeys.contains(key) { meta.keyLines[key] = line }
            switch key {
            case "title": meta.title = reader.string(value, key: key) ?? ""
            case "app": meta.app = reader.string(value, key: key)
            case "kind": meta.kind = reader.string(value, key: key)?.lowercased()
            case "owners": meta.owners = reader.list(value, key: key).map(\.value)
            case "tags": meta.tags = reader.list(value, key: key).map(\.value)
            case "severity": meta.severity = reader.string(value, key: key)
            case "symptoms": meta.symptoms = reader.list(value, key: key)
            case "alerts": meta.alerts = reader.list(value, key: key)
            case "last_reviewed": meta.lastReviewed = reader.day(value, key: key)
            case "review_every": meta.reviewEvery = reader.days(value, key: key)
            case "date": meta.date = reader.day(value, key: key)
            case "duration": meta.duration = reader.string(value, key: key)
            case "impact": meta.impact = reader.string(value, key: key)
            case "apps": meta.apps = reader.list(value, key: key).map(\.value)
            case "runbooks": meta.runbooks = reader.list(value, key: key)
            case "checklists": meta.checklists = reader.list(value, key: key)
            case "objectives": meta.objectives = reader.list(value, key: key).map(\.value)
            case "difficulty": meta.difficulty = reader.string(value, key: key)
            case "id": meta.id = reader.string(value, key: key)?.trimmed()
            case "summary": meta.summary = reader.string(value, key: key)
            case "category": meta.category = reader.string(value, key: key)
            case "neighbours": meta.neighbours = reader.list(value, key: key).map(\.value)
            case "signatures": meta.signatures = reader.list(value, key: key)
            case "hints": meta.hints = reader.list(value, key: key)
            default: meta.extra.append((key, displayText(value)))
            }
        }
        sink = reader.sink
        meta.title = meta.title.trimmed()
        if meta.title.isEmpty, meta.keyLines["title"] == nil {
            sink.error("missing 'title' in front matter", line: split.yamlFirstLine - 1)
        } else if meta.title.isEmpty {
            sink.error("'title' is empty", line: meta.keyLines["title"] ?? 1)
        }
        return meta
    }

    static func describe(_ error: YamlError) -> (line: Int, column: Int, problem: String) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text))" } ?? problem
            return (mark.line, mark.column, detail)
        case .reader(let problem, _, _, _):
            return (1, 1, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark.line, context.mark.column,
                    "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        default:
            return (1, 1, "\(error)")
        }
    }

    /// Flattens any YAML value to one line of text, for showing unknown keys.
    static func displayText(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .sequence(let sequence): return sequence.map(displayText).joined(separator: ", ")
        case .mapping(let mapping):
            return mapping.map { "\(displayText($0.key)): \(displayText($0.value))" }.joined(separator: "; ")
        case .alias: return ""
        }
    }
}

/// Reads typed values out of YAML nodes, reporting type mistakes with their lines
/// (front matter and `runbook.yml` alike).
struct FieldReader {
    /// The longest review interval accepted: a century is "never", and keeps date sums in range.
    static let maximumDays = 36_500

    var sink: DiagnosticSink
    let lineOffset: Int

    init(sink: DiagnosticSink, lineOffset: Int) {
        self.sink = sink
        self.lineOffset = lineOffset
    }

    /// YAML's spellings of "no value", unquoted.
    static let nullSpellings: Set<String> = ["", "~", "null", "Null", "NULL"]

    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && nullSpellings.contains(scalar.string)
    }

    func line(_ node: Node) -> Int { (node.mark?.line ?? 1) + lineOffset }
    func column(_ node: Node) -> Int { node.mark?.column ?? 1 }

    mutating func string(_ node: Node, key: String) -> String? {
        guard case .scalar(let scalar) = node else {
            sink.error("'\(key)' must be a single value, not a list or mapping", line: line(node), column: column(node))
            return nil
        }
        if FieldReader.isNull(scalar) { return nil }
        return scalar.string
    }

    /// A list of strings; a single value counts as a list of one.
    mutating func list(_ node: Node, key: String) -> [Located<String>] {
        switch node {
        case .scalar(let scalar):
            if FieldReader.isNull(scalar) { return [] }
            return [Located(scalar.string, line: line(node), column: column(node))]
        case .sequence(let sequence):
            var out: [Located<String>] = []
            for item in sequence {
                if case .scalar(let scalar) = item {
                    out.append(Located(scalar.string, line: line(item), column: column(item)))
                } else {
                    sink.error("each item of '\(key)' must be a single value", line: line(item), column: column(item))
                }
            }
            return out
        default:
            sink.error("'\(key)' must be a list", line: line(node), column: column(node))
            return []
        }
    }

    mutating func day(_ node: Node, key: String) -> Day? {
        guard let text = string(node, key: key) else { return nil }
        guard let day = Day(parsing: text) else {
            sink.error("'\(key)' is not a date: '\(text)' (write it as YYYY-MM-DD)", line: line(node), column: column(node))
            return nil
        }
        return day
    }

    mutating func days(_ node: Node, key: String) -> Int? {
        guard let text = string(node, key: key) else { return nil }
        var digits = text.trimmed()
        if digits.hasSuffix("d") { digits.removeLast() }
        guard let value = Int(digits), value > 0, value <= FieldReader.maximumDays else {
            sink.error("'\(key)' must be a whole number of days from 1 to \(FieldReader.maximumDays), not '\(text)'",
                       line: line(node), column: column(node))
            return nil
        }
        return value
    }
}
