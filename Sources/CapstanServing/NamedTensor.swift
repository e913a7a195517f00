import CapstanInference

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
                continue
            }
            let modelNames = featureNames(tensor.name).flatMap { $0.count == width ? $0 : nil }
            let names = modelNames ?? ColumnNames.numbered(tensor.name, count: width)
            if tensors.count == 1, width > 0 {
                // The usual request, one [N, F] tensor: its values stay one block.
                guard tensor.values.count == rows * width else {
                    throw ServingError.invalidInput("input '\(tensor.name)' has \(tensor.values.count) values; shape \(tensor.shape) needs \(rows * width)")
                }
                return try invalidInputIfThrows {
                    // `NAME_0 …` are distinct as made; a model's own names are checked.
                    try modelNames == nil ? FeatureFrame(distinctNames: names, rowMajor: tensor.values)
                                          : FeatureFrame(names: names, rowMajor: tensor.values)
                }
            }
            for feature in 0..<width {
                columns.append((names[feature], tensor.values.strided(start: feature, step: width)))
            }
        }
        return try invalidInputIfThrows { try FeatureFrame(columns) }
    }

    /// The frame `make` builds; its complaint (a name given twice) as the caller's mistake.
    private static func invalidInputIfThrows(_ make: () throws -> FeatureFrame) throws -> FeatureFrame {
        do {
            return try make()
        } catch {
            throw ServingError.invalidInput("\(error)")
        }
    }

    /// One tensor of an answer, as a run of its frame's columns.
    public struct OutputTensor: Sendable, Equatable {
        public var name: String
        /// The frame's columns it spans, in order: one for an [N] tensor, K for [N, K].
        public var columns: Range<Int>
        /// Shaped [N, K] (a run of numbered columns, even a run of one) rather than [N].
        public var isMatrix: Bool
    }

    /// The tensors a frame's columns make: a run `P_0, P_1, …` of one type is one [N, K]
    /// tensor P; every other column an [N] tensor. Views, not copies: answers write each
    /// value straight from its column.
    public static func outputTensors(of frame: FeatureFrame) -> [OutputTensor] {
        var tensors: [OutputTensor] = []
        tensors.reserveCapacity(frame.names.count)
        var index = 0
        let names = frame.names, columns = frame.columns
        while index < names.count {
            // A run P_0, P_1, … starting here?
            if let first = FrameEncoding.numbered(names[index]), first.number == 0, first.prefix.utf8.last == UInt8(ascii: "_") {
                var width = 1
                while index + width < names.count, let next = FrameEncoding.numbered(names[index + width]),
                      next.prefix == first.prefix, next.number == width {
                    width += 1
                }
                let run = index..<(index + width)
                if run.allSatisfy({ columns[$0].hasSameType(as: columns[index]) }) {
                    tensors.append(OutputTensor(name: String(first.prefix.dropLast()), columns: run, isMatrix: true))
                    index += width
                    continue
                }
            }
            tensors.append(OutputTensor(name: names[index], columns: index..<(index + 1), isMatrix: false))
            index += 1
        }
        return tensors
    }
}

extension FeatureFrame.Column {
    /// Both hold values of one type (both float32, say), whatever the values.
    func hasSameType(as other: FeatureFrame.Column) -> Bool {
        switch (self, other) {
        case (.float32, .float32), (.float64, .float64), (.int64, .int64), (.string, .string): true
        default: false
        }
    }
}
