import Foundation
import RunbookCore

/// Where the command line writes: results to stdout, problems to stderr, colour only on a
/// terminal and never with NO_COLOR.
enum Terminal {
    /// Whether what goes to `descriptor` may be coloured: it is a terminal, NO_COLOR is unset.
    static func colorAllowed(on descriptor: Int32) -> Bool {
        ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(descriptor) != 0
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// Problems go to stderr; results (search) to stdout: each is coloured only on a terminal.
    static let useColor = colorAllowed(on: STDERR_FILENO)
    static let stdoutUsesColor = colorAllowed(on: STDOUT_FILENO)

    static func paint(_ text: String, _ code: String, when enabled: Bool) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private static func paint(_ text: String, _ code: String) -> String { paint(text, code, when: useColor) }

    static func stdoutPaint(_ text: String, _ code: String) -> String { paint(text, code, when: stdoutUsesColor) }

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

    /// A problem as `runbook check` prints it on stdout: with its rule, coloured on a terminal.
    static func stdoutDiagnostic(_ diagnostic: Diagnostic) -> String {
        let label = diagnostic.severity == .error ? stdoutPaint("error:", "1;31") : stdoutPaint("warning:", "1;33")
        let location = stdoutPaint("\(diagnostic.file):\(diagnostic.line):\(diagnostic.column):", "1")
        return "\(location) \(label) \(diagnostic.message) [\(diagnostic.rule ?? Diagnostic.defaultRule)]"
    }

    static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
