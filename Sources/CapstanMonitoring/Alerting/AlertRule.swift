import CapstanJSON

/// An alerting rule: a threshold on one metric the server resolves (`drift_share`,
/// `error_rate`, `p95_latency_ms`), held for a while before it fires, with Prometheus'
/// alerting-rule semantics (`for`, `keep_firing_for`, templated labels and annotations).
///
/// ```json
/// {"name": "feature_drift", "condition": "drift_share > 0.5", "for": "10m",
///  "keep_firing_for": "5m", "labels": {"severity": "warning"},
///  "annotations": {"summary": "{{ $labels.monitor }}: drift share {{ $value }}",
///                  "runbook_url": "https://wiki.example/drift"},
///  "notify": {"channels": ["log", {"webhook": {"url": "https://hooks.example/am"}}]}}
/// ```
///
/// The condition may instead be given as `metric`, `operator` and `threshold`.
public struct AlertRule: Sendable, Equatable {
    /// The rule's name, the `alertname` label of its alerts.
    public var name: String
    public var metric: String
    /// Which of the metric's samples the rule looks at (empty: all of them, on every monitor
    /// that produces the metric).
    public var matchers: [AlertMatcher]
    public var comparison: AlertComparison
    public var threshold: Double
    /// How long the condition must hold before a pending alert fires (0: at once).
    public var forMilliseconds: Int64
    /// How long a firing alert keeps firing after its condition clears, so a flapping
    /// metric is one incident rather than many (0: resolve at once).
    public var keepFiringForMilliseconds: Int64
    /// Labels added to every alert, overriding the sample's labels of the same name.
    public var labels: [String: AlertTemplate]
    /// Information for people (`summary`, `description`, `runbook_url`); not part of the
    /// alert's identity.
    public var annotations: [String: AlertTemplate]
    public var route: AlertRoute

    /// The severities the conventions know; a constant `severity` label must be one of them.
    public static let severities = ["critical", "warning", "info"]

    public init(name: String, metric: String, matchers: [AlertMatcher] = [], comparison: AlertComparison, threshold: Double,
                forMilliseconds: Int64 = 0, keepFiringForMilliseconds: Int64 = 0,
                labels: [String: AlertTemplate] = [:], annotations: [String: AlertTemplate] = [:], route: AlertRoute? = nil) {
        self.name = name
        self.metric = metric
        self.matchers = matchers
        self.comparison = comparison
        self.threshold = threshold
        self.forMilliseconds = forMilliseconds
        self.keepFiringForMilliseconds = keepFiringForMilliseconds
        self.labels = labels
        self.annotations = annotations
        self.route = route ?? AlertRoute(receiver: name)
    }

    /// The `severity` label as written (nil when the rule sets none).
    public var severity: String? { labels["severity"]?.source }

    /// Reads a rule spec. Every error names the field (`notify.group_wait`,
    /// `annotations.summary`) and says what it must be; unknown settings are rejected.
    public init(spec value: JSONValue) throws(SpecError) {
        let spec = try SpecObject(value, path: "alert rule", root: true)
        try spec.rejectUnknown(["name", "condition", "metric", "operator", "threshold", "for", "keep_firing_for",
                                "labels", "annotations", "notify"])
        let name = try spec.string("name")
        guard Self.isValidMetricName(name) else {
            throw SpecError("name must be letters, digits, _ or : and not start with a digit (it becomes the alertname label)")
        }
        let condition: (metric: String, matchers: [AlertMatcher], comparison: AlertComparison, threshold: Double)
        let split = ["metric", "operator", "threshold"].filter(spec.has)
        if spec.has("condition") {
            guard split.isEmpty else {
                throw SpecError("condition and \(split.joined(separator: ", ")) both given; write the condition one way")
            }
            condition = try Self.condition(try spec.string("condition"), field: "condition")
        } else {
            guard split.count == 3 else {
                throw SpecError("condition is missing (write \"condition\": \"metric > 0.5\", or metric, operator and threshold)")
            }
            let metric = try spec.string("metric")
            guard Self.isValidMetricName(metric) else { throw SpecError("metric must be a metric name such as drift_share") }
            let symbol = try spec.string("operator")
            guard let comparison = AlertComparison(rawValue: symbol) else {
                throw SpecError("operator must be one of \(AlertComparison.allCases.map(\.rawValue).joined(separator: " ")), got '\(symbol)'")
            }
            condition = (metric, [], comparison, try spec.number("threshold"))
        }
        var labels: [String: AlertTemplate] = [:]
        for (label, text) in try spec.stringMap("labels") {
            let field = "labels.\(label)"
            guard AlertLabels.isValidName(label), !label.hasPrefix("__") else {
                throw SpecError("\(field): label names are letters, digits and _, not starting with a digit or __")
            }
            guard label != "alertname" else { throw SpecError("\(field): alertname is the rule's name and cannot be set") }
            let template = try AlertTemplate(text, field: field)
            if label == "severity", template.isConstant, !Self.severities.contains(text) {
                throw SpecError("\(field) must be one of \(Self.severities.joined(separator: ", ")), got '\(text)'")
            }
            labels[label] = template
        }
        var annotations: [String: AlertTemplate] = [:]
        for (annotation, text) in try spec.stringMap("annotations") {
            let field = "annotations.\(annotation)"
            guard AlertLabels.isValidName(annotation) else {
                throw SpecError("\(field): annotation names are letters, digits and _, not starting with a digit")
            }
            annotations[annotation] = try AlertTemplate(text, field: field)
        }
        let route = spec.has("notify") ? try AlertRoute(spec: spec.object("notify"), ruleName: name) : AlertRoute(receiver: name)
        self.init(name: name, metric: condition.metric, matchers: condition.matchers, comparison: condition.comparison, threshold: condition.threshold,
                  forMilliseconds: try spec.milliseconds("for", default: 0, allowZero: true),
                  keepFiringForMilliseconds: try spec.milliseconds("keep_firing_for", default: 0, allowZero: true),
                  labels: labels, annotations: annotations, route: route)
    }

    /// Parses `metric OP number`, e.g. `drift_share > 0.5` or `error_rate>=1e-3`.
    /// Reads `metric OP number`, the metric optionally with label matchers:
    /// `drift_share{monitor="churn-drift"} >= 0.5`.
    static func condition(_ text: String, field: String) throws(SpecError) -> (String, [AlertMatcher], AlertComparison, Double) {
        let usage = "\(field) must read 'metric OP number' with OP one of > >= < <= == != (e.g. drift_share > 0.5, or drift_share{monitor=\"m\"} > 0.5)"
        var selector = Substring(text), matchers: [AlertMatcher] = []
        if let open = text.firstIndex(of: "{") {
            guard let close = text.lastIndex(of: "}"), close > open else { throw SpecError("\(field): a '{' without its '}'") }
            matchers = try AlertMatcher.parse(text[text.index(after: open)..<close], field: field)
            selector = text[..<open] + text[text.index(after: close)...]
        }
        let characters = Array(selector)
        guard let start = characters.firstIndex(where: { "<>=!".contains($0) }) else { throw SpecError(usage) }
        let metric = String(characters[..<start]).trimmed()
        var end = start + 1
        if end < characters.count, characters[end] == "=" { end += 1 }
        guard let comparison = AlertComparison(rawValue: String(characters[start..<end])) else { throw SpecError(usage) }
        let number = String(characters[end...]).trimmed()
        guard Self.isValidMetricName(metric) else {
            throw SpecError("\(field): '\(metric)' is not a metric name (letters, digits, _ or :, not starting with a digit)")
        }
        guard let threshold = Double(number), threshold.isFinite else {
            throw SpecError("\(field): the threshold '\(number)' is not a finite number")
        }
        return (metric, matchers, comparison, threshold)
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, Prometheus' metric-name rule, also used for rule names.
    static func isValidMetricName(_ name: String) -> Bool {
        AlertLabels.isValidName(String(name.map { $0 == ":" ? "_" : $0 }))
    }
}

private extension String {
    func trimmed() -> String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
