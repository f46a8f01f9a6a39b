import Foundation

/// When and from what a site was built, stamped on every page so that a stale offline copy
/// shows its age.
public struct BuildInfo: Sendable, Equatable {
    public static let toolVersion = "0.1.0"

    public var version: String = BuildInfo.toolVersion
    /// Seconds since 1970, UTC.
    public var time: Int
    /// The source folder as the user named it.
    public var source: String
    public var commit: String?
    public var dirty: Bool = false

    public init(time: Int, source: String, commit: String? = nil, dirty: Bool = false) {
        self.time = time
        self.source = source
        self.commit = commit
        self.dirty = dirty
    }

    public var day: Day { Day(secondsSince1970: time) }

    /// `2026-11-23 14:05 UTC`.
    public var timeText: String {
        let secondsPerDay = 86_400, secondsPerHour = 3_600, secondsPerMinute = 60
        let seconds = ((time % secondsPerDay) + secondsPerDay) % secondsPerDay
        let hour = seconds / secondsPerHour, minute = (seconds % secondsPerHour) / secondsPerMinute
        return "\(day) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute) UTC"
    }

    /// The commit of the git checkout holding `folder`, and whether the folder has uncommitted
    /// changes; nil when git is missing or the folder is not in a checkout.
    public static func gitState(of folder: URL) -> (commit: String, dirty: Bool)? {
        guard let commit = runGit(["rev-parse", "--short=12", "HEAD"], in: folder)?
            .trimmed(), !commit.isEmpty else { return nil }
        let status = runGit(["status", "--porcelain", "--", "."], in: folder) ?? ""
        return (commit, !status.trimmed().isEmpty)
    }

    private static func runGit(_ arguments: [String], in folder: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil  // No git on this machine: the stamp simply has no commit.
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The stamp of a build from `source` at `time`, with the source's git state.
    static func stamp(time: Int, source: URL, sourceDisplay: String) -> BuildInfo {
        let git = gitState(of: source)
        return BuildInfo(time: time, source: sourceDisplay, commit: git?.commit, dirty: git?.dirty ?? false)
    }

    var context: [String: Any] {
        var context: [String: Any] = ["version": version, "time": timeText, "source": source, "dirty": dirty]
        if let commit { context["commit"] = commit }
        return context
    }
}
