import CapstanInference
import CapstanStorage

/// How each shadow agreed with the primary on the same requests: the share of requests it
/// gave the same label, the mean absolute difference of the scores both gave, its errors,
/// and its latency next to the primary's.
public struct ShadowReport: Sendable {
    public struct Row: Sendable {
        public var shadow: String
        public var model: String
        public var version: Int64
        /// Requests both the primary and this shadow answered.
        public var compared: Int
        public var errors: Int
        public var sameLabelRate: Double?
        public var meanAbsoluteScoreDifference: Double?
        public var latencyP50Milliseconds: Double?
        public var latencyP99Milliseconds: Double?
        public var primaryLatencyP50Milliseconds: Double?
        public var primaryLatencyP99Milliseconds: Double?
    }

    public var rows: [Row]

    public init(records: [PredictionRecord]) {
        let primaries = Dictionary(records.filter { !$0.isShadow && $0.status == .ok }.map { ($0.requestId, $0) }, uniquingKeysWith: { a, _ in a })
        let primaryLatencies = primaries.values.map(\.latencyMilliseconds).sorted()
        let shadows = Dictionary(grouping: records.filter(\.isShadow), by: \.variant)
        rows = shadows.keys.sorted().map { name in
            let entries = shadows[name]!
            var row = Row(shadow: name, model: entries[0].modelName, version: entries[0].modelVersion, compared: 0,
                          errors: entries.filter { $0.status != .ok }.count)
            var sameLabels = 0, labelled = 0, differenceSum = 0.0, differenceCount = 0
            for entry in entries where entry.status == .ok {
                guard let primary = primaries[entry.requestId], let mine = entry.outputs.flatMap(Self.table),
                      let theirs = primary.outputs.flatMap(Self.table) else { continue }
                row.compared += 1
                for (column, values) in mine {
                    guard let other = theirs[column], other.count == values.count else { continue }
                    if column == "label" {
                        labelled += 1
                        if values == other { sameLabels += 1 }
                    } else if let xs = Self.numbers(values), let ys = Self.numbers(other) {
                        for (x, y) in zip(xs, ys) where x.isFinite && y.isFinite {
                            differenceSum += abs(x - y)
                            differenceCount += 1
                        }
                    }
                }
            }
            if labelled > 0 { row.sameLabelRate = Double(sameLabels) / Double(labelled) }
            if differenceCount > 0 { row.meanAbsoluteScoreDifference = differenceSum / Double(differenceCount) }
            let latencies = entries.filter { $0.status == .ok }.map(\.latencyMilliseconds).sorted()
            if !latencies.isEmpty {
                row.latencyP50Milliseconds = Self.quantile(latencies, 0.5)
                row.latencyP99Milliseconds = Self.quantile(latencies, 0.99)
            }
            if !primaryLatencies.isEmpty {
                row.primaryLatencyP50Milliseconds = Self.quantile(primaryLatencies, 0.5)
                row.primaryLatencyP99Milliseconds = Self.quantile(primaryLatencies, 0.99)
            }
            return row
        }
    }

    /// The nearest-rank quantile (the smallest value with at least q of the values at or below it).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }

    /// A logged frame as column → values; nil when it does not decode.
    static func table(_ bytes: [UInt8]) -> [String: FeatureFrame.Column]? {
        guard let frame = try? FrameEncoding.decode(bytes) else { return nil }
        return Dictionary(zip(frame.names, frame.columns), uniquingKeysWith: { a, _ in a })
    }

    /// The column's values as numbers, for score differences; nil for text.
    static func numbers(_ column: FeatureFrame.Column) -> [Double]? {
        switch column {
        case .float32(let v): v.map(Double.init)
        case .float64(let v): v
        case .int64(let v): v.map(Double.init)
        case .string: nil
        }
    }
}
