/// One problem found in the user's content, reported as `path:line:col: severity: message`
/// in the manner of compilers, so editors and terminals can jump to it.
public struct Diagnostic: Sendable, Equatable, Comparable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case error, warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// The file, as the user would type it (the source folder joined with the relative path).
    public var file: String
    /// 1-based; a file-level problem points at 1:1.
    public var line: Int
    public var column: Int
    public var severity: Severity
    public var message: String
    /// The check that found it (`links`, `stale`…), shown by `runbook check` as `[rule]`.
    public var rule: String?

    public init(file: String, line: Int, column: Int = 1, severity: Severity, message: String, rule: String? = nil) {
        self.file = file
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.severity = severity
        self.message = message
        self.rule = rule
    }

    /// `path:line:col: severity: message [rule]`, as `runbook check` prints it.
    public var descriptionWithRule: String {
        description + " [\(rule ?? Diagnostic.defaultRule)]"
    }

    /// The rule of a problem that no particular check names: reading and parsing a document.
    public static let defaultRule = "document"

    public var description: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(message)"
    }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.message) < (rhs.file, rhs.line, rhs.column, rhs.message)
    }
}

/// Collects diagnostics for one file, so code that finds a problem only states line and message.
struct DiagnosticSink {
    let file: String
    /// The rule of what this sink collects, unless a call names another.
    var rule: String?
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, rule: String? = nil) {
        self.file = file
        self.rule = rule
    }

    mutating func error(_ message: String, line: Int, column: Int = 1, rule: String? = nil) {
        diagnostics.append(Diagnostic(file: file, line: line, column: column, severity: .error, message: message, rule: rule ?? self.rule))
    }

    mutating func warning(_ message: String, line: Int, column: Int = 1, rule: String? = nil) {
        diagnostics.append(Diagnostic(file: file, line: line, column: column, severity: .warning, message: message, rule: rule ?? self.rule))
    }
}

extension Array where Element == Diagnostic {
    public var errorCount: Int { filter { $0.severity == .error }.count }
    public var warningCount: Int { filter { $0.severity == .warning }.count }
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
