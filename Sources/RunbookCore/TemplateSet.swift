import Foundation
import Mustache

/// The page templates (Mustache, escaped by default) and static assets of the site: the
/// built-in defaults, each of which a team's own `templates/` folder can replace by name.
public struct TemplateSet: Sendable {
    static let templateExtension = ".mustache"
    static let assetsPrefix = "assets/"

    let library: MustacheLibrary
    /// The template texts, to parse private copies from (see `privateCopy()`).
    let sources: [String: String]
    /// Asset path under `assets/` → bytes.
    let assets: [String: Data]
    /// Names taken from the override folder (for `--verbose` and tests).
    public let overridden: [String]

    /// The built-in templates only.
    public static func builtIn() throws -> TemplateSet {
        var diagnostics: [Diagnostic] = []
        let set = try load(overrides: nil, diagnostics: &diagnostics)
        return set
    }

    /// Built-ins, replaced or extended by the files of `overrides` (a `templates/` folder).
    /// A template that does not parse is reported with its file, line and column.
    public static func load(overrides: URL?, displayPath: String? = nil, diagnostics: inout [Diagnostic]) throws -> TemplateSet {
        var sources: [String: (text: String, file: String)] = [:]
        var assets: [String: Data] = [:]
        for (name, text) in EmbeddedTemplates.files {
            if name.hasPrefix(assetsPrefix) {
                assets[String(name.dropFirst(assetsPrefix.count))] = Data(text.utf8)
            } else if name.hasSuffix(templateExtension) {
                sources[String(name.dropLast(templateExtension.count))] = (text, "<built-in>/" + name)
            }
        }
        var overridden: [String] = []
        if let overrides {
            let display = displayPath ?? overrides.path
            let prefix = display.hasSuffix("/") ? display : display + "/"
            let root = overrides.standardizedFileURL.path
            if let enumerator = FileManager.default.enumerator(at: overrides.standardizedFileURL, includingPropertiesForKeys: [.isRegularFileKey],
                                                               options: [.skipsHiddenFiles]) {
                for case let url as URL in enumerator {
                    guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
                    let path = url.standardizedFileURL.path
                    guard path.hasPrefix(root + "/") else { continue }
                    let relative = String(path.dropFirst(root.count + 1))
                    if relative.hasPrefix(assetsPrefix) {
                        assets[String(relative.dropFirst(assetsPrefix.count))] = try Data(contentsOf: url)
                        overridden.append(relative)
                    } else if relative.hasSuffix(templateExtension) {
                        var sink = DiagnosticSink(file: prefix + relative)
                        if let text = SourceLoader.readText(url, sink: &sink) {
                            sources[String(relative.dropLast(templateExtension.count))] = (text, prefix + relative)
                            overridden.append(relative)
                        }
                        diagnostics += sink.diagnostics
                    }
                }
            }
        }
        var library = MustacheLibrary()
        var unparsable: Set<String> = []
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            do {
                library.register(try parse(source.text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                let line = error.context.lineNumber
                let column = error.context.columnNumber - (line == 1 ? FastHTMLContentType.pragma.count : 0)
                diagnostics.append(Diagnostic(file: source.file, line: line,
                                              column: column, severity: .error,
                                              message: "template does not parse: \(error.error)"))
                unparsable.insert(name)
            }
        }
        for required in PageTemplate.allCases
        where library.getTemplate(named: required.rawValue) == nil && !unparsable.contains(required.rawValue) {
            diagnostics.append(Diagnostic(file: displayPath ?? "templates", line: 1, severity: .error,
                                          message: "template '\(required.rawValue)\(templateExtension)' is missing"))
        }
        return TemplateSet(library: library, sources: sources.mapValues(\.text), assets: assets, overridden: overridden.sorted())
    }

    /// The same templates parsed again into objects no other thread touches. Rendering from
    /// a shared copy on two cores made both threads fight over the templates' reference counts.
    func privateCopy() -> TemplateSet {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do {
                library.register(try parse(String(decoding: Array(text.utf8), as: UTF8.self)), named: name)
            } catch {
                // Cannot happen (the same text parsed in `load`); the shared copy renders the same.
                if let shared = self.library.getTemplate(named: name) { library.register(shared, named: name) }
            }
        }
        return TemplateSet(library: library, sources: sources, assets: assets, overridden: overridden)
    }

    /// Parses a template with the fast HTML escaping (same characters escaped as Mustache's own).
    static func parse(_ text: String) throws -> MustacheTemplate {
        precondition(FastHTMLContentType.registered)
        return try MustacheTemplate(string: FastHTMLContentType.pragma + text)
    }

    private func parse(_ text: String) throws -> MustacheTemplate { try TemplateSet.parse(text) }

    func render(_ template: PageTemplate, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template.rawValue) ?? ""
    }
}

/// The templates the site generator renders; others may exist as partials.
enum PageTemplate: String, CaseIterable {
    case layout, home, app, document, list, postmortems, tags
}

/// A text value for templates that counts as false in a section when it is empty, so that
/// `{{#duration}} · {{duration}}{{/duration}}` shows nothing for a document without one.
struct TemplateText: MustacheCustomRenderable {
    let value: String

    init(_ value: String?) { self.value = value ?? "" }

    var renderText: String { value }
    var isNull: Bool { value.isEmpty }
}
