/// A forest of decision trees in one flat array, the shared engine behind ONNX tree
/// ensembles, XGBoost boosters and LightGBM models.
///
/// Each format's loader translates its split rules into ``Node`` tests and flags, so one
/// evaluator walks them all. Nodes of all trees live in one array (children are indices
/// into it), which keeps a tree's nodes close together in memory. Features are read as
/// doubles; loaders whose runtime compares in float32 round the feature values first
/// (see ``featurePrecision``), which makes the comparisons exact either way.
public struct TreeEnsemble: Sendable {
    /// One node. For a leaf, `trueChild` and `falseChild` are the start and count of its
    /// entries in `leafTargets`/`leafWeights`.
    public struct Node: Sendable {
        public var threshold: Double
        public var feature: Int32
        public var trueChild: Int32
        public var falseChild: Int32
        public var test: Test
        public var flags: Flags

        public init(threshold: Double, feature: Int32, trueChild: Int32, falseChild: Int32, test: Test, flags: Flags) {
            self.threshold = threshold
            self.feature = feature
            self.trueChild = trueChild
            self.falseChild = falseChild
            self.test = test
            self.flags = flags
        }
    }

    /// The test an internal node applies to its feature value x.
    public enum Test: UInt8, Sendable {
        case lessOrEqual, less, greaterOrEqual, greater, equal, notEqual
        /// x equals one of the values in `categorySets[Int(threshold)]` (ONNX's BRANCH_MEMBER).
        case member
        /// x, truncated toward zero, is one of the categories in `categorySets[Int(threshold)]`
        /// (LightGBM's categorical split; negative and missing values are never members).
        case truncatedMember
        case leaf
    }

    /// How a node treats missing (NaN) and zero values.
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// NaN takes the true branch (otherwise the false branch).
        public static let missingGoesTrue = Flags(rawValue: 1)
        /// NaN is read as 0 and tested like any number (LightGBM's missing type "None"/"Zero").
        public static let missingIsZero = Flags(rawValue: 2)
        /// Zero (|x| ≤ 1e-35) counts as missing and takes the missing branch (LightGBM "Zero").
        public static let zeroIsMissing = Flags(rawValue: 4)
    }

    /// How features are rounded before the trees see them.
    public enum FeaturePrecision: Sendable {
        case float32
        case float64
    }

    public var nodes: [Node]
    public var roots: [Int32]
    public var leafTargets: [Int32]
    public var leafWeights: [Double]
    /// Value sets for `member` and `truncatedMember` tests.
    public var categorySets: [Set<Double>]
    public var featurePrecision: FeaturePrecision
    /// How many features a row must have (one more than the highest index used).
    public var featureCount: Int
    public var targetCount: Int

    public init(nodes: [Node], roots: [Int32], leafTargets: [Int32], leafWeights: [Double], categorySets: [Set<Double>] = [],
                featurePrecision: FeaturePrecision, featureCount: Int, targetCount: Int) {
        self.nodes = nodes
        self.roots = roots
        self.leafTargets = leafTargets
        self.leafWeights = leafWeights
        self.categorySets = categorySets
        self.featurePrecision = featurePrecision
        self.featureCount = featureCount
        self.targetCount = targetCount
    }

    public var treeCount: Int { roots.count }

    /// The leaf each tree sends `row` to, as node indices, calling `visit` once per tree.
    @inline(__always)
    func forEachLeaf(_ row: UnsafePointer<Double>, _ visit: (Int) -> Void) {
        nodes.withUnsafeBufferPointer { nodes in
            for root in roots {
                var index = Int(root)
                while true {
                    let node = nodes[index]
                    if node.test == .leaf { break }
                    var x = row[Int(node.feature)]
                    if x.isNaN {
                        if node.flags.contains(.missingIsZero) {
                            x = 0
                        } else {
                            index = Int(node.flags.contains(.missingGoesTrue) ? node.trueChild : node.falseChild)
                            continue
                        }
                    }
                    if node.flags.contains(.zeroIsMissing) && x.magnitude <= 1e-35 {
                        index = Int(node.flags.contains(.missingGoesTrue) ? node.trueChild : node.falseChild)
                        continue
                    }
                    let goesTrue: Bool
                    switch node.test {
                    case .lessOrEqual: goesTrue = x <= node.threshold
                    case .less: goesTrue = x < node.threshold
                    case .greaterOrEqual: goesTrue = x >= node.threshold
                    case .greater: goesTrue = x > node.threshold
                    case .equal: goesTrue = x == node.threshold
                    case .notEqual: goesTrue = x != node.threshold
                    case .member: goesTrue = categorySets[Int(node.threshold)].contains(x)
                    case .truncatedMember:
                        let category = x.rounded(.towardZero)
                        goesTrue = category >= 0 && categorySets[Int(node.threshold)].contains(category)
                    case .leaf: goesTrue = false
                    }
                    index = Int(goesTrue ? node.trueChild : node.falseChild)
                }
                visit(index)
            }
        }
    }

    /// Sums every tree's leaf weights for one row into `scores` (length `targetCount`).
    @inline(__always)
    func accumulate(_ row: UnsafePointer<Double>, into scores: UnsafeMutablePointer<Double>) {
        leafTargets.withUnsafeBufferPointer { targets in
            leafWeights.withUnsafeBufferPointer { weights in
                nodes.withUnsafeBufferPointer { nodes in
                    forEachLeaf(row) { leaf in
                        let node = nodes[leaf]
                        let start = Int(node.trueChild)
                        for entry in start..<(start + Int(node.falseChild)) {
                            scores[Int(targets[entry])] += weights[entry]
                        }
                    }
                }
            }
        }
    }
}
