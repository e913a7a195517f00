/// A value flowing along a model's graph: a tensor, or the sequence of maps that
/// `ZipMap` makes (one map of class → probability per row).
public enum Value: Sendable, Equatable {
    case tensor(Tensor)
    case mapSequence(MapSequence)

    public var tensor: Tensor? {
        if case .tensor(let t) = self { t } else { nil }
    }
}

/// One map per row with the same keys in every row, stored as a row-major matrix.
///
/// `ZipMap` labels each row's probabilities with the class labels; every row has all of
/// them, so the keys are kept once and the values as `rows × keys.count` floats.
public struct MapSequence: Sendable, Equatable {
    public enum Keys: Sendable, Equatable {
        case int64([Int64])
        case string([String])

        public var count: Int {
            switch self {
            case .int64(let k): k.count
            case .string(let k): k.count
            }
        }
    }

    public var keys: Keys
    public var values: [Float]

    public var rows: Int { keys.count == 0 ? 0 : values.count / keys.count }
}
