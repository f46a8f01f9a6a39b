import CLibXML2

/// What one generated page contains, read back with libxml2's HTML parser: every `id`,
/// every URL it refers to, and its sections (heading + text) for the table of contents and search.
public struct PageInspection: Sendable, Equatable {
    public struct Reference: Sendable, Equatable {
        /// `a`, `img`, `link`, `script`, …
        public var element: String
        /// `href` or `src`.
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

/// The only file that talks to libxml2.
public enum HTMLInspector {
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// Elements whose URL the browser fetches by itself as the page loads.
    static let fetchingElements: Set<String> = ["img", "script", "link", "iframe", "source", "video", "audio",
                                                 "embed", "object", "track", "input", "frame"]
    private static let urlAttributes: Set<String> = ["href", "src", "srcset", "data", "poster", "action"]
    private static let skippedForText: Set<String> = ["script", "style", "button", "template"]

    /// Parses `html` and collects ids and references; with `sections`, also the text of each
    /// heading-delimited section inside `<main>` (or the whole body when there is no main).
    public static func inspect(_ html: String, sections collectSections: Bool = false) -> PageInspection {
        precondition(initialised)
        var result = PageInspection()
        let options = Int32(HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                            | HTML_PARSE_NONET.rawValue | HTML_PARSE_RECOVER.rawValue)
        let parsed: htmlDocPtr? = html.utf8CString.withUnsafeBufferPointer { buffer in
            htmlReadMemory(buffer.baseAddress, Int32(buffer.count - 1), nil, "UTF-8", options)
        }
        guard let document = parsed else { return result }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return result }

        var walker = Walker(collectSections: collectSections)
        walker.walk(root, inMain: false)
        result.ids = walker.ids
        result.references = walker.references
        if collectSections {
            walker.closeSection()
            result.sections = walker.sections
        }
        return result
    }

    private struct Walker {
        let collectSections: Bool
        var ids: Set<String> = []
        var references: [PageInspection.Reference] = []
        var sections: [PageInspection.Section] = []
        var current: PageInspection.Section?
        var sawMain = false

        init(collectSections: Bool) { self.collectSections = collectSections }

        mutating func closeSection() {
            if let section = current {
                var finished = section
                finished.text = finished.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                sections.append(finished)
            }
            current = nil
        }

        mutating func walk(_ start: xmlNodePtr, inMain: Bool) {
            var node: xmlNodePtr? = start
            while let current = node {
                visit(current, inMain: inMain)
                node = current.pointee.next
            }
        }

        private mutating func visit(_ node: xmlNodePtr, inMain: Bool) {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                let name = HTMLInspector.string(node.pointee.name)
                var id: String?
                var attribute = node.pointee.properties
                while let attr = attribute {
                    let attrName = HTMLInspector.string(attr.pointee.name)
                    if attrName == "id" || attrName == "name" && name == "a" {
                        let value = HTMLInspector.attributeValue(attr)
                        ids.insert(value)
                        if attrName == "id" { id = value }
                    } else if HTMLInspector.urlAttributes.contains(attrName) {
                        references.append(.init(element: name, attribute: attrName,
                                                value: HTMLInspector.attributeValue(attr),
                                                line: Int(xmlGetLineNo(node))))
                    }
                    attribute = attr.pointee.next
                }
                if name == "main" { sawMain = true }
                let nowInMain = inMain || name == "main"
                if collectSections && nowInMain, name.count == 2, name.first == "h",
                   let level = Int(String(name.last!)), (1...6).contains(level) {
                    closeSection()
                    let title = HTMLInspector.text(of: node).split(whereSeparator: \.isWhitespace).joined(separator: " ")
                    current = PageInspection.Section(level: level, id: id, title: title.hasSuffix(" #") ? String(title.dropLast(2)) : title, text: "")
                    return
                }
                if collectSections && HTMLInspector.skippedForText.contains(name) { return }
                if let child = node.pointee.children { walk(child, inMain: nowInMain) }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                guard collectSections, inMain else { return }
                if current == nil { current = PageInspection.Section(level: 0, id: nil, title: "", text: "") }
                current?.text += HTMLInspector.string(node.pointee.content)
                current?.text += " "
            default:
                if let child = node.pointee.children { walk(child, inMain: inMain) }
            }
        }
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    private static func string(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String {
        string(UnsafePointer(pointer))
    }

    private static func attributeValue(_ attribute: xmlAttrPtr) -> String {
        var out = ""
        var child = attribute.pointee.children
        while let node = child {
            out += string(node.pointee.content)
            child = node.pointee.next
        }
        return out
    }

    private static func text(of node: xmlNodePtr) -> String {
        var out = ""
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE {
                out += string(current.pointee.content)
            } else if current.pointee.type == XML_ELEMENT_NODE {
                out += text(of: current)
            }
            child = current.pointee.next
        }
        return out
    }
}
