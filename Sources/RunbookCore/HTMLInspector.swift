import CLibXML2

/// What one generated page contains, read back with libxml2's HTML parser: every `id`,
/// every URL it refers to, and its sections (heading + text) for the table of contents and search.
public struct PageInspection: Sendable, Equatable {
    public struct Reference: Sendable, Equatable {
        /// `a`, `img`, `link`, `script`, …
        public var element: String
        /// `href`, `src`, …
        public var attribute: String
        public var value: String
        public var line: Int
    }

    public struct Section: Sendable, Equatable {
        public var level: Int
        public var id: String?
        public var title: String
        public var text: String
    }

    public var ids: Set<String> = []
    public var references: [Reference] = []
    public var sections: [Section] = []
}

/// The only file that talks to libxml2. Pages are read with its SAX interface: no tree is
/// built, which keeps reading back every page of a 10,000-document site cheap.
public enum HTMLInspector {
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// The attributes that hold URLs (or, for `style`, CSS that may load them).
    static func isURLAttribute(_ key: String) -> Bool {
        switch key {
        case "href", "src", "srcset", "data", "poster", "action", "style": return true
        default: return false
        }
    }
    static let skippedForText: Set<String> = ["script", "style", "button", "template"]
    /// Elements that sit inside a line of text; every other element separates words.
    static let inlineElements: Set<String> = ["a", "em", "strong", "code", "span", "del", "b", "i", "kbd", "small",
                                              "sub", "sup", "abbr", "mark", "s", "u", "q", "var", "samp", "time"]
    static let headingLevels: [String: Int] = ["h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6]

    /// Parses `html` and collects ids and references; with `sections`, also the text of each
    /// heading-delimited section inside `<main>`.
    public static func inspect(_ html: String, sections collectSections: Bool = false) -> PageInspection {
        precondition(initialised)
        let collector = Collector(collectSections: collectSections)
        var bytes = Array(html.utf8)
        bytes.append(0)
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                guard let context = htmlCreateMemoryParserCtxt(pointer, Int32(buffer.count - 1)) else { return }
                defer { htmlFreeParserCtxt(context) }
                let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                                    | HTML_PARSE_NONET.rawValue | HTML_PARSE_RECOVER.rawValue)
                htmlCtxtUseOptions(context, options)
                guard let sax = context.pointee.sax else { return }
                // Replace the tree-building handlers with ours: nothing but these callbacks runs.
                sax.pointee = htmlSAXHandler()
                sax.pointee.startElement = { context, name, attributes in
                    HTMLInspector.collector(of: context)?.start(name: name, attributes: attributes,
                                                                line: HTMLInspector.line(of: context))
                }
                sax.pointee.endElement = { context, name in
                    HTMLInspector.collector(of: context)?.end(name: name)
                }
                sax.pointee.characters = { context, characters, length in
                    HTMLInspector.collector(of: context)?.text(characters, Int(length))
                }
                sax.pointee.cdataBlock = sax.pointee.characters
                withExtendedLifetime(collector) {
                    context.pointee._private = Unmanaged.passUnretained(collector).toOpaque()
                    htmlParseDocument(context)
                    context.pointee._private = nil
                }
            }
        }
        collector.closeSection()
        return collector.result
    }

    private static func collector(of context: UnsafeMutableRawPointer?) -> Collector? {
        guard let context else { return nil }
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let box = parser.pointee._private else { return nil }
        return Unmanaged<Collector>.fromOpaque(box).takeUnretainedValue()
    }

    private static func line(of context: UnsafeMutableRawPointer?) -> Int {
        guard let context else { return 0 }
        let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
        return Int(parser.pointee.input?.pointee.line ?? 0)
    }

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    /// Receives the parser's events for one page.
    private final class Collector {
        let collectSections: Bool
        var result = PageInspection()
        var mainDepth = 0
        var skipDepth = 0
        var headingDepth = 0
        var current: PageInspection.Section?
        var headingTitle = ""
        /// Text of a `<style>` element being read, and the line it started on.
        var styleText: String?
        var styleLine = 0

        init(collectSections: Bool) { self.collectSections = collectSections }

        func start(name namePointer: UnsafePointer<xmlChar>?, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, line: Int) {
            let name = HTMLInspector.string(namePointer)
            var id: String?
            var isAnchorLink = false
            if var cursor = attributes {
                while let keyPointer = cursor.pointee {
                    defer { cursor = cursor.advanced(by: 2) }
                    let key = HTMLInspector.string(keyPointer)
                    // Most attributes (`class`, `lang`, `aria-*`…) are not read: their values
                    // are not made into Strings.
                    let isURL = HTMLInspector.isURLAttribute(key)
                    let isID = key == "id" || (key == "name" && name == "a")
                    let isAnchorClass = key == "class" && name == "a"
                    guard isURL || isID || isAnchorClass else { continue }
                    let value = HTMLInspector.string(cursor.successor().pointee)
                    if isAnchorClass && value.split(separator: " ").contains("anchor") {
                        isAnchorLink = true
                    }
                    if isID {
                        result.ids.insert(value)
                        if key == "id" { id = value }
                    } else if isURL {
                        result.references.append(.init(element: name, attribute: key, value: value, line: line))
                    }
                }
            }
            if name == "style" {
                styleText = ""
                styleLine = line
            }
            guard collectSections else { return }
            if name == "main" || mainDepth > 0 { mainDepth += 1 }
            guard mainDepth > 0 else { return }
            if skipDepth > 0 || HTMLInspector.skippedForText.contains(name) || isAnchorLink { skipDepth += 1 }
            if !HTMLInspector.inlineElements.contains(name) { separateWords() }
            if headingDepth > 0 {
                headingDepth += 1
            } else if let level = HTMLInspector.headingLevels[name] {
                closeSection()
                current = PageInspection.Section(level: level, id: id, title: "", text: "")
                headingTitle = ""
                headingDepth = 1
            }
        }

        func end(name namePointer: UnsafePointer<xmlChar>?) {
            if let text = styleText, HTMLInspector.string(namePointer) == "style" {
                // A stylesheet in the page: checked like a style attribute.
                result.references.append(.init(element: "style", attribute: "style", value: text, line: styleLine))
                styleText = nil
            }
            guard collectSections, mainDepth > 0 else { return }
            mainDepth -= 1
            if !HTMLInspector.inlineElements.contains(HTMLInspector.string(namePointer)) { separateWords() }
            if skipDepth > 0 { skipDepth -= 1 }
            if headingDepth > 0 {
                headingDepth -= 1
                if headingDepth == 0 {
                    current?.title = headingTitle.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                }
            }
        }

        func text(_ characters: UnsafePointer<xmlChar>?, _ length: Int) {
            if styleText != nil, let characters {
                styleText! += String(decoding: UnsafeBufferPointer(start: characters, count: length), as: UTF8.self)
            }
            guard mainDepth > 0, skipDepth == 0, let characters, length > 0 else { return }
            let text = String(decoding: UnsafeBufferPointer(start: characters, count: length), as: UTF8.self)
            if headingDepth > 0 {
                headingTitle += text
                return
            }
            if current == nil { current = PageInspection.Section(level: 0, id: nil, title: "", text: "") }
            current?.text += text
        }

        private func separateWords() {
            if headingDepth > 0 { headingTitle += " " } else { current?.text += " " }
        }

        func closeSection() {
            guard var section = current else { return }
            section.text = section.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            result.sections.append(section)
            current = nil
        }
    }
}
