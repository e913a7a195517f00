/// The domain classifier's input: the sampled reference and current rows of every usable
/// column, encoded as binned features, each feature remembering the column it came from so
/// that importances add back up to columns.
///
/// The encoding is NannyML's idea (a tree ensemble over the raw features) adapted to a
/// learner that only knows numbers:
/// - numbers stay numbers; a missing cell (empty, NaN, ±∞) takes the reference median and
///   sets a per-column missing indicator, so a change in how often a column is missing is
///   itself a feature (LightGBM would route missing values to a learned side instead);
/// - categories are one-hot encoded over the `maxCategories` most frequent values of both
///   samples, the rest pooled as "other" (an unseen category in the current data lands
///   there and still separates the sides), missing as a value of its own. NannyML
///   ordinal-encodes for LightGBM's native categorical splits; one-hot splits (one value
///   against the rest) are the simple, robust subset of those, and the cap keeps a
///   high-cardinality column from swamping the trees. The one-hot features are stored as
///   one categorical feature per column (``BinnedMatrix/appendCategories(_:count:)``),
///   which the trees split one category against the rest: the same trees, a fraction of
///   the work;
/// - free text and columns typed differently in the two files are left out, with the
///   reason, as the per-column report does.
struct DomainFeatures: Sendable {
    var matrix: BinnedMatrix
    /// Per feature, the index into `columns` of the column it encodes.
    var source: [Int]
    /// The columns that became features, in the table's order.
    var columns: [String]
    var leftOut: [DomainClassifier.LeftOut]

    /// Encodes `referenceRows` of `reference` then `currentRows` of `current` (the matrix's
    /// rows in that order). Both tables hold the same column names (checked by the caller).
    init(reference: DataTable, referenceRows: [Int], current: DataTable, currentRows: [Int],
         options: DomainClassifier.Options) {
        let rowCount = referenceRows.count + currentRows.count
        matrix = BinnedMatrix(rowCount: rowCount)
        source = []
        columns = []
        leftOut = []
        for (index, name) in reference.names.enumerated() {
            if let reason = options.excluded[name] {
                leftOut.append(.init(column: name, reason: reason))
                continue
            }
            let currentIndex = current.names.firstIndex(of: name)!
            let referenceColumn = reference.columns[index], currentColumn = current.columns[currentIndex]
            let asCategories = options.categorical.contains(name)
            switch (referenceColumn, currentColumn) {
            case (.numeric(let ref), .numeric(let cur)) where !asCategories:
                let values = referenceRows.map { ref[$0] } + currentRows.map { cur[$0] }
                guard addNumeric(values, referenceCount: referenceRows.count, options: options) else {
                    leftOut.append(.init(column: name, reason: "no values in either sample once missing ones are dropped"))
                    continue
                }
            case (.numeric, .text):
                leftOut.append(.init(column: name, reason: "numbers in the reference but text in the current data"))
                continue
            case (.text, .numeric):
                leftOut.append(.init(column: name, reason: "text in the reference but numbers in the current data"))
                continue
            default:
                if !asCategories, ColumnTyping.evidentlyKind(currentColumn, integral: false) == .text {
                    leftOut.append(.init(column: name, reason: """
                        free text (more than half its values distinct in the current data); name it in --categorical to \
                        include it as categories
                        """))
                    continue
                }
                let values = referenceRows.map { Self.category(referenceColumn, $0) } + currentRows.map { Self.category(currentColumn, $0) }
                guard addCategorical(values, options: options) else {
                    leftOut.append(.init(column: name, reason: "no values in either sample once missing ones are dropped"))
                    continue
                }
            }
            columns.append(name)
        }
    }

    /// A cell as a category: text as written, a number by its value (so `1` and `1.0`
    /// agree), nil when missing.
    static func category(_ column: DataTable.Column, _ row: Int) -> String? {
        switch column {
        case .text(let values): return values[row]
        case .numeric(let values):
            let value = values[row]
            return value.isFinite ? "\(value)" : nil
        }
    }

    /// False when no value is present.
    private mutating func addNumeric(_ values: [Double], referenceCount: Int, options: DomainClassifier.Options) -> Bool {
        let present = values.filter(\.isFinite)
        guard !present.isEmpty else { return false }
        let column = columns.count
        if present.count < values.count {
            // The reference's median, as a model trained on it would have been imputed;
            // when the reference has no values at all, the current's (the indicator then
            // carries the whole difference anyway).
            let referencePresent = values[..<referenceCount].filter(\.isFinite)
            let fill = Self.median(referencePresent.isEmpty ? present : referencePresent)
            matrix.appendNumeric(values.map { $0.isFinite ? $0 : fill }, maxBins: options.bins)
            matrix.appendIndicator(values.map { !$0.isFinite })
            source += [column, column]
        } else {
            matrix.appendNumeric(values, maxBins: options.bins)
            source.append(column)
        }
        return true
    }

    /// False when no value is present.
    private mutating func addCategorical(_ values: [String?], options: DomainClassifier.Options) -> Bool {
        var counts: [String: Int] = [:]
        var missing = false
        for value in values {
            if let value { counts[value, default: 0] += 1 } else { missing = true }
        }
        guard !counts.isEmpty else { return false }
        // Most frequent first; ties by value so the encoding never depends on hashing.
        let kept = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(options.maxCategories).map(\.key)
        // Category numbers: the kept values, then "other" (when any value is not kept),
        // then "missing" (when any cell is).
        var number: [String: UInt8] = [:]
        for (index, category) in kept.enumerated() { number[category] = UInt8(index) }
        let other = UInt8(kept.count)
        let pooled = kept.count < counts.count
        let missingCode = pooled ? other + 1 : other
        let codes = values.map { value -> UInt8 in
            guard let value else { return missingCode }
            return number[value] ?? other
        }
        matrix.appendCategories(codes, count: Int(missingCode) + (missing ? 1 : 0))
        source.append(columns.count)
        return true
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
