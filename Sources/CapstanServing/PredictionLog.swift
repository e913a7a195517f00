import CapstanInference
import CapstanJSON
import CapstanStorage
import Foundation
import Logging
import Synchronization

/// The prediction log's writer: requests hand entries over without waiting, and a
/// background loop writes them to the store in batches.
///
/// Memory is bounded: past `capacity` queued entries, new ones are dropped and counted,
/// never the request. Entries keep the frames as they are (arrays are shared, not copied);
/// turning them into JSON happens in the background loop, off the request path.
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
        public var error: String?
        public var latencySeconds: Double
        public var time: Int64
    }

    public let store: PredictionLogStore
    public let capacity: Int
    private let queue = Mutex<[Entry]>([])
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
        let accepted = queue.withLock { queue in
            guard queue.count < capacity else { return false }
            queue.append(entry)
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
    public func run(interval: Duration = .milliseconds(100)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await flush()
        }
        await flush()
    }

    /// Writes everything queued now.
    public func flush() async {
        while true {
            let batch = queue.withLock { queue -> [Entry] in
                let batch = Array(queue.prefix(2_000))
                queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try await store.insert(batch.map(Self.record))
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
            status: entry.outputs == nil ? .error : .ok, error: entry.error, rowCount: Int64(entry.inputs.rowCount),
            inputs: JSONWriter.string(entry.inputs.splitJSON), outputs: entry.outputs.map { JSONWriter.string($0.splitJSON) },
            predictedLabel: entry.outputs.flatMap(Self.firstLabel), latencyMilliseconds: entry.latencySeconds * 1000,
            time: entry.time)
    }

    /// The first row's `label` output as text.
    static func firstLabel(_ outputs: FeatureFrame) -> String? {
        switch outputs.column(named: "label") {
        case .int64(let v)?: v.first.map(String.init)
        case .string(let v)?: v.first
        case .float32(let v)?: v.first.map { $0 == $0.rounded() ? String(Int64($0)) : String($0) }
        case .float64(let v)?: v.first.map { $0 == $0.rounded() ? String(Int64($0)) : String($0) }
        case nil: nil
        }
    }
}

extension FeatureFrame {
    /// `{"columns": [...], "data": [[...], ...]}`, pandas' split orientation, which
    /// `/invocations` also takes back (NaN as null).
    var splitJSON: JSONValue {
        var rows: [JSONValue] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            rows.append(.array(columns.map { column in
                switch column {
                case .float32(let v): v[r].isNaN ? .null : .double(Double(v[r].description) ?? Double(v[r]))
                case .float64(let v): v[r].isNaN ? .null : .double(v[r])
                case .int64(let v): .int(v[r])
                case .string(let v): .string(v[r])
                }
            }))
        }
        return .object([("columns", .array(names.map { .string($0) })), ("data", .array(rows))])
    }
}
