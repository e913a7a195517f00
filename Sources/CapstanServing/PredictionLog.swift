import CapstanInference
import CapstanStorage
import Foundation
import Logging
import Synchronization

/// The prediction log's writer: requests hand entries over without waiting, and a
/// background loop writes them to the store in batches.
///
/// Memory is bounded: past `capacity` queued entries, new ones are dropped and counted,
/// never the request. An entry is encoded (``FrameEncoding``, about a microsecond) as it is
/// queued: the queue holds a few hundred bytes per prediction instead of the request's
/// frames, and the memory is freed by the thread that allocated it.
public final class PredictionLog: Sendable {
    public struct Entry: Sendable {
        public var requestId: String
        public var variant: String
        public var deployment: String
        public var revision: Int64
        public var modelName: String
        public var modelVersion: Int64
        public var isShadow: Bool
        public var inputs: FeatureFrame
        /// Nil when the prediction failed.
        public var outputs: FeatureFrame?
        public var error: ServingError?
        public var latencySeconds: Double
        public var time: Int64
    }

    public let store: PredictionLogStore
    public let capacity: Int
    private let queue = Mutex<[PredictionRecord]>([])
    private let droppedCount = Atomic<Int>(0)
    private let writtenCount = Atomic<Int>(0)
    private let logger: Logger

    public init(store: PredictionLogStore, capacity: Int = 100_000, logger: Logger) {
        self.store = store
        self.capacity = capacity
        self.logger = logger
    }

    /// Queues an entry, or drops it (and counts the drop) when the queue is full.
    public func record(_ entry: Entry) {
        guard queued < capacity else {
            droppedCount.add(1, ordering: .relaxed)
            return
        }
        let record = Self.record(entry)
        let accepted = queue.withLock { queue in
            guard queue.count < capacity else { return false }
            queue.append(record)
            return true
        }
        if !accepted { droppedCount.add(1, ordering: .relaxed) }
    }

    /// Entries waiting to be written.
    public var queued: Int { queue.withLock { $0.count } }
    /// Entries dropped because the queue was full or the store failed.
    public var dropped: Int { droppedCount.load(ordering: .relaxed) }
    public var written: Int { writtenCount.load(ordering: .relaxed) }

    /// Writes queued entries every `interval` until cancelled, then writes what is left.
    ///
    /// The loop has a thread of its own: handing a batch of hundreds of rows to the database
    /// takes milliseconds, which on a thread of the cooperative pool would hold back the
    /// requests queued behind it.
    public func run(interval: Duration = .milliseconds(100)) async {
        let thread = ThreadExecutor(name: "prediction-log")
        await withTaskExecutorPreference(thread) {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await flush()
            }
            await flush()
        }
        thread.stop()
    }

    /// Writes everything queued now.
    public func flush() async {
        while true {
            let batch = queue.withLock { queue -> [PredictionRecord] in
                // Usually the whole queue: swapped out, so requests never wait on a copy.
                guard queue.count > 2_000 else { return Swift.exchange(&queue, with: []) }
                let batch = Array(queue.prefix(2_000))
                queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try await store.insert(batch)
                writtenCount.add(batch.count, ordering: .relaxed)
            } catch {
                droppedCount.add(batch.count, ordering: .relaxed)
                logger.error("Prediction log: \(batch.count) entries lost, the store failed: \(error)")
                return
            }
        }
    }

    static func record(_ entry: Entry) -> PredictionRecord {
        PredictionRecord(
            requestId: entry.requestId, variant: entry.variant, deployment: entry.deployment, revision: entry.revision,
            modelName: entry.modelName, modelVersion: entry.modelVersion, isShadow: entry.isShadow,
            status: Self.status(entry), error: entry.error?.description, rowCount: Int64(entry.inputs.rowCount),
            inputs: FrameEncoding.encode(entry.inputs), outputs: entry.outputs.map(FrameEncoding.encode),
            predictedLabel: entry.outputs.flatMap(Self.firstLabel), latencyMilliseconds: entry.latencySeconds * 1000,
            time: entry.time)
    }

    static func status(_ entry: Entry) -> PredictionRecord.Status {
        switch entry.error {
        case nil: .ok
        case .invalidInput?: .invalidInput
        default: .error
        }
    }

    /// The first row's `label` output as text.
    static func firstLabel(_ outputs: FeatureFrame) -> String? {
        switch outputs.column(named: "label") {
        case .int64(let v)?: v.first.map(String.init)
        case .string(let v)?: v.first
        case .float32(let v)?: v.first.map { wholeNumberText(Double($0)) ?? String($0) }
        case .float64(let v)?: v.first.map { wholeNumberText($0) ?? String($0) }
        case nil: nil
        }
    }

    /// "3" for 3.0, so a float label joins with the feedback label "3"; nil for fractions,
    /// NaN, ±∞ and magnitudes an Int64 cannot hold.
    static func wholeNumberText(_ value: Double) -> String? {
        guard value.isFinite, value == value.rounded(), value.magnitude < 9.2e18 else { return nil }
        return String(Int64(value))
    }
}
