import Foundation
import Yams

/// `runbook.yml` at the top of the source folder: optional, every key optional.
public struct SiteConfig: Sendable, Equatable {
    public static let fileName = "runbook.yml"
    /// How many days a runbook stays fresh when neither it nor `runbook.yml` says.
    public static let defaultReviewEveryDays = 180

    public var title: String = "Runbooks"
    public var organisation: String?
    public var reviewEvery: Int = SiteConfig.defaultReviewEveryDays

    public init() {}

    static let knownKeys: Set<String> = ["title", "organisation", "organization", "review_every"]

    /// Reads `text` (the file's contents); problems go to `sink`.
    static func parse(_ text: String, sink: inout DiagnosticSink) -> SiteConfig {
        var config = SiteConfig()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            var line = 1, column = 1
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
                line = mark.line
                column = mark.column
            default: break
            }
            sink.error("invalid YAML: \(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML",
                       line: line, column: column)
            return config
        } catch {
            sink.error("invalid YAML: \(error)", line: 1)
            return config
        }
        guard let root else { return config }
        guard let mapping = root.mapping else {
            sink.error("\(fileName) must be a mapping of 'key: value' lines", line: root.mark?.line ?? 1)
            return config
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            let line = keyNode.mark?.line ?? 1
            switch key {
            case "title":
                if let s = value.string, !s.isEmpty { config.title = s }
            case "organisation", "organization":
                config.organisation = value.string
            case "review_every":
                if let text = value.string, let days = Int(text), days > 0 {
                    config.reviewEvery = days
                } else {
                    sink.error("'review_every' must be a whole number of days greater than 0", line: value.mark?.line ?? line)
                }
            default:
                sink.warning("unknown key '\(key)' (known: title, organisation, review_every)", line: line)
            }
        }
        return config
    }
}
