/// A sheet of paper to hand out, independent of how it is printed: the PDF, text and HTML
/// renderers all draw this model, so the three say the same thing.
public struct Paper: Sendable, Equatable {
    public enum Purpose: String, Sendable, Equatable {
        case checklist
        case responderPacket = "responder packet"
        case facilitatorSheet = "facilitator sheet"
    }

    public var title: String
    public var purpose: Purpose
    public var app: String?
    public var blocks: [PaperBlock]
    public var footer: PaperFooter

    /// The line under the title: `Checklist · application api`.
    public var subtitle: String {
        var parts: [String]
        switch purpose {
        case .checklist: parts = ["Checklist"]
        case .responderPacket: parts = ["Drill · responder packet"]
        case .facilitatorSheet: parts = ["Drill · FACILITATOR SHEET · do not hand out"]
        }
        if let app { parts.append("application \(app)") }
        return parts.joined(separator: " · ")
    }

    /// The checkbox items, in order (what a reader ticks).
    public var items: [PaperText] {
        blocks.compactMap { if case .item(let text, _) = $0 { return text } else { return nil } }
    }
}

/// A run of inline text with one style.
public struct PaperInline: Sendable, Equatable {
    public enum Style: Sendable, Equatable { case plain, code, emphasis, strong }
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// A line or paragraph of styled text.
public typealias PaperText = [PaperInline]

extension Array where Element == PaperInline {
    /// The text without styles.
    public var plain: String { map(\.text).joined() }
}

/// A blank table to fill in by hand: the decisions log, the timeline sheet.
public struct PaperForm: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var title: String
        /// Share of the width, relative to the other columns.
        public var weight: Double
    }
    /// Names the form in the print stylesheet (`form-decisions`), which sets its column widths.
    public var id: String
    public var title: String
    public var instructions: String
    public var columns: [Column]
    public var rows: Int
}

/// One entry of the symptom cheat sheet.
public struct PaperSymptom: Sendable, Equatable {
    public var id: String
    public var title: String
    public var summary: String
    /// How it is worded: a few real messages.
    public var examples: [String]
    /// The usual causes, most likely first.
    public var causes: [String]
    /// The first command to run.
    public var firstCheck: String?
    /// How to tell it from its nearest neighbour.
    public var tellApart: String?
}

public enum PaperBlock: Sendable, Equatable {
    /// Blank lines for the drill or incident name, the date and who holds which role.
    case incidentHeader
    /// Boxes for the times: detected, acknowledged, mitigated, resolved.
    case timeBoxes
    case heading(level: Int, PaperText)
    /// A short note; `marker` is a bullet or number when it came from a plain list.
    case note(PaperText, marker: String?, depth: Int)
    /// A task to tick, with room for the time and initials.
    case item(PaperText, depth: Int)
    case code(String, depth: Int)
    /// A table of the document (the first row is its header).
    case table([[PaperText]])
    case form(PaperForm)
    case symptom(PaperSymptom)
    /// What follows starts on a new page.
    case pageBreak
}

/// What the paper was printed from, on every page, so that an old copy shows its age.
public struct PaperFooter: Sendable, Equatable {
    /// The source file, as the user would find it (`runbooks/checklists/first-response.md`).
    public var source: String
    public var toolVersion: String
    public var commit: String?
    public var dirty: Bool
    public var printed: Day
    /// What the date is: the day of printing, or (for the site's print views) of the build.
    public var dateLabel = "printed"

    public init(source: String, toolVersion: String = BuildInfo.toolVersion, commit: String?, dirty: Bool, printed: Day) {
        self.source = source
        self.toolVersion = toolVersion
        self.commit = commit
        self.dirty = dirty
        self.printed = printed
    }

    /// `printed from runbooks/checklists/first-response.md · runbook 0.1.0 · commit 1a2b3c4d5e6f · 2026-11-23`
    public var text: String {
        let commitText = commit.map { "commit \($0)\(dirty ? " + local changes" : "")" } ?? "not under git"
        return "printed from \(source) · runbook \(toolVersion) · \(commitText) · \(dateLabel) \(printed)"
    }

    /// `page 1 of 3`.
    public static func pageText(_ page: Int, of count: Int) -> String { "page \(page) of \(count)" }
}

/// The words printed on every paper, in one place so that the renderers agree.
enum PaperWords {
    static let incidentName = "Drill or incident"
    static let date = "Date"
    static let roles = ["Incident commander", "Scribe", "Communications"]
    static let timeBoxes = ["Detected", "Acknowledged", "Mitigated", "Resolved"]
    static let timeHint = "time (UTC)"
    static let itemColumns = ["time", "initials"]
    /// The heading given to boxes that come before any heading of the checklist.
    static let untitledSection = "Steps"
    static let looksLike = "Looks like"
    static let usualCauses = "Usual causes"
    static let firstCheck = "First check"
    static let tellApart = "Not to confuse with"

    static let decisionsLog = PaperForm(
        id: "decisions",
        title: "Decisions and actions tried",
        instructions: "One line per change or decision. Back out what did not help before trying the next thing.",
        columns: [.init(title: "Time", weight: 1), .init(title: "What was decided or tried", weight: 4.2),
                  .init(title: "Who", weight: 1), .init(title: "Result", weight: 2.2),
                  .init(title: "How to back it out", weight: 2.6)],
        rows: 12)

    static let timelineSheet = PaperForm(
        id: "timeline",
        title: "Timeline",
        instructions: "Everything seen and done, as it happens. Times in UTC; say where each fact came from.",
        columns: [.init(title: "Time (UTC)", weight: 1.2), .init(title: "What happened or was seen", weight: 6),
                  .init(title: "Source", weight: 2)],
        rows: 24)
}
