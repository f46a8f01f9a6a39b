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
    /// Where the site is published (`https://runbooks.example.com/`): alerts' `runbook_url`s
    /// are checked against it.
    public var baseURL: String?

    public init() {}

    static let knownKeys: Set<String> = ["title", "organisation", "organization", "review_every", "base_url"]

    /// Reads `text` (the file's contents); problems go to `sink`.
    static func parse(_ text: String, sink: inout DiagnosticSink) -> SiteConfig {
        var config = SiteConfig()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            let (line, column, problem) = FrontMatter.describe(error)
            sink.error("invalid YAML: \(problem)", line: line, column: column)
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
        var reader = FieldReader(sink: sink, lineOffset: 0)
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            switch key {
            case "title":
                if let title = reader.string(value, key: key), !title.isEmpty { config.title = title }
            case "organisation", "organization":
                config.organisation = reader.string(value, key: key)
            case "review_every":
                if let days = reader.days(value, key: key) { config.reviewEvery = days }
            case "base_url":
                config.baseURL = reader.string(value, key: key)?.trimmed()
            default:
                reader.sink.warning("unknown key '\(key)' (known: title, organisation, review_every, base_url)", line: reader.line(keyNode),
                                    column: reader.column(keyNode))
            }
        }
        sink = reader.sink
        return config
    }
}
