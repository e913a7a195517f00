/// A forest of decision trees in one flat array, the shared engine behind ONNX tree
/// ensembles, XGBoost boosters and LightGBM models.
///
/// Each format's loader translates its split rules into ``Node`` tests and flags, so one
/// evaluator walks them all. Nodes of all trees live in one array (children are indices
/// into it), which keeps a tree's nodes close together in memory. Features are read as
/// doubles; loaders whose runtime compares in float32 round the feature values first
/// (see ``featurePrecision``), which makes the comparisons exact either way.
struct TreeEnsemble: Sendable {
    /// One node. A leaf's children are the leaf itself, so a walk can take a step from every
    /// node alike and simply stays put once it arrives; its weights are in ``leafEntries``.
    struct Node: Sendable {
        var threshold: Double
        var feature: Int32
        var trueChild: Int32
        var falseChild: Int32
        var test: Test
        var flags: Flags

        init(threshold: Double, feature: Int32, trueChild: Int32, falseChild: Int32, test: Test, flags: Flags) {
            self.threshold = threshold
            self.feature = feature
            self.trueChild = trueChild
            self.falseChild = falseChild
            self.test = test
            self.flags = flags
        }
    }

    /// The test an internal node applies to its feature value x.
    enum Test: UInt8, Sendable {
        case lessOrEqual, less, greaterOrEqual, greater, equal, notEqual
        /// x equals one of the values in `categorySets[Int(threshold)]` (ONNX's BRANCH_MEMBER).
        case member
        /// x, truncated toward zero, is a category set in `categoryBitsets[Int(threshold)]`
        /// (LightGBM's categorical split; negative and missing values are never members).
        case truncatedMember
        case leaf
    }

    /// How a node treats missing (NaN) and zero values.
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        init(rawValue: UInt8) { self.rawValue = rawValue }

        /// NaN takes the true branch (otherwise the false branch).
        static let missingGoesTrue = Flags(rawValue: 1)
        /// NaN is read as 0 and tested like any number (with `zeroIsMissing`: LightGBM's missing type "Zero").
        static let missingIsZero = Flags(rawValue: 2)
        /// Zero (|x| ≤ 1e-35) counts as missing and takes the missing branch (LightGBM "Zero").
        static let zeroIsMissing = Flags(rawValue: 4)
    }

    /// How features are rounded before the trees see them.
    enum FeaturePrecision: Sendable {
        case float32
        case float64
    }

    /// Where a leaf's (target, weight) pairs are in `leafTargets`/`leafWeights`.
    struct LeafEntries: Sendable {
        var start: Int32
        var count: Int32
    }

    let nodes: [Node]
    let roots: [Int32]
    /// Indexed like `nodes`; meaningful for leaves only. Kept apart from the nodes so the
    /// split data a walk reads stays compact.
    let leafEntries: [LeafEntries]
    let leafTargets: [Int32]
    let leafWeights: [Double]
    /// Value sets for `member` and `truncatedMember` tests.
    let categorySets: [Set<Double>]
    /// Category bitsets for `truncatedMember` tests: bit c of word c / 64 is category c.
    let categoryBitsets: [[UInt64]]
    let featurePrecision: FeaturePrecision
    /// How many features a row must have (one more than the highest index used).
    let featureCount: Int
    let targetCount: Int
    /// The plain trees, laid out for the fast walk.
    let paired: PairedTrees
    /// Roots of the other trees (categorical splits, zero-as-missing, DAGs), which take the
    /// general walk.
    let unpairedRoots: [Int32]

    init(nodes: [Node], roots: [Int32], leafEntries: [LeafEntries], leafTargets: [Int32], leafWeights: [Double], categorySets: [Set<Double>] = [], categoryBitsets: [[UInt64]] = [],
                featurePrecision: FeaturePrecision, featureCount: Int, targetCount: Int) {
        self.nodes = nodes
        self.roots = roots
        self.leafEntries = leafEntries
        self.leafTargets = leafTargets
        self.leafWeights = leafWeights
        self.categorySets = categorySets
        self.categoryBitsets = categoryBitsets
        self.featurePrecision = featurePrecision
        self.featureCount = featureCount
        self.targetCount = targetCount
        let (laidOut, others) = PairedTrees.build(nodes: nodes, roots: roots, leafEntries: leafEntries)
        paired = laidOut
        unpairedRoots = others.map { roots[$0] }
    }

    var treeCount: Int { roots.count }

    /// The positions of a leaf's pairs in `leafTargets`/`leafWeights`.
    @inline(__always)
    func entries(ofLeaf index: Int) -> Range<Int> {
        let leaf = leafEntries[index]
        return Int(leaf.start)..<Int(leaf.start + leaf.count)
    }
}
