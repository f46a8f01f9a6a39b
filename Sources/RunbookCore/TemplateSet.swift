import Foundation
import Mustache

/// The page templates (Mustache, escaped by default) and static assets of the site: the
/// built-in defaults, each of which a team's own `templates/` folder can replace by name.
public struct TemplateSet: Sendable {
    static let templateExtension = ".mustache"
    static let builtInNames = EmbeddedTemplates.files.keys.filter { $0.hasSuffix(templateExtension) }
        .map { String($0.dropLast(templateExtension.count)) }.sorted().joined(separator: ", ")
    static let assetsPrefix = "assets/"

    let library: MustacheLibrary
    /// The template texts, to parse private copies from (see `privateCopy()`).
    let sources: [String: String]
    /// Asset path under `assets/` → bytes.
    let assets: [String: Data]
    /// Files of the templates folder that differ from the built-in ones, relative to it (the
    /// build's summary names them).
    public let overridden: [String]

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
            let prefix = SitePath.folderPrefix(display)
            let root = overrides.standardizedFileURL.path
            if let enumerator = FileManager.default.enumerator(at: overrides.standardizedFileURL, includingPropertiesForKeys: [.isRegularFileKey],
                                                               options: [.skipsHiddenFiles]) {
                for case let url as URL in enumerator {
                    guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
                    let path = url.standardizedFileURL.path
                    guard path.hasPrefix(root + "/") else { continue }
                    let relative = String(path.dropFirst(root.count + 1))
                    if relative.hasPrefix(assetsPrefix) {
                        let data = try Data(contentsOf: url)
                        assets[String(relative.dropFirst(assetsPrefix.count))] = data
                        if EmbeddedTemplates.files[relative].map({ Data($0.utf8) }) != data { overridden.append(relative) }
                    } else if relative.hasSuffix(templateExtension) {
                        var sink = DiagnosticSink(file: prefix + relative, rule: "templates")
                        let name = String(relative.dropLast(templateExtension.count))
                        if sources[name] == nil {
                            sink.warning("'\(relative)' replaces no built-in template (they are \(builtInNames)); it is used only where another template includes it with {{> \(name)}}",
                                         line: 1)
                        }
                        if let text = SourceLoader.readText(url, sink: &sink) {
                            sources[String(relative.dropLast(templateExtension.count))] = (text, prefix + relative)
                            if EmbeddedTemplates.files[relative] != text { overridden.append(relative) }
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
                library.register(try TemplateSet.parse(source.text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                let line = error.context.lineNumber
                let column = error.context.columnNumber - (line == 1 ? FastHTMLContentType.pragma.count : 0)
                diagnostics.append(Diagnostic(file: source.file, line: line,
                                              column: column, severity: .error,
                                              message: "template does not parse: \(error.error)", rule: "templates"))
                unparsable.insert(name)
            }
        }
        return TemplateSet(library: library, sources: sources.mapValues(\.text), assets: assets, overridden: overridden.sorted())
    }

    /// The same templates parsed again into objects no other thread touches. Rendering from
    /// a shared copy on two cores made both threads fight over the templates' reference counts.
    func privateCopy() -> TemplateSet {
        var library = MustacheLibrary()
        for (name, text) in sources {
            do {
                library.register(try TemplateSet.parse(String(decoding: Array(text.utf8), as: UTF8.self)), named: name)
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


    func render(_ template: PageTemplate, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template.rawValue) ?? ""
    }
}

/// The templates the site generator renders; others may exist as partials.
enum PageTemplate: String, CaseIterable {
    case layout, home, app, document, list, postmortems, tags, search, drills
}

/// A text value for templates that counts as false in a section when it is empty, so that
/// `{{#duration}} · {{duration}}{{/duration}}` shows nothing for a document without one.
struct TemplateText: MustacheCustomRenderable {
    let value: String

    init(_ value: String?) { self.value = value ?? "" }

    var renderText: String { value }
    var isNull: Bool { value.isEmpty }
}

/// Documents as rows of a list, each row made when a template walks the list: a page that
/// shows a ready-made list (a symptom's thousands of documents) then pays nothing for rows.
struct LazyItems: MustacheSequence, MustacheTransformable {
    let documents: [Int]
    let item: (Int) -> [String: Any]

    func makeIterator() -> LazyMapSequence<[Int], [String: Any]>.Iterator {
        documents.lazy.map(item).makeIterator()
    }

    func transform(_ name: String) -> Any? {
        switch name {
        case "empty": return documents.isEmpty
        case "count": return documents.count
        case "first": return documents.first.map(item)
        case "last": return documents.last.map(item)
        default: return nil
        }
    }
}
