import Dispatch

/// Column-by-column work spread over the cores: typing the columns of a file and testing
/// them are independent per column, and a 25-column drift report otherwise leaves all but
/// one core idle.
public enum ParallelMap {
    public static func map<Indices: Collection, T: Sendable>(_ indices: Indices, _ transform: @Sendable (Int) -> T) -> [T]
    where Indices.Element == Int {
        let positions = Array(indices)
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: positions.count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        // Each iteration writes only its own slot; concurrentPerform returns after all of them.
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: positions.count) { slot in
            slots[slot] = transform(positions[slot])
        }
        return results.map { $0! }
    }
}
