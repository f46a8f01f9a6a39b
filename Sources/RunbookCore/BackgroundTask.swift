import Dispatch
import Foundation

/// Work started on another thread at once, whose result (or error) is waited for later: the
/// search index builds while the pages render.
final class BackgroundTask<Value>: @unchecked Sendable {
    private let group = DispatchGroup()
    // Written once by the worker before `leave`, read only after `wait`: the group orders them.
    private var result: Result<Value, Error>?

    init(_ work: @escaping () throws -> Value) {
        group.enter()
        let box = UncheckedBox(work)
        DispatchQueue.global().async {
            self.result = Result { try box.value() }
            self.group.leave()
        }
    }

    func wait() throws -> Value {
        group.wait()
        guard let result else { preconditionFailure("a background task finished without a result") }
        return try result.get()
    }
}

/// Carries a non-Sendable closure to the worker thread; `BackgroundTask` runs it exactly once.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The first of the errors that threads report (later ones are dropped): for work spread
/// over threads that cannot throw across them.
final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?

    func record(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        if self.message == nil { self.message = message }
    }

    var first: String? {
        lock.lock()
        defer { lock.unlock() }
        return message
    }
}
