/// Counts of (actual, predicted) label pairs over one window of joined predictions.
///
/// Rows are the actual (ground-truth) label and columns the predicted one, both in the
/// order of `labels`: the sorted union of the labels seen on either side. That is the
/// order scikit-learn's `confusion_matrix(y_true, y_pred)` uses when `labels=None`, so a
/// matrix shown in Capstan reads the same as one a data scientist computed in a notebook.
/// A label that only ever appears as a prediction still gets a row (of zeros), because a
/// model inventing a class is exactly what a monitor should surface.
///
/// Labels are generic (`String`, `Int`, ...) and are treated as discrete classes, even
/// when `T` is a floating-point type.
public struct ConfusionMatrix<T: Hashable & Comparable> {
    /// The classes in sorted order; index `i` names row `i` and column `i`.
    public let labels: [T]
    /// `counts[actual][predicted]`, indexed by position in `labels`.
    public let counts: [[Int]]

    /// Builds the matrix in one pass over the pairs (plus sorting the distinct labels).
    ///
    /// Returns nil, rather than an empty matrix, when the inputs are empty or of different
    /// lengths: both mean the join of ground truth to predictions went wrong upstream, and
    /// an empty matrix would silently read as "no errors".
    public init?(yTrue: [T], yPred: [T]) {
        guard let encoded = LabelEncoding(yTrue: yTrue, yPred: yPred) else { return nil }
        let k = encoded.labels.count
        var flat = [Int](repeating: 0, count: k * k)
        for i in 0..<encoded.trueCodes.count {
            flat[encoded.trueCodes[i] * k + encoded.predCodes[i]] += 1
        }
        labels = encoded.labels
        counts = (0..<k).map { row in Array(flat[(row * k)..<(row * k + k)]) }
    }

    /// The count for one (actual, predicted) pair; zero for labels never seen, so callers
    /// can ask about an expected class that happened to be absent from this window.
    public subscript(actual actual: T, predicted predicted: T) -> Int {
        guard let row = labels.firstIndex(of: actual), let column = labels.firstIndex(of: predicted) else { return 0 }
        return counts[row][column]
    }

    /// Number of pairs counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
}

extension ConfusionMatrix: Equatable {}
extension ConfusionMatrix: Sendable where T: Sendable {}

/// Maps labels to dense integer codes in sorted order, so the metrics count with arrays
/// instead of hashing pairs. Shared by the confusion matrix and the classification metrics.
struct LabelEncoding<T: Hashable & Comparable> {
    /// Sorted union of both sides' labels (scikit-learn's `unique_labels` order).
    let labels: [T]
    let trueCodes: [Int]
    let predCodes: [Int]

    /// Nil on empty input or mismatched lengths. O(n + k log k) for n pairs and k classes:
    /// one hash lookup per label, codes assigned in order of first appearance and then
    /// renumbered to sorted order, so only the k distinct labels are ever sorted.
    init?(yTrue: [T], yPred: [T]) {
        guard !yTrue.isEmpty, yTrue.count == yPred.count else { return nil }
        var index = [T: Int]()
        var firstSeen = [T]()
        func code(_ label: T) -> Int {
            if let known = index[label] { return known }
            index[label] = firstSeen.count
            firstSeen.append(label)
            return firstSeen.count - 1
        }
        var trueCodes = yTrue.map(code)
        var predCodes = yPred.map(code)
        let order = firstSeen.indices.sorted { firstSeen[$0] < firstSeen[$1] }
        var rank = [Int](repeating: 0, count: order.count)
        for (sortedPosition, firstSeenPosition) in order.enumerated() { rank[firstSeenPosition] = sortedPosition }
        for i in trueCodes.indices {
            trueCodes[i] = rank[trueCodes[i]]
            predCodes[i] = rank[predCodes[i]]
        }
        labels = order.map { firstSeen[$0] }
        self.trueCodes = trueCodes
        self.predCodes = predCodes
    }
}
