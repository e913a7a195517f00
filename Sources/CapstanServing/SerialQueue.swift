/// Runs async jobs one after another, in the order they were submitted.
///
/// Deployment changes load models (slow) before they switch traffic (fast). Run in
/// parallel, two changes could finish in the opposite order from their database writes;
/// run through this queue, the last change submitted is the one that serves.
public actor SerialQueue {
    private var tail: Task<Void, Never>?

    public init() {}

    public func run<T: Sendable>(_ job: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tail
        let task = Task {
            await previous?.value
            return try await job()
        }
        tail = Task { _ = try? await task.value }
        return try await task.value
    }
}
