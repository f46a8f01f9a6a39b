import Dispatch

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
