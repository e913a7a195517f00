import CapstanStats

/// One column's drift between a reference and a current sample: the test, its result and
/// the verdict, or why the column could not be tested.
public struct ColumnDrift: Sendable, Equatable {
    public var column: String
    public var kind: DriftColumnKind?
    public var method: DriftMethod?
    /// The test statistic, the distance for distance methods, or the text classifier's
    /// ROC AUC for the text tests.
    public var statistic: Double?
    /// nil for distances and the text tests.
    public var pValue: Double?
    /// The value compared with the statistic or p-value. For `perc_text_content_drift` it is
    /// the random classifiers' percentile AUC, and ``percentileLevel`` the level asked for.
    public var threshold: Double?
    public var drifted: Bool
    /// Why the column was not tested (nil when it was). Such a column is reported and left
    /// out of the dataset's share; it never stops the other columns being tested
    /// (Evidently fails the whole report there).
    public var notTestable: String?
    /// `perc_text_content_drift`'s percentile level (0.95 by default), whose AUC among
    /// random classifiers is ``threshold``; nil for every other test.
    public var percentileLevel: Double? = nil

    static func untestable(_ column: String, kind: DriftColumnKind? = nil, _ reason: String) -> ColumnDrift {
        ColumnDrift(column: column, kind: kind, method: nil, statistic: nil, pValue: nil, threshold: nil, drifted: false, notTestable: reason)
    }

    /// The values of one side, missing ones (NaN, ±∞, empty) dropped as Evidently drops them.
    enum Values {
        case numbers([Double])
        case text([String])

        init(_ column: DataTable.Column) {
            switch column {
            // Usually nothing is missing: the column is then shared, not copied (a monitor's
            // window has a million values per column).
            case .numeric(let values): self = .numbers(values.allSatisfy(\.isFinite) ? values : values.filter(\.isFinite))
            case .text(let values): self = .text(values.compactMap { $0 })
            }
        }

        var count: Int {
            switch self {
            case .numbers(let values): values.count
            case .text(let values): values.count
            }
        }
    }

    /// Tests one column. `method` and `threshold` override Evidently's choice and default.
    static func measure(_ name: String, kind: DriftColumnKind, reference: DataTable.Column, current: DataTable.Column,
                        method chosenMethod: DriftMethod?, threshold chosenThreshold: Double?) -> ColumnDrift {
        let referenceValues = Values(reference), currentValues = Values(current)
        guard referenceValues.count > 0 else { return .untestable(name, kind: kind, "no values in the reference once missing ones are dropped") }
        guard currentValues.count > 0 else { return .untestable(name, kind: kind, "no values in the current data once missing ones are dropped") }
        let outcome: (statistic: Double, pValue: Double?)?
        let method: DriftMethod
        switch (referenceValues, currentValues) {
        case (.numbers(let ref), .numbers(let cur)):
            // Evidently's choice only asks whether there are more than 5 distinct values.
            method = chosenMethod ?? .evidentlyDefault(kind: kind, referenceCount: ref.count,
                                                       distinctValues: DistinctValues.count(ref, cur, upTo: 6))
            guard method.applies(to: kind) else {
                return .untestable(name, kind: kind, method.isTextContent
                    ? "\(method.rawValue) tests free text only; '\(name)' is \(kind.rawValue)"
                    : "\(method.rawValue) needs a numerical column; '\(name)' is categorical")
            }
            outcome = kind == .numerical ? numerical(method, ref, cur) : categorical(method, ref, cur)
        case (.text(let ref), .text(let cur)) where kind == .text:
            return text(name, ref, cur, method: chosenMethod, threshold: chosenThreshold)
        case (.text(let ref), .text(let cur)):
            method = chosenMethod ?? .evidentlyDefault(kind: .categorical, referenceCount: ref.count,
                                                       distinctValues: DistinctValues.count(ref, cur, upTo: 6))
            guard method.applies(to: .categorical) else {
                return .untestable(name, kind: kind, method.isTextContent
                    ? "\(method.rawValue) tests free text only; '\(name)' is categorical"
                    : "\(method.rawValue) needs a numerical column; '\(name)' holds text")
            }
            outcome = categorical(method, ref, cur)
        case (.numbers, .text):
            return .untestable(name, kind: kind, "numbers in the reference but text in the current data")
        case (.text, .numbers):
            return .untestable(name, kind: kind, "text in the reference but numbers in the current data")
        }
        guard let outcome else {
            return .untestable(name, kind: kind, "\(method.rawValue) cannot be computed on these values (a range too narrow to bin)")
        }
        let threshold = chosenThreshold ?? method.defaultThreshold
        let value = outcome.pValue ?? outcome.statistic
        return ColumnDrift(column: name, kind: kind, method: method, statistic: outcome.statistic, pValue: outcome.pValue,
                           threshold: threshold, drifted: method.isDrift(value, threshold: threshold), notTestable: nil)
    }

    /// Tests free text with Evidently's text tests (``TextContentDrift``); any other method
    /// leaves the column untested.
    static func text(_ name: String, _ reference: [String], _ current: [String],
                     method chosenMethod: DriftMethod?, threshold chosenThreshold: Double?) -> ColumnDrift {
        let method = chosenMethod ?? .evidentlyTextDefault(referenceCount: reference.count)
        guard method.applies(to: .text) else {
            return .untestable(name, kind: .text, """
                \(method.rawValue) does not apply to free text (its tests are perc_text_content_drift and \
                abs_text_content_drift); name the column in --categorical to test it as categories
                """)
        }
        let threshold = chosenThreshold ?? method.defaultThreshold
        do {
            let result = try TextContentDrift.measure(reference: reference, current: current, method: method, threshold: threshold)
            return ColumnDrift(column: name, kind: .text, method: method, statistic: result.rocAUC, pValue: nil,
                               threshold: result.threshold, drifted: result.drifted, notTestable: nil,
                               percentileLevel: method == .percTextContentDrift ? threshold : nil)
        } catch {
            return .untestable(name, kind: .text, "\(method.rawValue): \(error.reason)")
        }
    }

    static func numerical(_ method: DriftMethod, _ reference: [Double], _ current: [Double]) -> (Double, Double?)? {
        if method == .ks || method == .wassersteinNormed, current.count >= 10 * reference.count {
            // A monitor's window against a training set: placing each current value among
            // the reference's is several times faster than sorting a million of them.
            let sortedReference = RadixSort.ascending(reference)
            if method == .ks {
                return KolmogorovSmirnov.twoSample(sortedReference: sortedReference, unsortedCurrent: current)
                    .map { ($0.statistic, $0.pValue) }
            }
            return Wasserstein.normed(reference: reference, sortedReference: sortedReference, unsortedCurrent: current)
                .map { ($0, nil) }
        }
        switch method {
        case .ks, .wassersteinNormed, .jensenshannon, .psi:
            // Each sorts both sides; a radix sort once here is several times faster.
            let sortedReference = RadixSort.ascending(reference), sortedCurrent = RadixSort.ascending(current)
            switch method {
            case .ks:
                return KolmogorovSmirnov.twoSample(sortedReference: sortedReference, sortedCurrent: sortedCurrent).map { ($0.statistic, $0.pValue) }
            case .wassersteinNormed:
                return Wasserstein.normed(reference: reference, sortedReference: sortedReference, sortedCurrent: sortedCurrent).map { ($0, nil) }
            case .jensenshannon:
                return JensenShannon.distance(sortedReference: sortedReference, sortedCurrent: sortedCurrent).map { ($0, nil) }
            default:
                return PopulationStability.index(sortedReference: sortedReference, sortedCurrent: sortedCurrent).map { ($0, nil) }
            }
        case .chisquare: return ChiSquare.goodnessOfFit(reference: reference, current: current).map { ($0.statistic, $0.pValue) }
        case .z: return TwoProportionZ.test(reference: reference, current: current).map { ($0.statistic, $0.pValue) }
        case .hellinger: return Hellinger.distance(reference: reference, current: current).map { ($0, nil) }
        case .percTextContentDrift, .absTextContentDrift: return nil
        }
    }

    static func categorical<T: Hashable & Comparable>(_ method: DriftMethod, _ reference: [T], _ current: [T]) -> (Double, Double?)? {
        switch method {
        case .ks, .wassersteinNormed: nil
        case .chisquare: ChiSquare.goodnessOfFit(reference: reference, current: current).map { ($0.statistic, $0.pValue) }
        case .z: TwoProportionZ.test(reference: reference, current: current).map { ($0.statistic, $0.pValue) }
        case .jensenshannon: JensenShannon.distance(categoricalReference: reference, categoricalCurrent: current).map { ($0, nil) }
        case .psi: PopulationStability.index(categoricalReference: reference, categoricalCurrent: current).map { ($0, nil) }
        case .hellinger: Hellinger.distance(categoricalReference: reference, categoricalCurrent: current).map { ($0, nil) }
        case .percTextContentDrift, .absTextContentDrift: nil
        }
    }
}
