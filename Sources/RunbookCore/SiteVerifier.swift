import Foundation

/// Checks the generated site as a browser would see it, from the HTML itself (read back with
/// libxml2): every relative link and `#anchor` leads to a file and an id that exist, nothing
/// links to a bare folder, and nothing makes the page fetch from the network.
struct SiteVerifier {
    /// Page path → ids on that page.
    let pageIDs: [String: Set<String>]
    /// Every file of the site that is not a page (assets, copied files).
    let files: Set<String>


    /// The element name given to what a stylesheet file (an asset) loads.
    static let stylesheet = "stylesheet"

    /// What a piece of CSS loads, as references to check like any other: `element` is `style`
    /// for CSS in a page, `stylesheet` for a stylesheet file.
    static func cssReferences(_ css: String, element: String, line: Int) -> [PageInspection.Reference] {
        CSS.urls(in: css).map { .init(element: element, attribute: "url", value: $0, line: line) }
    }

    /// One reference per URL: a `srcset` holds several, a `style` (attribute or element)
    /// holds CSS whose `url()` and `@import` load files.
    static func expand(_ references: [PageInspection.Reference]) -> [PageInspection.Reference] {
        var out: [PageInspection.Reference] = []
        for reference in references {
            switch reference.attribute {
            case "srcset":
                for candidate in reference.value.split(separator: ",") {
                    if let url = candidate.split(whereSeparator: \.isWhitespace).first {
                        out.append(.init(element: reference.element, attribute: "srcset", value: String(url), line: reference.line))
                    }
                }
            case "style":
                out += cssReferences(reference.value, element: "style", line: reference.line)
            default:
                out.append(reference)
            }
        }
        return out
    }

    /// Where a relative URL written in a page of some folder leads, remembered across the pages
    /// of that folder (they share the layout's links).
    struct Cache {
        var resolved: [String: String?] = [:]
    }

    /// A problem found in a page: the line of the page, the URL as written there, and what is wrong.
    struct Problem {
        var line: Int
        var url: String
        var message: String
    }

    func problems(page: String, references: [PageInspection.Reference], cache: inout Cache) -> [Problem] {
        var out: [Problem] = []
        for reference in SiteVerifier.expand(references) {
            let value = reference.value.trimmed()
            if value.isEmpty { continue }
            if let scheme = LinkResolver.scheme(of: value) {
                if reference.element == "a" {
                    if !LinkResolver.allowedLinkSchemes.contains(scheme) {
                        out.append(Problem(line: reference.line, url: value, message: "<a href=\"\(value)\"> uses the scheme '\(scheme):', which the site does not allow"))
                    }
                } else if !(scheme == "data" && (reference.element == "img" || reference.element == "style" || reference.element == SiteVerifier.stylesheet)) {
                    let what = reference.element == SiteVerifier.stylesheet ? "stylesheet loads '\(value)'"
                        : "<\(reference.element) \(reference.attribute)=\"\(value)\"> loads"
                    out.append(Problem(line: reference.line, url: value, message: "\(what) from the network; the site must work offline"))
                }
                continue
            }
            let (path, anchor) = SitePath.splitURL(value)
            let target: String
            if path.isEmpty {
                target = page
            } else {
                if path.hasSuffix("/") {
                    out.append(Problem(line: reference.line, url: value, message: "link '\(value)' points at a folder; offline browsing needs a file such as index.html"))
                    continue
                }
                let resolution: String?
                if let known = cache.resolved[path] {
                    resolution = known
                } else {
                    resolution = SitePath.resolve(path.percentDecoded(), againstFolderOf: page)
                    cache.resolved[path] = resolution
                }
                guard let resolved = resolution else {
                    out.append(Problem(line: reference.line, url: value, message: "link '\(value)' leaves the site"))
                    continue
                }
                target = resolved
            }
            if let ids = pageIDs[target] {
                if let anchor, !anchor.isEmpty, !ids.contains(anchor) {
                    out.append(Problem(line: reference.line, url: value, message: "link '\(value)' points at a missing anchor '#\(anchor)' in \(target)"))
                }
            } else if !files.contains(target) {
                let message = reference.element == SiteVerifier.stylesheet ? "stylesheet loads '\(value)', which is not in the site"
                    : "link '\(value)' points at a missing file \(target)"
                out.append(Problem(line: reference.line, url: value, message: message))
            }
        }
        return out
    }
}
