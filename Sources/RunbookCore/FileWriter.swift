import Foundation

/// The C library's write(2), named apart from `FileWriter.write` so that both platforms'
/// C modules (Glibc, Darwin) resolve it through Foundation.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// Writes generated files with plain POSIX calls. Foundation's `Data.write(to:)` makes each
/// file atomic with a temporary copy and an fsync, which costs more than the whole page; the
/// site as a whole is already published atomically (see `OutputFolder`).
enum FileWriter {
    struct WriteError: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
    }

    static let fileMode: mode_t = 0o644

    static func write(_ text: String, to path: String) throws {
        var text = text
        try text.withUTF8 { bytes in
            try write(UnsafeRawBufferPointer(bytes), to: path)
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write($0, to: path) }
    }

    static func write(_ data: Data, to path: String) throws {
        try data.withUnsafeBytes { try write($0, to: path) }
    }

    /// Writes `parts` one after the other as one file.
    static func write(parts: [[UInt8]], to path: String) throws {
        try withFile(path) { descriptor in
            for part in parts {
                try part.withUnsafeBytes { try write($0, to: descriptor, path: path) }
            }
        }
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        try withFile(path) { try write(bytes, to: $0, path: path) }
    }

    /// Creates (or empties) the file at `path` and hands its descriptor to `body`.
    private static func withFile(_ path: String, _ body: (Int32) throws -> Void) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw WriteError(path: path, code: errno) }
        defer { close(descriptor) }
        try body(descriptor)
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: path, code: errno)
            }
            offset += written
        }
    }
}
