import CapstanStats

/// A per-column drift test, by the name Evidently and `capstan drift --num-method` use.
public enum DriftMethod: String, Sendable, CaseIterable {
    case ks
    case chisquare
    case z
    case wassersteinNormed = "wasserstein_normed"
    case jensenshannon
    case psi
    case hellinger

    /// p-value tests flag drift below their threshold; distances at or above it.
    public var isPValue: Bool { self == .ks || self == .chisquare || self == .z }

    /// Evidently's default threshold for the test (`StatTest.default_threshold`).
    public var defaultThreshold: Double { isPValue ? 0.05 : 0.1 }

    /// Whether `value` is drift under `threshold`, with Evidently's comparisons: KS flags
    /// `p ≤ threshold`, chi-square and Z `p < threshold`, distances `value ≥ threshold`.
    public func isDrift(_ value: Double, threshold: Double) -> Bool {
        switch self {
        case .ks: value <= threshold
        case .chisquare, .z: value < threshold
        case .wassersteinNormed, .jensenshannon, .psi, .hellinger: value >= threshold
        }
    }

    /// Whether the test applies to a column of this kind (KS and the Wasserstein distance
    /// need an order and a scale, so a categorical column cannot take them).
    public func applies(to kind: DriftColumnKind) -> Bool {
        switch self {
        case .ks, .wassersteinNormed: kind == .numerical
        case .chisquare, .z, .jensenshannon, .psi, .hellinger: true
        }
    }

    /// The test Evidently's DataDriftPreset picks (`registry.py::_get_default_stattest`):
    /// by the reference's size after dropping NaN (≤ 1,000 rows: a statistical test; more:
    /// a distance, since with that many rows every test finds "significant" drift) and by
    /// the distinct values of both sides together.
    public static func evidentlyDefault(kind: DriftColumnKind, referenceCount: Int, distinctValues: Int) -> DriftMethod {
        if referenceCount <= 1000 {
            if kind == .numerical && distinctValues > 5 { return .ks }
            return distinctValues > 2 ? .chisquare : .z
        }
        if kind == .numerical && distinctValues > 5 { return .wassersteinNormed }
        return .jensenshannon
    }
}

/// How Evidently treats a column, which decides its test.
public enum DriftColumnKind: String, Sendable {
    case numerical, categorical
}
