import Foundation
import RunbookCore

/// Where the command line writes: results to stdout, problems to stderr, colour only on a
/// terminal and never with NO_COLOR.
enum Terminal {
    static let useColor: Bool = {
        ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDERR_FILENO) != 0
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }()

    private static func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Colour for what goes to stdout (results): only when stdout itself is a terminal.
    static let stdoutUsesColor: Bool = {
        ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) != 0
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }()

    static func stdoutPaint(_ text: String, _ code: String) -> String {
        stdoutUsesColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// A remark about what the command did (stderr, so that results stay clean).
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("runbook: \(message)\n".utf8))
    }

    static func line(_ text: String) {
        print(text)
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("\(paint("runbook: error:", "1;31")) \(message)\n".utf8))
    }

    static func diagnostic(_ diagnostic: Diagnostic) {
        let label = diagnostic.severity == .error ? paint("error:", "1;31") : paint("warning:", "1;33")
        let location = paint("\(diagnostic.file):\(diagnostic.line):\(diagnostic.column):", "1")
        FileHandle.standardError.write(Data("\(location) \(label) \(diagnostic.message)\n".utf8))
    }

    static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
