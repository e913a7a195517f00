import CapstanJSON
import CapstanMonitoring
import Foundation

/// A tested column's reference and current distributions over the same bins, so a person
/// can see *how* a feature drifted, not only that it did: the dashboard draws them side by
/// side. Shares are of the column's present values on each side (missing values are left
/// out), so the two sides compare whatever their sizes.
struct DriftHistogram: Equatable {
    struct Bin: Equatable {
        var label: String
        /// The bin's edges (numerical columns only): `[lower, upper)`, the last one closed.
        var lower: Double?
        var upper: Double?
        var reference: Double
        var current: Double
    }

    var kind: DriftColumnKind
    var bins: [Bin]
    /// Present values counted on each side.
    var referenceCount: Int
    var currentCount: Int

    /// Equal-width bins over the combined range of both sides' finite values.
    static let numericBins = 10
    /// The most frequent categories of both sides together; the rest are one "other" bin.
    static let topCategories = 15
    static let otherLabel = "(other)"

    /// The histogram of one column, or nil when neither side has a value to count, or for
    /// free text (its values are mostly distinct, so the bins would say nothing).
    static func make(kind: DriftColumnKind, reference: DataTable.Column, current: DataTable.Column) -> DriftHistogram? {
        switch (kind, reference, current) {
        case (.text, _, _):
            return nil
        case (.numerical, .numeric(let ref), .numeric(let cur)):
            return numerical(ref, cur)
        default:
            return categorical(categories(reference), categories(current), kind: kind)
        }
    }

    /// Over the finite values of each side (missing and infinite ones are left out).
    static func numerical(_ reference: [Double], _ current: [Double]) -> DriftHistogram? {
        var low = Double.infinity, high = -Double.infinity
        for values in [reference, current] {
            for value in values where value.isFinite {
                low = min(low, value)
                high = max(high, value)
            }
        }
        guard low <= high else { return nil }
        let count = low == high ? 1 : numericBins
        let width = (high - low) / Double(count)
        func index(_ value: Double) -> Int {
            guard width > 0 else { return 0 }
            return min(max(Int((value - low) / width), 0), count - 1)
        }
        func counts(_ values: [Double]) -> (counts: [Int], total: Int) {
            var counts = [Int](repeating: 0, count: count), total = 0
            for value in values where value.isFinite {
                counts[index(value)] += 1
                total += 1
            }
            return (counts, total)
        }
        func shares(_ counted: (counts: [Int], total: Int)) -> [Double] {
            counted.counts.map { counted.total == 0 ? 0 : Double($0) / Double(counted.total) }
        }
        let referenceCounts = counts(reference), currentCounts = counts(current)
        let referenceShares = shares(referenceCounts), currentShares = shares(currentCounts)
        let bins = (0..<count).map { i -> Bin in
            let lower = low + Double(i) * width
            let upper = i == count - 1 ? high : low + Double(i + 1) * width
            let label = count == 1
                ? LoggedNumberText.text(low)
                : "[\(number(lower, step: width)), \(number(upper, step: width))\(i == count - 1 ? "]" : ")")"
            return Bin(label: label, lower: lower, upper: upper, reference: referenceShares[i], current: currentShares[i])
        }
        return DriftHistogram(kind: .numerical, bins: bins, referenceCount: referenceCounts.total, currentCount: currentCounts.total)
    }

    static func categorical(_ reference: [String], _ current: [String], kind: DriftColumnKind) -> DriftHistogram? {
        guard !reference.isEmpty || !current.isEmpty else { return nil }
        var referenceCounts: [String: Int] = [:], currentCounts: [String: Int] = [:]
        for value in reference { referenceCounts[value, default: 0] += 1 }
        for value in current { currentCounts[value, default: 0] += 1 }
        // Ranked by their share of both sides together, so a category that appears only in
        // the current data (a new value) still gets its own bar.
        func combinedShare(_ value: String) -> Double {
            (reference.isEmpty ? 0 : Double(referenceCounts[value] ?? 0) / Double(reference.count))
                + (current.isEmpty ? 0 : Double(currentCounts[value] ?? 0) / Double(current.count))
        }
        let scored: [(value: String, share: Double)] = Set(referenceCounts.keys).union(currentCounts.keys).map { ($0, combinedShare($0)) }
        let ranked: [String] = scored.sorted { a, b in a.share != b.share ? a.share > b.share : a.value < b.value }.map(\.value)
        let shown = ranked.prefix(topCategories)
        func share(_ count: Int, of total: Int) -> Double { total == 0 ? 0 : Double(count) / Double(total) }
        var bins = shown.map { value in
            Bin(label: value, reference: share(referenceCounts[value] ?? 0, of: reference.count),
                current: share(currentCounts[value] ?? 0, of: current.count))
        }
        if ranked.count > shown.count {
            let rest = ranked.dropFirst(topCategories)
            bins.append(Bin(label: otherLabel, reference: share(rest.reduce(0) { $0 + (referenceCounts[$1] ?? 0) }, of: reference.count),
                            current: share(rest.reduce(0) { $0 + (currentCounts[$1] ?? 0) }, of: current.count)))
        }
        return DriftHistogram(kind: kind, bins: bins, referenceCount: reference.count, currentCount: current.count)
    }

    /// A column's present values as category names; whole numbers without a fraction.
    static func categories(_ column: DataTable.Column) -> [String] {
        switch column {
        case .numeric(let values): values.filter { !$0.isNaN }.map(LoggedNumberText.text)
        case .text(let values): values.compactMap { $0 }
        }
    }

    /// A bin edge with as many decimals as the bin width needs to tell neighbours apart.
    static func number(_ value: Double, step: Double) -> String {
        let decimals = step > 0 && step.isFinite ? min(max(0, 1 - Int(log10(step).rounded(.down))), 6) : 2
        let text = String(format: "%.\(decimals)f", value)
        // No "-0.0" for a value that rounds to zero.
        return Double(text) == 0 ? String(format: "%.\(decimals)f", 0.0) : text
    }

    /// `{"type", "reference_count", "current_count", "bins": [{"label", "lower", "upper",
    /// "reference", "current"}]}`; `lower`/`upper` only for numerical columns.
    var json: JSONValue {
        var object = JSONObjectBuilder()
        object.set("type", kind.rawValue)
        object.set("reference_count", Int64(referenceCount))
        object.set("current_count", Int64(currentCount))
        object.set("bins", .array(bins.map { bin in
            var entry = JSONObjectBuilder()
            entry.set("label", bin.label)
            if let lower = bin.lower, let upper = bin.upper {
                entry.set("lower", .double(lower))
                entry.set("upper", .double(upper))
            }
            entry.set("reference", .double(bin.reference))
            entry.set("current", .double(bin.current))
            return entry.value
        }))
        return object.value
    }
}
