import CapstanStats
import Foundation

extension FeatureFrame {
    /// Rows that fit `summary`'s inputs, for benchmarks when no real data is at hand:
    /// numbers drawn from a standard normal (whole numbers 0…9 for integer inputs), strings
    /// from the categories the model lists (else "a"…"e"). The same seed gives the same rows.
    public static func synthesized(for summary: ModelSummary, rows: Int, seed: UInt64 = 42) throws -> FeatureFrame {
        var random = SplitMix64(seed: seed)
        var columns: [(name: String, column: Column)] = []
        for input in summary.inputs {
            let width: Int
            let names: [String]
            if let featureNames = input.featureNames {
                names = featureNames
                width = featureNames.count
            } else if input.shape.count == 2, let declared = input.shape[1], declared != 1 {
                width = declared
                names = (0..<width).map { "f\($0)" }
            } else if input.shape.count == 2 && input.shape[1] == nil && summary.inputs.count == 1 {
                throw InferenceError.invalidInput("input '\(input.name)' does not declare how many features it takes; pass rows to measure with")
            } else {
                width = 1
                names = [input.name]
            }
            for name in names.prefix(width) {
                columns.append((name, column(type: input.type, categories: input.categories, rows: rows, random: &random)))
            }
        }
        return try FeatureFrame(columns)
    }

    private static func column(type: String, categories: [String]?, rows: Int, random: inout SplitMix64) -> Column {
        if type.contains("string") {
            let pool = categories.flatMap { $0.isEmpty ? nil : $0 } ?? ["a", "b", "c", "d", "e"]
            return .string((0..<rows).map { _ in pool[Int(random.next() % UInt64(pool.count))] })
        }
        if type.contains("int") {
            return .int64((0..<rows).map { _ in Int64(random.next() % 10) })
        }
        return .float64((0..<rows).map { _ in random.normal() })
    }
}
