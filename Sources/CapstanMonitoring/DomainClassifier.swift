import CapstanStats

/// Multivariate drift as NannyML measures it with its domain classifier
/// (`drift/multivariate/domain_classifier`): train a classifier to tell reference rows
/// from current rows and report its cross-validated ROC AUC. Per-column tests miss a
/// change that only shows jointly (two columns whose correlation flips while each keeps
/// its distribution); a classifier over all columns at once sees it.
///
/// Reading the AUC: 0.5 means the classifier cannot tell the two samples apart (no drift it
/// can detect); 1 means it separates them perfectly. NannyML alerts outside
/// [0.45, 0.65] (`ConstantThreshold(lower=0.45, upper=0.65)`), which ``alert`` applies.
/// Below that band, a value above about 0.55 is already more than noise at a few thousand
/// rows a side and worth a look at ``topFeatures``; a value below 0.5 is no drift but noise
/// (too few rows).
///
/// The recipe, NannyML's adapted:
/// - **Rows.** Reference rows are labelled 0 and current rows 1. NannyML uses every row;
///   here each side is subsampled (seeded) to the same count, at most
///   ``Options/maxRowsPerSide``: 10,000 rows a side already resolve an AUC to about ±0.01,
///   the cost stays flat for million-row files, and equal sides keep a large reference
///   from drowning a small current sample.
/// - **Model.** NannyML fits LightGBM (100 rounds, learning rate 0.1). Here a pure-Swift
///   histogram gradient-boosted ensemble (``GradientBoostedTrees``) with the same rounds and
///   learning rate, on depth-3 trees (8 leaves: enough for two-column interactions, less
///   prone to memorising a small sample than LightGBM's 31 leaves) over at most 64 bins
///   per feature (``BinnedMatrix``; LightGBM bins into 255, and 64 is plenty to find a
///   shifted quantile).
/// - **Features.** See ``DomainFeatures``: numbers as they are (missing: reference median
///   plus indicator), categories one-hot over their 20 most frequent values.
/// - **Score.** Stratified 5-fold cross-validation as NannyML's `StratifiedKFold(5)`, with
///   folds drawn at random (seeded) rather than in file order, so a time-ordered file does
///   not put one period in one fold. Each row is scored by the model that did not see it,
///   and the AUC is computed once over all out-of-fold scores, as NannyML does.
/// - **Importance.** The total split gain per feature over all folds' trees, summed back to
///   the source column (its one-hot and indicator features included) and normalised to
///   sum 1: which columns the classifier leaned on to tell the samples apart.
///
/// The same inputs and seed give the same result, bit for bit; the folds train in parallel.
public struct DomainClassifier: Sendable, Equatable {
    /// NannyML's alert band for the domain classifier's AUC.
    public static let lowerThreshold = 0.45
    public static let upperThreshold = 0.65

    public struct Options: Sendable {
        /// Rows drawn from each side (the sides are balanced to the smaller of the two).
        public var maxRowsPerSide = 10_000
        public var folds = 5
        public var rounds = 100
        public var depth = 3
        public var learningRate = 0.1
        /// At most 256 (codes are bytes).
        public var bins = 64
        /// Categories kept per column before pooling the rest as "other" (at most 254).
        public var maxCategories = 20
        /// Drives the row samples and the fold assignment.
        public var seed: UInt64 = 0x5EED
        /// Columns encoded as categories whatever their values look like.
        public var categorical: Set<String> = []
        /// Columns to leave out, with the reason to report (the target, the prediction).
        public var excluded: [String: String] = [:]
        /// How many of the most important columns to report.
        public var topFeatures = 10

        public init() {}
    }

    /// One column's share of the classifier's total split gain.
    public struct Importance: Sendable, Equatable {
        public var column: String
        public var importance: Double
    }

    /// A column that did not become a feature, and why.
    public struct LeftOut: Sendable, Equatable {
        public var column: String
        public var reason: String
    }

    /// The mean out-of-fold ROC AUC; nil when it could not be computed (see ``unavailable``).
    public var rocAUC: Double?
    /// Why there is no AUC (too few rows, no usable column).
    public var unavailable: String?
    /// Rows used from each side.
    public var referenceRows: Int
    public var currentRows: Int
    public var folds: Int
    /// The most important columns, most important first (importances over all used
    /// columns sum to 1; columns the trees never split on are not listed).
    public var topFeatures: [Importance]
    /// Columns used as features.
    public var columns: [String]
    public var leftOut: [LeftOut]

    /// NannyML's verdict: the AUC is outside [``lowerThreshold``, ``upperThreshold``].
    public var alert: Bool {
        guard let rocAUC else { return false }
        return rocAUC > Self.upperThreshold || rocAUC < Self.lowerThreshold
    }

    /// Trains the classifier on `reference` against `current` and scores it.
    ///
    /// - Throws: ``DataFileError`` naming the file and column when a column is on one side
    ///   only, or when `options.categorical` names a column the data does not have.
    public static func measure(reference: DataTable, current: DataTable, options: Options = Options()) throws(DataFileError) -> DomainClassifier {
        try reference.requireSameColumns(as: current, categorical: options.categorical)
        precondition(options.folds >= 2 && options.maxRowsPerSide >= 1 && (2...256).contains(options.bins) && (1...254).contains(options.maxCategories))

        var random = SplitMix64(seed: options.seed)
        let perSide = min(options.maxRowsPerSide, reference.rowCount, current.rowCount)
        let referenceRows = random.sample(perSide, of: reference.rowCount)
        let currentRows = random.sample(perSide, of: current.rowCount)
        let features = DomainFeatures(reference: reference, referenceRows: referenceRows, current: current, currentRows: currentRows, options: options)
        var result = DomainClassifier(rocAUC: nil, unavailable: nil, referenceRows: perSide, currentRows: perSide, folds: options.folds,
                                      topFeatures: [], columns: features.columns, leftOut: features.leftOut)
        guard perSide >= options.folds else {
            result.unavailable = "needs at least \(options.folds) rows on each side for \(options.folds)-fold cross-validation "
                + "(reference \(reference.rowCount), current \(current.rowCount))"
            return result
        }
        guard !features.columns.isEmpty else {
            result.unavailable = "no column could be used as a feature"
            return result
        }

        // Rows 0..<perSide are the reference (label 0), the rest the current (label 1).
        let labels = (0..<(2 * perSide)).map { $0 >= perSide }
        let fold = stratifiedFolds(perSide: perSide, folds: options.folds, random: &random)
        let parameters = GradientBoostedTrees.Parameters(rounds: options.rounds, depth: options.depth, learningRate: options.learningRate)
        let matrix = features.matrix
        let outcomes = ParallelMap.map(0..<options.folds) { held -> (rows: [Int], scores: [Double], gain: [Double]) in
            let training = labels.indices.filter { fold[$0] != held }
            let testing = labels.indices.filter { fold[$0] == held }
            let model = GradientBoostedTrees.fit(matrix, rows: training, labels: labels, parameters: parameters)
            return (testing, model.scores(matrix, rows: testing), model.gain)
        }
        var scores = [Double](repeating: 0, count: labels.count)
        var gain = [Double](repeating: 0, count: matrix.featureCount)
        for outcome in outcomes {
            for (row, score) in zip(outcome.rows, outcome.scores) { scores[row] = score }
            for feature in gain.indices { gain[feature] += outcome.gain[feature] }
        }
        result.rocAUC = RankingMetrics.rocAUC(isPositive: labels, scores: scores)

        var byColumn = [Double](repeating: 0, count: features.columns.count)
        for (feature, value) in gain.enumerated() { byColumn[features.source[feature]] += value }
        let total = byColumn.reduce(0, +)
        if total > 0 {
            result.topFeatures = byColumn.enumerated()
                .filter { $0.element > 0 }
                .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
                .prefix(options.topFeatures)
                .map { Importance(column: features.columns[$0.offset], importance: $0.element / total) }
        }
        return result
    }

    /// A fold per row (reference rows then current rows): each side shuffled on its own and
    /// dealt round-robin, so every fold holds the same share of each side (stratified).
    static func stratifiedFolds(perSide: Int, folds: Int, random: inout SplitMix64) -> [Int] {
        var fold = [Int](repeating: 0, count: 2 * perSide)
        for side in 0..<2 {
            let rows = random.shuffled(Array((side * perSide)..<((side + 1) * perSide)))
            for (position, row) in rows.enumerated() { fold[row] = position % folds }
        }
        return fold
    }
}
