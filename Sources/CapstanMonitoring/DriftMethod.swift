import CapstanStats

/// A per-column drift test, by the name Evidently and `capstan drift --num-method`,
/// `--cat-method` and `--text-method` use.
public enum DriftMethod: String, Sendable, CaseIterable {
    case ks
    case chisquare
    case z
    case wassersteinNormed = "wasserstein_normed"
    case jensenshannon
    case psi
    case hellinger
    /// Free text: a text classifier's ROC AUC against the 95th percentile of random
    /// classifiers' AUCs on the same labels (``TextContentDrift``).
    case percTextContentDrift = "perc_text_content_drift"
    /// Free text: a text classifier's ROC AUC against a fixed threshold (``TextContentDrift``).
    case absTextContentDrift = "abs_text_content_drift"

    /// p-value tests flag drift below their threshold; distances at or above it.
    public var isPValue: Bool { self == .ks || self == .chisquare || self == .z }

    /// The tests of free text, whose statistic is a text classifier's ROC AUC.
    public var isTextContent: Bool { self == .percTextContentDrift || self == .absTextContentDrift }

    /// Evidently's default threshold for the test (`StatTest.default_threshold`). For
    /// `perc_text_content_drift` it is a percentile level (0.95: the 95th percentile of
    /// random classifiers' AUCs), not the AUC compared (see ``TextContentDrift``).
    public var defaultThreshold: Double {
        switch self {
        case .percTextContentDrift: 0.95
        case .absTextContentDrift: 0.55
        default: isPValue ? 0.05 : 0.1
        }
    }

    /// Whether `value` is drift under `threshold`, with Evidently's comparisons: KS flags
    /// `p ≤ threshold`, chi-square and Z `p < threshold`, distances `value ≥ threshold`,
    /// the text tests `AUC > threshold`, where for `perc_text_content_drift` the threshold is
    /// the random classifiers' percentile AUC that ``TextContentDrift`` computed.
    public func isDrift(_ value: Double, threshold: Double) -> Bool {
        switch self {
        case .ks: value <= threshold
        case .chisquare, .z: value < threshold
        case .wassersteinNormed, .jensenshannon, .psi, .hellinger: value >= threshold
        case .percTextContentDrift, .absTextContentDrift: value > threshold
        }
    }

    /// Whether the test applies to a column of this kind (KS and the Wasserstein distance
    /// need an order and a scale, so a categorical column cannot take them; free text takes
    /// only the text tests, and they take nothing else).
    public func applies(to kind: DriftColumnKind) -> Bool {
        switch self {
        case .ks, .wassersteinNormed: kind == .numerical
        case .chisquare, .z, .jensenshannon, .psi, .hellinger: kind != .text
        case .percTextContentDrift, .absTextContentDrift: kind == .text
        }
    }

    /// The test Evidently picks for free text (`registry.py`): with at most 1,000 reference
    /// texts once missing ones are dropped, the percentile rule (a fixed AUC threshold is
    /// unreliable on a small test half); with more, the fixed 0.55.
    public static func evidentlyTextDefault(referenceCount: Int) -> DriftMethod {
        referenceCount <= 1000 ? .percTextContentDrift : .absTextContentDrift
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

/// How Evidently treats a column, which decides its test. `text` is free text: text with
/// more than half of its present values distinct in the current data.
public enum DriftColumnKind: String, Sendable {
    case numerical, categorical, text
}
