import ArgumentParser
import Foundation

/// What the commands check of their environment before they run: the moment (SOURCE_DATE_EPOCH
/// can fix it, for reproducible output) and the source folder.
enum CommandEnvironment {
    /// 1970-01-01 to 9999-12-31: what a date on a page or paper can show.
    static let acceptedEpochs = 0...253_402_300_799

    /// Refuses a SOURCE_DATE_EPOCH that is not a whole number of seconds in range.
    static func validateSourceDate() throws {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"],
           Int(epoch).map({ acceptedEpochs.contains($0) }) != true {
            throw ValidationError("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (up to the year 9999), not '\(epoch)'.")
        }
    }

    /// After `validate()`: the epoch given, else the clock.
    static var now: Int {
        ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Int.init) ?? Int(Date().timeIntervalSince1970)
    }

    /// The `--source` folder must exist (said here once for every command that reads one).
    static func validateSourceFolder(_ source: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("The source folder '\(source)' does not exist; give it with --source DIR.")
        }
    }

    static let defaultTemplatesFolder = "templates"

    /// Refuses a `--templates` folder that does not exist, and both flags at once.
    static func validateTemplates(_ given: String?, builtinOnly: Bool) throws {
        if builtinOnly && given != nil { throw ValidationError("Give either --templates or --builtin-templates, not both.") }
        if let given {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: given, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("The templates folder '\(given)' does not exist.")
            }
        }
    }

    /// The templates folder a command uses: the one given, else ./templates when it exists
    /// (unless only the built-in templates are wanted).
    static func templatesFolder(_ given: String?, builtinOnly: Bool) -> String? {
        if let given { return given }
        var isDirectory: ObjCBool = false
        guard !builtinOnly, FileManager.default.fileExists(atPath: defaultTemplatesFolder, isDirectory: &isDirectory),
              isDirectory.boolValue else { return nil }
        return defaultTemplatesFolder
    }
}
