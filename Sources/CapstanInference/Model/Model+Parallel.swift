import Dispatch

extension Model {
    /// Predicts with the rows split into `threads` contiguous parts run at once, and the
    /// parts' predictions joined in order — the same rows out as ``predict(_:)``.
    public func predict(_ frame: FeatureFrame, threads: Int) throws -> FeatureFrame {
        let parts = Swift.min(Swift.max(threads, 1), Swift.max(frame.rowCount, 1))
        if parts == 1 { return try predict(frame) }
        let results = ResultSlots(count: parts)
        let size = (frame.rowCount + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (part * size)..<Swift.min(frame.rowCount, (part + 1) * size)
            results.set(part, Result { try predict(frame.rows(range)) })
        }
        return try FeatureFrame.concatenating(try results.values().map { try $0.get() })
    }
}

/// One result per parallel part, each written by exactly one thread.
private final class ResultSlots: @unchecked Sendable {
    // Safe without a lock: `concurrentPerform` gives each index to one thread and returns
    // only after all of them finish, so writes never overlap and reads come after them.
    // A raw buffer (not an Array property) so no write touches shared bookkeeping.
    private let slots: UnsafeMutableBufferPointer<Result<FeatureFrame, any Error>?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ result: Result<FeatureFrame, any Error>) { slots[index] = result }

    func values() -> [Result<FeatureFrame, any Error>] { slots.map { $0! } }
}
