import Foundation

/// Pango and cairo, loaded when a PDF is asked for and not before.
///
/// Linking them would make the dynamic loader map about 40 libraries (glib, harfbuzz,
/// fontconfig, freetype, X11…) at the start of every run: +3.2 ms measured here for a program
/// that does nothing, which `runbook search` (4–5 ms in all) cannot afford. So this file, the
/// only one that talks to Pango and cairo, opens them with `dlopen` and declares the few
/// functions it calls with their C signatures (pango 1.50, cairo 1.16).
final class PangoCairo {
    struct Unavailable: Error, CustomStringConvertible {
        var detail: String
        var description: String {
            "cannot draw a PDF: \(detail); --format text and --format html work without it"
        }
        static func libraries(_ reason: String) -> Unavailable {
            Unavailable(detail: "PDF output needs the Pango and cairo libraries (Debian: apt-get install libpangocairo-1.0-0 libcairo2 fonts-dejavu-core): \(reason)")
        }
    }

    typealias Pointer = OpaquePointer
    /// Pango counts in 1/1024 of a point.
    static let pangoScale = 1024.0
    static let wrapWordChar: Int32 = 2
    static let alignRight: Int32 = 2
    enum Metadata: Int32 { case title = 0, author = 1, subject = 2, keywords = 3, creator = 4 }

    private static let libraries = ["libcairo.so.2", "libgobject-2.0.so.0", "libpango-1.0.so.0", "libpangocairo-1.0.so.0"]
    private var handles: [UnsafeMutableRawPointer] = []

    let pdfSurfaceCreate: @convention(c) (UnsafePointer<CChar>, Double, Double) -> Pointer?
    let pdfSurfaceSetMetadata: @convention(c) (Pointer, Int32, UnsafePointer<CChar>) -> Void
    let surfaceStatus: @convention(c) (Pointer) -> Int32
    let surfaceFinish: @convention(c) (Pointer) -> Void
    let surfaceDestroy: @convention(c) (Pointer) -> Void
    let statusToString: @convention(c) (Int32) -> UnsafePointer<CChar>?
    let create: @convention(c) (Pointer) -> Pointer?
    let destroy: @convention(c) (Pointer) -> Void
    let showPage: @convention(c) (Pointer) -> Void
    let moveTo: @convention(c) (Pointer, Double, Double) -> Void
    let lineTo: @convention(c) (Pointer, Double, Double) -> Void
    let rectangle: @convention(c) (Pointer, Double, Double, Double, Double) -> Void
    let stroke: @convention(c) (Pointer) -> Void
    let fill: @convention(c) (Pointer) -> Void
    let setLineWidth: @convention(c) (Pointer, Double) -> Void
    let setSourceRGB: @convention(c) (Pointer, Double, Double, Double) -> Void
    let createLayout: @convention(c) (Pointer) -> Pointer?
    let showLayout: @convention(c) (Pointer, Pointer) -> Void
    let layoutSetWidth: @convention(c) (Pointer, Int32) -> Void
    let layoutSetWrap: @convention(c) (Pointer, Int32) -> Void
    let layoutSetAlignment: @convention(c) (Pointer, Int32) -> Void
    let layoutSetMarkup: @convention(c) (Pointer, UnsafePointer<CChar>, Int32) -> Void
    let layoutSetFontDescription: @convention(c) (Pointer, Pointer?) -> Void
    let layoutGetSize: @convention(c) (Pointer, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Void
    let layoutGetContext: @convention(c) (Pointer) -> Pointer?
    let contextLoadFont: @convention(c) (Pointer, Pointer) -> Pointer?
    let fontDescribe: @convention(c) (Pointer) -> Pointer?
    let fontDescriptionGetFamily: @convention(c) (Pointer) -> UnsafePointer<CChar>?
    let fontDescriptionFromString: @convention(c) (UnsafePointer<CChar>) -> Pointer?
    let fontDescriptionFree: @convention(c) (Pointer) -> Void
    let objectUnref: @convention(c) (UnsafeMutableRawPointer) -> Void

    init() throws {
        for name in PangoCairo.libraries {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                let reason = dlerror().map { String(cString: $0) } ?? "cannot open \(name)"
                handles.forEach { dlclose($0) }
                throw Unavailable.libraries(reason)
            }
            handles.append(handle)
        }
        let handles = self.handles
        func load<T>(_ name: String, as type: T.Type = T.self) throws -> T {
            for handle in handles {
                if let symbol = dlsym(handle, name) { return unsafeBitCast(symbol, to: T.self) }
            }
            throw Unavailable.libraries("the function \(name) is missing from the installed versions")
        }
        do {
            pdfSurfaceCreate = try load("cairo_pdf_surface_create")
            pdfSurfaceSetMetadata = try load("cairo_pdf_surface_set_metadata")
            surfaceStatus = try load("cairo_surface_status")
            surfaceFinish = try load("cairo_surface_finish")
            surfaceDestroy = try load("cairo_surface_destroy")
            statusToString = try load("cairo_status_to_string")
            create = try load("cairo_create")
            destroy = try load("cairo_destroy")
            showPage = try load("cairo_show_page")
            moveTo = try load("cairo_move_to")
            lineTo = try load("cairo_line_to")
            rectangle = try load("cairo_rectangle")
            stroke = try load("cairo_stroke")
            fill = try load("cairo_fill")
            setLineWidth = try load("cairo_set_line_width")
            setSourceRGB = try load("cairo_set_source_rgb")
            createLayout = try load("pango_cairo_create_layout")
            showLayout = try load("pango_cairo_show_layout")
            layoutSetWidth = try load("pango_layout_set_width")
            layoutSetWrap = try load("pango_layout_set_wrap")
            layoutSetAlignment = try load("pango_layout_set_alignment")
            layoutSetMarkup = try load("pango_layout_set_markup")
            layoutSetFontDescription = try load("pango_layout_set_font_description")
            layoutGetSize = try load("pango_layout_get_size")
            layoutGetContext = try load("pango_layout_get_context")
            contextLoadFont = try load("pango_context_load_font")
            fontDescribe = try load("pango_font_describe")
            fontDescriptionGetFamily = try load("pango_font_description_get_family")
            fontDescriptionFromString = try load("pango_font_description_from_string")
            fontDescriptionFree = try load("pango_font_description_free")
            objectUnref = try load("g_object_unref")
        } catch {
            handles.forEach { dlclose($0) }
            throw error
        }
    }

    deinit {
        // Pango keeps font caches that point into these libraries: closing them while the
        // process runs on is not safe, and the process ends soon after printing anyway.
    }

    func statusText(_ code: Int32) -> String {
        statusToString(code).map { String(cString: $0) } ?? "cairo status \(code)"
    }
}

/// A PDF file being drawn: the surface, its context, and fonts by description.
final class PDFCanvas {
    let library: PangoCairo
    private let surface: PangoCairo.Pointer
    let context: PangoCairo.Pointer
    private var fonts: [String: PangoCairo.Pointer] = [:]

    init(path: String, width: Double, height: Double, title: String, library: PangoCairo) throws {
        self.library = library
        guard let surface = path.withCString({ library.pdfSurfaceCreate($0, width, height) }) else {
            throw PangoCairo.Unavailable(detail: "cairo could not create a PDF surface")
        }
        let surfaceStatus = library.surfaceStatus(surface)
        guard surfaceStatus == 0, let context = library.create(surface) else {
            library.surfaceDestroy(surface)
            throw PaperOutputError.cannotWrite(path, reason: library.statusText(surfaceStatus))
        }
        self.surface = surface
        self.context = context
        title.withCString { library.pdfSurfaceSetMetadata(surface, PangoCairo.Metadata.title.rawValue, $0) }
        "runbook \(BuildInfo.toolVersion)".withCString { library.pdfSurfaceSetMetadata(surface, PangoCairo.Metadata.creator.rawValue, $0) }
    }

    deinit {
        for font in fonts.values { library.fontDescriptionFree(font) }
        library.destroy(context)
        library.surfaceDestroy(surface)
    }

    /// Ends the file; throws what cairo reports (a full disk, say).
    func finish(path: String) throws {
        library.surfaceFinish(surface)
        let status = library.surfaceStatus(surface)
        if status != 0 { throw PaperOutputError.cannotWrite(path, reason: library.statusText(status)) }
    }

    func font(_ description: String) -> PangoCairo.Pointer? {
        if let font = fonts[description] { return font }
        let font = description.withCString { library.fontDescriptionFromString($0) }
        fonts[description] = font
        return font
    }

    /// Lays out Pango markup in `width` points and returns its height; draws it at (x, y)
    /// unless `draw` is false (measuring).
    @discardableResult
    func text(_ markup: String, font: String, x: Double, y: Double, width: Double,
              alignRight: Bool = false, draw: Bool = true) -> Double {
        guard let layout = library.createLayout(context) else { return 0 }
        defer { library.objectUnref(UnsafeMutableRawPointer(layout)) }
        library.layoutSetFontDescription(layout, self.font(font))
        library.layoutSetWidth(layout, Int32(width * PangoCairo.pangoScale))
        library.layoutSetWrap(layout, PangoCairo.wrapWordChar)
        if alignRight { library.layoutSetAlignment(layout, PangoCairo.alignRight) }
        // Pango adds a hyphen where it breaks inside a word; commands must print as written.
        ("<span insert_hyphens=\"false\">" + markup + "</span>").withCString { library.layoutSetMarkup(layout, $0, -1) }
        var layoutWidth: Int32 = 0, layoutHeight: Int32 = 0
        library.layoutGetSize(layout, &layoutWidth, &layoutHeight)
        if draw {
            library.moveTo(context, x, y)
            library.showLayout(context, layout)
        }
        return Double(layoutHeight) / PangoCairo.pangoScale
    }

    func line(from start: (Double, Double), to end: (Double, Double), width: Double, gray: Double = 0) {
        library.setSourceRGB(context, gray, gray, gray)
        library.setLineWidth(context, width)
        library.moveTo(context, start.0, start.1)
        library.lineTo(context, end.0, end.1)
        library.stroke(context)
        library.setSourceRGB(context, 0, 0, 0)
    }

    /// The family Pango really uses for `description` ("DejaVu Sans", or whatever fontconfig
    /// substitutes when that is missing), or nil when no font loads at all.
    func resolvedFamily(_ description: String) -> String? {
        guard let layout = library.createLayout(context) else { return nil }
        defer { library.objectUnref(UnsafeMutableRawPointer(layout)) }
        guard let pangoContext = library.layoutGetContext(layout), let wanted = font(description),
              let loaded = library.contextLoadFont(pangoContext, wanted) else { return nil }
        defer { library.objectUnref(UnsafeMutableRawPointer(loaded)) }
        guard let described = library.fontDescribe(loaded) else { return nil }
        defer { library.fontDescriptionFree(described) }
        return library.fontDescriptionGetFamily(described).map { String(cString: $0) }
    }

    func box(x: Double, y: Double, width: Double, height: Double, lineWidth: Double, gray: Double = 0) {
        library.setSourceRGB(context, gray, gray, gray)
        library.setLineWidth(context, lineWidth)
        library.rectangle(context, x, y, width, height)
        library.stroke(context)
        library.setSourceRGB(context, 0, 0, 0)
    }

    func filledBox(x: Double, y: Double, width: Double, height: Double, gray: Double) {
        library.setSourceRGB(context, gray, gray, gray)
        library.rectangle(context, x, y, width, height)
        library.fill(context)
        library.setSourceRGB(context, 0, 0, 0)
    }

    func newPage() { library.showPage(context) }
}
