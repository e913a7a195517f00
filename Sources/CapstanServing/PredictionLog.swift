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
        public var error: ServingError?
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
                // Usually the whole queue: swapped out, so requests never wait on a copy.
                guard queue.count > 2_000 else { return Swift.exchange(&queue, with: []) }
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
            status: Self.status(entry), error: entry.error?.description, rowCount: Int64(entry.inputs.rowCount),
            inputs: entry.inputs.splitJSONText, outputs: entry.outputs?.splitJSONText,
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
        case .float32(let v)?: v.first.map { $0 == $0.rounded() ? String(Int64($0)) : String($0) }
        case .float64(let v)?: v.first.map { $0 == $0.rounded() ? String(Int64($0)) : String($0) }
        case nil: nil
        }
    }
}

extension FeatureFrame {
    /// `{"columns": [...], "data": [[...], ...]}`, pandas' split orientation, which
    /// `/invocations` also takes back. Written straight to bytes (no JSON tree): this runs
    /// for every logged prediction. Floats in their shortest form; NaN and ±∞ as null.
    var splitJSONText: String {
        var out: [UInt8] = []
        out.reserveCapacity(32 + 24 * names.count * (rowCount + 1))
        out += Array(#"{"columns":["#.utf8)
        for (index, name) in names.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(name, into: &out)
        }
        out += Array(#"],"data":["#.utf8)
        for r in 0..<rowCount {
            if r > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (index, column) in columns.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                switch column {
                case .float32(let v): Self.write(v[r].isFinite ? v[r].description : nil, into: &out)
                case .float64(let v): Self.write(v[r].isFinite ? v[r].description : nil, into: &out)
                case .int64(let v): out += Array(String(v[r]).utf8)
                case .string(let v): JSONWriter.writeString(v[r], into: &out)
                }
            }
            out.append(UInt8(ascii: "]"))
        }
        out += Array("]}".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ number: String?, into out: inout [UInt8]) {
        guard let number else {
            out += Array("null".utf8)
            return
        }
        out += Array(number.utf8)
    }
}
