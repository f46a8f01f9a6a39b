import Foundation
@testable import RunbookCore

/// A throw-away source folder written from a dictionary of relative path → contents.
struct TempFolder {
    let url: URL

    init(_ files: [String: String] = [:]) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("runbook-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(path), encoding: .utf8)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(path).path)
    }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum Paths {
    /// The repository root, from this file's location.
    static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sampleRunbooks = repository.appendingPathComponent("runbooks", isDirectory: true)
    static let templates = repository.appendingPathComponent("templates", isDirectory: true)

    /// The `runbook` executable that `swift test` built next to the test bundle.
    static var binary: URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            repository.appendingPathComponent(".build/debug"),
        ]
        for folder in candidates {
            let url = folder.appendingPathComponent("runbook")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return url
            }
        }
        return nil
    }
}

/// 2026-11-23 12:00 UTC: "today" for tests, so review dates do not age.
let testNow = 1_795_435_200

func build(_ source: TempFolder, out: URL? = nil, templates: URL? = nil, time: Int = testNow) throws -> (BuildReport, URL) {
    let output = out ?? source.url.deletingLastPathComponent()
        .appendingPathComponent(source.url.lastPathComponent + "-site", isDirectory: true)
    var options = BuildOptions(source: source.url, sourceDisplay: "src", output: output, outputDisplay: "out", templates: templates)
    options.time = time
    return (try SiteBuilder.build(options), output)
}

func messages(_ report: BuildReport) -> [String] { report.diagnostics.map(\.description) }

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func run(_ executable: URL, _ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = folder }
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}
