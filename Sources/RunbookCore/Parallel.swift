import Dispatch
import Foundation

/// Shared state of one `parallelMap`: each slot is written by exactly one iteration and read
/// only after `concurrentPerform` returns, which is what makes the unchecked Sendable sound.
private final class ParallelMapState<Element, Result>: @unchecked Sendable {
    let items: [Element]
    let slots: UnsafeMutablePointer<Result?>
    let transform: (Element) -> Result

    init(items: [Element], transform: @escaping (Element) -> Result) {
        self.items = items
        self.transform = transform
        slots = .allocate(capacity: items.count)
        slots.initialize(repeating: nil, count: items.count)
    }

    deinit {
        slots.deinitialize(count: items.count)
        slots.deallocate()
    }
}

extension Array {
    /// `map` on every core: the site build is embarrassingly parallel per document.
    /// Order is kept. `transform` must not touch shared mutable state.
    func parallelMap<Result>(_ transform: @escaping (Element) -> Result) -> [Result] {
        guard count > 1 else { return map(transform) }
        let state = ParallelMapState(items: self, transform: transform)
        // Chunks amortise the per-iteration overhead for thousands of small documents.
        let chunkSize = Swift.max(1, count / (ProcessInfo.processInfo.activeProcessorCount * 8))
        let chunks = (count + chunkSize - 1) / chunkSize
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * chunkSize
            let end = Swift.min(start + chunkSize, state.items.count)
            for index in start..<end {
                state.slots[index] = state.transform(state.items[index])
            }
        }
        return (0..<count).map { state.slots[$0]! }
    }
}

extension Array {
    /// `parallelMap` where each chunk of work first makes its own `State` (say, a private copy
    /// of shared read-only data): threads that share objects fight over their reference counts.
    func parallelMap<State, Result>(chunkState: @escaping () -> State,
                                    _ transform: @escaping (inout State, Element) -> Result) -> [Result] {
        // Enough chunks that a few heavy items cannot leave a core idle at the end, but no fewer
        // items per chunk than `minimumItemsPerChunk`: a chunk's state can cost milliseconds (the
        // page renderer parses its templates again), and the 19 symptom pages made 19 of them.
        let chunksPerCore = 16, minimumItemsPerChunk = 8
        let chunkSize = Swift.max(minimumItemsPerChunk, count / (ProcessInfo.processInfo.activeProcessorCount * chunksPerCore))
        let chunks = stride(from: 0, to: count, by: chunkSize).map { $0..<Swift.min($0 + chunkSize, count) }
        let items = self
        let results: [[Result]] = chunks.parallelMap { range in
            var state = chunkState()
            return range.map { transform(&state, items[$0]) }
        }
        return Array<Result>(results.joined())
    }
}
