import ArgumentParser
import Foundation

/// The commands' notion of "now", which SOURCE_DATE_EPOCH can fix (reproducible output).
enum SourceDate {
    /// 1970-01-01 to 9999-12-31: what a date on a page or paper can show.
    static let acceptedEpochs = 0...253_402_300_799

    /// Refuses a SOURCE_DATE_EPOCH that is not a whole number of seconds in range.
    static func validate() throws {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"],
           Int(epoch).map({ acceptedEpochs.contains($0) }) != true {
            throw ValidationError("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (up to the year 9999), not '\(epoch)'.")
        }
    }

    /// After `validate()`: the epoch given, else the clock.
    static var now: Int {
        ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Int.init) ?? Int(Date().timeIntervalSince1970)
    }
}
