import CapstanJSON
import Foundation

/// Derives a ``DataQualitySpec`` from reference data (the training or validation set), so
/// that new data can be checked against what the model was built on.
///
/// The rules follow Deequ's constraint suggestion rules (`suggestions/rules/` in
/// awslabs/deequ) and Evidently's reference rule (a value within ±10 % of the reference's):
///
/// - table: the row count within the relative tolerance of the reference's; exactly the
///   reference's columns; no larger share of duplicate rows than the reference has
///   (Evidently's rule for duplicates);
/// - type: the column's observed type (Deequ's RetainTypeRule); `category` for text with an
///   allowed set;
/// - completeness (RetainCompletenessRule): a complete column is `nullable: false`; else
///   the null share may grow to the upper end of a 95 % Wald interval around the observed
///   share, `p + 1.96·√(p(1−p)/n)`, rounded up to two decimals;
/// - range: the observed minimum and maximum of the finite values, widened on each side by
///   the tolerance times their span and rounded outwards to three significant digits of the
///   span (whole numbers for `int`), but never below 0 when the
///   minimum is not negative (NonNegativeNumbersRule); an infinite value leaves its side
///   open;
/// - allowed set (CategoricalRangeRule): when the column has at most `maxCategories`
///   distinct values and they are at most a tenth of its present values (so a small sample
///   does not freeze every value it saw), in order of first appearance;
/// - unique (UniqueIfApproximatelyUniqueRule, exactly here): when at least two values are
///   present and all are distinct, except for numbers with fractions, which are distinct
///   by chance rather than by meaning;
/// - length (HasMin/MaxLength): the observed shortest and longest text, for text without an
///   allowed set;
/// - cardinality: the distinct count within the relative tolerance (rounded outwards), so
///   a new or vanished category shows as a change.
public struct DataProfiler: Sendable {
    /// Relative tolerance for counts and ranges (0.1 is Evidently's ±10 %).
    public var tolerance: Double
    /// The most distinct values a column may have to get an allowed set.
    public var maxCategories: Int

    public init(tolerance: Double = 0.1, maxCategories: Int = 20) {
        self.tolerance = tolerance
        self.maxCategories = maxCategories
    }

    public func profile(_ table: DataTable, schema: String? = nil) -> DataQualitySpec {
        let columns = ParallelMap.map(table.names.indices) { index in
            profile(column: table.names[index], ColumnFacts(table.columns[index]))
        }
        let duplicates = DataValidation.duplicateRows(table)
        return DataQualitySpec(
            schema: schema,
            rowCount: widened(table.rowCount),
            columnsExact: true,
            maxDuplicateRowShare: table.rowCount == 0 ? 0 : Double(duplicates) / Double(table.rowCount),
            columns: columns)
    }

    func profile(column name: String, _ facts: ColumnFacts) -> ColumnExpectations {
        var column = ColumnExpectations(name: name, type: facts.observedType)
        column.maxNullShare = maxNullShare(facts)
        let present = facts.cells.count
        if facts.distinct > 0, facts.distinct <= maxCategories, facts.distinct * 10 <= present {
            var seen: Set<ColumnFacts.Cell> = []
            column.allowed = facts.cells.filter { seen.insert($0).inserted }.map(\.json)
            if facts.observedType == .string { column.type = .category }
        }
        if facts.isNumeric, let minimum = facts.minimum, let maximum = facts.maximum {
            column.range = range(minimum, maximum, whole: facts.observedType == .int, finite: facts.cells)
        }
        if present >= 2, facts.distinct == present, facts.observedType != .float { column.unique = true }
        if !facts.isNumeric, column.allowed == nil, let shortest = facts.shortest, let longest = facts.longest {
            column.length = Bounds(min: shortest, max: longest)
        }
        if facts.distinct > 0 { column.cardinality = widened(facts.distinct) }
        return column
    }

    /// 0 for a complete column; else the Wald interval's upper end, two decimals up.
    func maxNullShare(_ facts: ColumnFacts) -> Double {
        guard facts.rows > 0, facts.nullCount > 0 else { return 0 }
        let p = facts.nullShare
        let upper = p + 1.96 * (p * (1 - p) / Double(facts.rows)).squareRoot()
        // Round up to hundredths, allowing for the binary representation of p itself.
        return Swift.min(1, ((upper * 100) - 1e-9).rounded(.up) / 100)
    }

    func range(_ minimum: Double, _ maximum: Double, whole: Bool, finite cells: [ColumnFacts.Cell]) -> Bounds<Double> {
        // The span of the finite values; an infinite extreme leaves its side open.
        var low = Double.infinity, high = -Double.infinity
        for case .number(let value) in cells where value.isFinite {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        guard low <= high else { return Bounds() }
        let margin = (high - low) * tolerance
        var lower = low - margin, upper = high + margin
        // Rounded outwards to a step a person would write (three significant digits of the
        // span: 10600, not 10678.520999999999), never finer than a whole number for `int`.
        var step = high > low ? pow(10, (log10(high - low)).rounded(.down) - 2) : 1
        if whole { step = Swift.max(step, 1) }
        lower = (lower / step).rounded(.down) * step
        upper = (upper / step).rounded(.up) * step
        // Undo the binary representation error of step multiples (0.1 * 3 = 0.30000000000000004).
        if step < 1 {
            let digits = pow(10, -log10(step).rounded())
            lower = (lower * digits).rounded() / digits
            upper = (upper * digits).rounded() / digits
        }
        if low >= 0 { lower = Swift.max(lower, 0) }
        return Bounds(min: minimum.isFinite ? lower : nil, max: maximum.isFinite ? upper : nil)
    }

    /// `count` ± the tolerance, rounded outwards (but not past a whole number that the
    /// product misses only by rounding error: 1000 × 1.1 is 1100, not 1101).
    func widened(_ count: Int) -> Bounds<Int> {
        let value = Double(count)
        return Bounds(min: Int((value * (1 - tolerance) + 1e-9).rounded(.down)),
                      max: Int((value * (1 + tolerance) - 1e-9).rounded(.up)))
    }
}
