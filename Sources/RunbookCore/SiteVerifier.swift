import Foundation

/// Checks the generated site as a browser would see it, from the HTML itself (read back with
/// libxml2): every relative link and `#anchor` leads to a file and an id that exist, nothing
/// links to a bare folder, and nothing makes the page fetch from the network.
struct SiteVerifier {
    /// Page path → ids on that page.
    let pageIDs: [String: Set<String>]
    /// Every file of the site that is not a page (assets, copied files).
    let files: Set<String>

    static let harmlessSchemes: Set<String> = ["data", "mailto", "tel", "javascript"]

    func problems(page: String, references: [PageInspection.Reference]) -> [(line: Int, message: String)] {
        var out: [(Int, String)] = []
        for reference in references where reference.attribute != "srcset" {
            let value = reference.value.trimmingCharacters(in: .whitespaces)
            if value.isEmpty { continue }
            if LinkResolver.isExternal(value) {
                let scheme = value.hasPrefix("//") ? "" : String(value[..<value.firstIndex(of: ":")!]).lowercased()
                if reference.element != "a" && !SiteVerifier.harmlessSchemes.contains(scheme) {
                    out.append((reference.line, "<\(reference.element) \(reference.attribute)=\"\(value)\"> loads from the network; the site must work offline"))
                }
                continue
            }
            var path = value
            var anchor: String?
            if let hash = path.firstIndex(of: "#") {
                anchor = String(path[path.index(after: hash)...]).removingPercentEncoding
                path = String(path[..<hash])
            }
            if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
            let target: String
            if path.isEmpty {
                target = page
            } else {
                if path.hasSuffix("/") {
                    out.append((reference.line, "link '\(value)' points at a folder; offline browsing needs a file such as index.html"))
                    continue
                }
                guard let resolved = SitePath.resolve(path.removingPercentEncoding ?? path, againstFolderOf: page) else {
                    out.append((reference.line, "link '\(value)' leaves the site"))
                    continue
                }
                target = resolved
            }
            if let ids = pageIDs[target] {
                if let anchor, !anchor.isEmpty, !ids.contains(anchor) {
                    out.append((reference.line, "link '\(value)' points at a missing anchor '#\(anchor)' in \(target)"))
                }
            } else if !files.contains(target) {
                out.append((reference.line, "link '\(value)' points at a missing file \(target)"))
            }
        }
        return out
    }
}
