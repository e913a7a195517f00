import CapstanInference
import Synchronization

/// A tensor as inference protocols carry it: a name, a shape and its values flat in
/// row-major order. The first dimension is the batch (rows).
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: FeatureFrame.Column

    public init(name: String, shape: [Int], values: FeatureFrame.Column) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// Between tensors and the columnar frames models take and give.
///
/// Inputs: a tensor of shape [N] or [N, 1] is one column named after it; [N, F] is F columns
/// `NAME_0 … NAME_{F-1}`, which a model with one matrix input takes in order. Outputs go the
/// other way: columns `P_0 … P_{K-1}` (as `capstan predict` names an [N, K] output) become
/// one tensor P of shape [N, K]; every other column a tensor of shape [N].
public enum TensorFrames {
    private static let columnNameCache = Mutex<[String: [String]]>([:])
    /// The most features (columns) a request's frame may have.
    public static let maxFeatures = 1 << 20

    /// The frame for `summary`'s model: every tensor must be one of its declared inputs and
    /// every declared input must be there; a matrix input's columns take the model's feature
    /// names when it knows them (tree models bind features by name).
    public static func frame(from tensors: [NamedTensor], for summary: ModelSummary) throws -> FeatureFrame {
        for tensor in tensors where !summary.inputs.contains(where: { $0.name == tensor.name }) {
            throw ServingError.invalidInput(
                "input '\(tensor.name)' is not one of the model's inputs (\(summary.inputs.map(\.name).joined(separator: ", ")))")
        }
        if let missing = summary.inputs.first(where: { input in !tensors.contains { $0.name == input.name } }) {
            throw ServingError.invalidInput("missing input '\(missing.name)' (\(missing.type), shape \(missing.shape.map { $0.map(String.init) ?? "-1" }))")
        }
        return try frame(from: tensors) { name in summary.inputs.first { $0.name == name }?.featureNames }
    }

    /// `NAME_0 … NAME_{width-1}`, made once per input name and width: requests with the same
    /// shape reuse them instead of formatting the names anew.
    static func columnNames(_ name: String, width: Int) -> [String] {
        let key = "\(name)\u{0}\(width)"
        if let cached = columnNameCache.withLock({ $0[key] }) { return cached }
        let names = (0..<width).map { "\(name)_\($0)" }
        columnNameCache.withLock { cache in
            if cache.count > 1_000 { cache.removeAll() }
            cache[key] = names
        }
        return names
    }

    /// The frame for tensors as they are, matrix columns named `NAME_0 …` unless
    /// `featureNames` names them.
    public static func frame(from tensors: [NamedTensor], featureNames: [String: [String]] = [:]) throws -> FeatureFrame {
        try frame(from: tensors) { featureNames[$0] }
    }

    /// The frame for tensors as they are; `featureNames(input)` names a matrix input's
    /// columns, or nil for `NAME_0 …`.
    static func frame(from tensors: [NamedTensor], featureNames: (String) -> [String]?) throws -> FeatureFrame {
        guard let rows = tensors.first?.shape.first else { throw ServingError.invalidInput("the request has no inputs") }
        var columns: [(name: String, column: FeatureFrame.Column)] = []
        for tensor in tensors {
            guard tensor.shape.count == 1 || tensor.shape.count == 2 else {
                throw ServingError.invalidInput("input '\(tensor.name)' has shape \(tensor.shape); Capstan takes [N] or [N, F] inputs")
            }
            guard tensor.shape[0] == rows else {
                throw ServingError.invalidInput("input '\(tensor.name)' has \(tensor.shape[0]) rows where '\(tensors[0].name)' has \(rows)")
            }
            let width = tensor.shape.count == 2 ? tensor.shape[1] : 1
            // A [0, F] tensor carries no values whatever F is: its width is bounded here, not by the body.
            guard width <= maxFeatures else {
                throw ServingError.invalidInput("input '\(tensor.name)' has \(width) features per row; at most \(maxFeatures) are taken")
            }
            if width == 1 {
                columns.append((tensor.name, tensor.values))
            } else {
                let names = featureNames(tensor.name).flatMap { $0.count == width ? $0 : nil } ?? columnNames(tensor.name, width: width)
                for feature in 0..<width {
                    columns.append((names[feature], tensor.values.strided(start: feature, step: width)))
                }
            }
        }
        do {
            return try FeatureFrame(columns)
        } catch {
            throw ServingError.invalidInput("\(error)")
        }
    }

    public static func tensors(from frame: FeatureFrame) -> [NamedTensor] {
        var tensors: [NamedTensor] = []
        var index = 0
        let names = frame.names
        while index < names.count {
            // A run P_0, P_1, … starting here?
            if let first = FrameEncoding.numbered(names[index]), first.number == 0, first.prefix.utf8.last == UInt8(ascii: "_") {
                var width = 1
                while index + width < names.count, let next = FrameEncoding.numbered(names[index + width]),
                      next.prefix == first.prefix, next.number == width {
                    width += 1
                }
                let parts = (0..<width).map { frame.columns[index + $0] }
                if let matrix = FeatureFrame.Column.interleaving(parts) {
                    tensors.append(NamedTensor(name: String(first.prefix.dropLast()), shape: [frame.rowCount, width], values: matrix))
                    index += width
                    continue
                }
            }
            tensors.append(NamedTensor(name: names[index], shape: [frame.rowCount], values: frame.columns[index]))
            index += 1
        }
        return tensors
    }
}

extension FeatureFrame.Column {
    /// Every `step`-th value from `start`: one feature of a row-major matrix.
    func strided(start: Int, step: Int) -> FeatureFrame.Column {
        func pick<T>(_ values: [T]) -> [T] { Swift.stride(from: start, to: values.count, by: step).map { values[$0] } }
        switch self {
        case .float32(let v): return .float32(pick(v))
        case .float64(let v): return .float64(pick(v))
        case .int64(let v): return .int64(pick(v))
        case .string(let v): return .string(pick(v))
        }
    }

    /// Columns of one type side by side as a row-major matrix; nil when their types differ.
    static func interleaving(_ parts: [FeatureFrame.Column]) -> FeatureFrame.Column? {
        guard let first = parts.first else { return nil }
        let rows = first.count
        func interleave<T>(_ arrays: [[T]]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(rows * arrays.count)
            for r in 0..<rows { for a in arrays { out.append(a[r]) } }
            return out
        }
        switch first {
        case .float32:
            let arrays = parts.compactMap { if case .float32(let v) = $0 { v } else { nil } }
            return arrays.count == parts.count ? .float32(interleave(arrays)) : nil
        case .float64:
            let arrays = parts.compactMap { if case .float64(let v) = $0 { v } else { nil } }
            return arrays.count == parts.count ? .float64(interleave(arrays)) : nil
        case .int64:
            let arrays = parts.compactMap { if case .int64(let v) = $0 { v } else { nil } }
            return arrays.count == parts.count ? .int64(interleave(arrays)) : nil
        case .string:
            let arrays = parts.compactMap { if case .string(let v) = $0 { v } else { nil } }
            return arrays.count == parts.count ? .string(interleave(arrays)) : nil
        }
    }
}
