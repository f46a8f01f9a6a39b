import Foundation
import Yams

/// One alerting rule of a Prometheus rule file, with where it was written.
public struct AlertRule: Sendable, Equatable {
    public var name: String
    /// The rule file, as the user named it.
    public var file: String
    /// Where `alert:` is written.
    public var line: Int
    public var column: Int
    /// `annotations.runbook_url`, with where it is written.
    public var runbookURL: Located<String>?
}

/// Reads Prometheus alerting rules as Prometheus writes them (`groups[].rules[]`) and as the
/// Prometheus Operator does (a `PrometheusRule` resource: `spec.groups[].rules[]`, several per
/// file separated by `---`, or inside a `kind: List`). Recording rules are skipped.
public enum PrometheusRules {
    public static func parse(_ text: String, file: String) -> (rules: [AlertRule], diagnostics: [Diagnostic]) {
        var sink = DiagnosticSink(file: file, rule: "alerts")
        var rules: [AlertRule] = []
        // A Parser, not compose_all: that sequence stops at a broken document and keeps the
        // error to itself.
        var documents: [Node] = []
        do {
            let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
            while let document = try parser.nextRoot() { documents.append(document) }
        } catch let error as YamlError {
            let (line, column, problem) = FrontMatter.describe(error)
            sink.error("invalid YAML: \(problem)", line: line, column: column)
            return ([], sink.diagnostics)
        } catch {
            sink.error("invalid YAML: \(error)", line: 1)
            return ([], sink.diagnostics)
        }
        func line(_ node: Node) -> Int { node.mark?.line ?? 1 }
        func column(_ node: Node) -> Int { node.mark?.column ?? 1 }

        var sawGroups = false
        func readGroups(_ groups: Node) {
            sawGroups = true
            guard let list = groups.sequence else {
                sink.error("'groups' must be a list of rule groups", line: line(groups), column: column(groups))
                return
            }
            for group in list {
                guard let rulesNode = group.mapping?["rules"] else { continue }
                guard let ruleList = rulesNode.sequence else {
                    sink.error("'rules' must be a list of rules", line: line(rulesNode), column: column(rulesNode))
                    continue
                }
                for rule in ruleList {
                    guard let mapping = rule.mapping, let alertNode = mapping["alert"] else { continue }  // a recording rule
                    guard let name = alertNode.string?.trimmed(), !name.isEmpty else {
                        sink.error("'alert' must name the alert", line: line(alertNode), column: column(alertNode))
                        continue
                    }
                    var url: Located<String>?
                    if let urlNode = mapping["annotations"]?.mapping?["runbook_url"], let value = urlNode.string?.trimmed(), !value.isEmpty {
                        url = Located(value, line: line(urlNode), column: column(urlNode))
                    }
                    rules.append(AlertRule(name: name, file: file, line: line(alertNode), column: column(alertNode), runbookURL: url))
                }
            }
        }
        func read(_ node: Node) {
            guard let mapping = node.mapping else { return }
            if let groups = mapping["groups"] {
                readGroups(groups)
            } else if let groups = mapping["spec"]?.mapping?["groups"] {
                readGroups(groups)
            } else if let items = mapping["items"]?.sequence {
                items.forEach(read)
            }
        }
        documents.forEach(read)
        if !sawGroups {
            sink.warning("no rule groups found: expected 'groups:' (a Prometheus rule file) or 'spec: groups:' (a PrometheusRule)", line: 1)
        }
        return (rules, sink.diagnostics)
    }
}
