import CapstanJSON
import Testing
@testable import CapstanMonitoring

/// Reading alert rules from their JSON spec, and the templates and label identities rules use.
@Suite struct AlertRuleTests {
    func parse(_ text: String) throws -> AlertRule {
        try AlertRule(spec: JSONParser.parse(Array(text.utf8)))
    }

    func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as SpecError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func aFullSpecReadsEverySetting() throws {
        let rule = try parse("""
        {"name": "feature_drift", "condition": "drift_share > 0.5", "for": "10m", "keep_firing_for": "5m",
         "labels": {"severity": "warning", "team": "ml"},
         "annotations": {"summary": "{{ $labels.monitor }} drifted: {{ $value }}", "runbook_url": "https://wiki.example/drift"},
         "notify": {"receiver": "ml-oncall", "group_by": ["alertname", "monitor"], "group_wait": "10s", "group_interval": "1m",
                    "repeat_interval": "2h", "send_resolved": false,
                    "channels": ["log", {"webhook": {"url": "https://hooks.example/am", "max_alerts": 20}}]}}
        """)
        #expect(rule.name == "feature_drift")
        #expect(rule.metric == "drift_share" && rule.comparison == .greater && rule.threshold == 0.5)
        #expect(rule.forMilliseconds == 600_000 && rule.keepFiringForMilliseconds == 300_000)
        #expect(rule.severity == "warning" && rule.labels["team"]?.source == "ml")
        #expect(rule.annotations["summary"]?.render(labels: ["monitor": "m1"], value: 0.75) == "m1 drifted: 0.75")
        #expect(rule.route == AlertRoute(receiver: "ml-oncall", groupBy: .labels(["alertname", "monitor"]), groupWaitMilliseconds: 10_000,
                                         groupIntervalMilliseconds: 60_000, repeatIntervalMilliseconds: 7_200_000, sendResolved: false,
                                         channels: [.log, .webhook(url: "https://hooks.example/am", maxAlerts: 20)]))
    }

    @Test func aMinimalSpecTakesTheDefaults() throws {
        let rule = try parse(#"{"name": "errors", "metric": "error_rate", "operator": ">=", "threshold": 0.05}"#)
        #expect(rule.comparison == .greaterOrEqual && rule.threshold == 0.05)
        #expect(rule.forMilliseconds == 0 && rule.keepFiringForMilliseconds == 0)
        #expect(rule.route == AlertRoute(receiver: "errors"))
        #expect(rule.route.groupBy == .labels(["alertname", "deployment", "monitor"]))
        #expect(rule.route.groupWaitMilliseconds == 30_000 && rule.route.groupIntervalMilliseconds == 300_000)
        #expect(rule.route.repeatIntervalMilliseconds == 4 * 3_600_000 && rule.route.sendResolved && rule.route.channels == [.log])
    }

    @Test func conditionStringsReadEveryOperator() throws {
        for comparison in AlertComparison.allCases {
            let rule = try parse(#"{"name": "x", "condition": "p95_latency_ms\#(comparison.rawValue)1e3"}"#)
            #expect(rule.comparison == comparison && rule.metric == "p95_latency_ms" && rule.threshold == 1000)
        }
        #expect(try parse(#"{"name": "x", "condition": "  job:errors:rate5m  <  -0.25 "}"#).threshold == -0.25)
        #expect(try parse(#"{"name": "x", "condition": "a > 1", "for": 0, "notify": {"group_wait": "0s"}}"#).route.groupWaitMilliseconds == 0)
    }

    @Test func comparisonsFollowPromQL() {
        #expect(AlertComparison.greater.holds(0.6, 0.5) && !AlertComparison.greater.holds(0.5, 0.5))
        #expect(AlertComparison.greaterOrEqual.holds(0.5, 0.5) && AlertComparison.lessOrEqual.holds(0.5, 0.5))
        #expect(AlertComparison.less.holds(-1, 0) && AlertComparison.equal.holds(2, 2) && AlertComparison.notEqual.holds(1, 2))
        // NaN meets only !=, as Go's comparisons (and so PromQL's) go.
        #expect(AlertComparison.allCases.filter { $0.holds(.nan, 1) } == [.notEqual])
    }

    @Test func specErrorsNameTheField() {
        #expect(error(#"{"name": "x", "condition": "a > 1", "treshold": 2}"#)?.hasPrefix("treshold is not a known setting") == true)
        #expect(error(#"{"condition": "a > 1"}"#) == "name is missing")
        #expect(error(#"{"name": "9lives", "condition": "a > 1"}"#)?.hasPrefix("name must be") == true)
        #expect(error(#"{"name": "x"}"#)?.hasPrefix("condition is missing") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "metric": "a"}"#)?.hasPrefix("condition and metric both given") == true)
        #expect(error(#"{"name": "x", "condition": "a => 1"}"#)?.hasPrefix("condition must read 'metric OP number'") == true)
        #expect(error(#"{"name": "x", "condition": "a > high"}"#) == "condition: the threshold 'high' is not a finite number")
        #expect(error(#"{"name": "x", "condition": "drift share > 1"}"#)?.hasPrefix("condition: 'drift share' is not a metric name") == true)
        #expect(error(#"{"name": "x", "metric": "a", "operator": "=>", "threshold": 1}"#)?.hasPrefix("operator must be one of") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "for": "ten minutes"}"#)?.hasPrefix("for must be a duration") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "labels": {"severity": "critcal"}}"#)
            == "labels.severity must be one of critical, warning, info, got 'critcal'")
        #expect(error(#"{"name": "x", "condition": "a > 1", "labels": {"alertname": "y"}}"#)?.hasPrefix("labels.alertname:") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "labels": {"team-name": "y"}}"#)?.hasPrefix("labels.team-name:") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "annotations": {"summary": "{{ $valeu }}"}}"#)?
            .hasPrefix("annotations.summary has the template action {{ $valeu }}") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "annotations": {"summary": "{{ $value"}}"#)
            == "annotations.summary opens a template with {{ but never closes it with }}")
        #expect(error(#"{"name": "x", "condition": "a > 1", "notify": {"group_wait": "soon"}}"#)?.hasPrefix("notify.group_wait must be a duration") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "notify": {"group_interval": 0}}"#)?.hasPrefix("notify.group_interval must be a duration") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "notify": {"group_by": ["monitor", "..."]}}"#)?.hasPrefix("notify.group_by: \"...\"") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "notify": {"channels": []}}"#)?.hasPrefix("notify.channels must list") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "notify": {"channels": ["email"]}}"#)?.hasPrefix("notify.channels[0] must be") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "notify": {"channels": [{"webhook": {"url": "ftp://h/x"}}]}}"#)
            == "notify.channels[0].webhook.url must be an http:// or https:// URL with a host")
        #expect(error(#"{"name": "x", "condition": "a > 1", "notify": {"channels": [{"webhook": {"url": "http://h", "retries": 3}}]}}"#)?
            .hasPrefix("notify.channels[0].webhook.retries is not a known setting") == true)
        #expect(error(#"{"name": "x", "condition": "a > 1", "notify": {"sendresolved": true}}"#)?.hasPrefix("notify.sendresolved is not a known setting") == true)
    }

    @Test func groupByEverythingIsTheEllipsis() throws {
        let rule = try parse(#"{"name": "x", "condition": "a > 1", "notify": {"group_by": ["..."]}}"#)
        #expect(rule.route.groupBy == .all)
        #expect(rule.route.groupLabels(of: ["alertname": "x", "feature": "age"]) == ["alertname": "x", "feature": "age"])
        let byMonitor = AlertRoute(receiver: "x", groupBy: .labels(["alertname", "monitor"]))
        #expect(byMonitor.groupLabels(of: ["alertname": "x", "feature": "age"]) == ["alertname": "x"])
    }

    @Test func templatesRenderValuesAsGoPrintsThem() throws {
        let value = try AlertTemplate("{{ $value }}|{{.Value}}", field: "t")
        #expect(value.render(labels: [:], value: 0.5) == "0.5|0.5")
        for (number, text) in [(100_000.0, "100000"), (1e6, "1e+06"), (1_353_755_652.0, "1.353755652e+09"), (0.0001, "0.0001"),
                               (0.00001234, "1.234e-05"), (-2.5, "-2.5"), (3, "3"), (0.1 + 0.2, "0.30000000000000004"),
                               (1e21, "1e+21"), (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf")] {
            #expect(AlertTemplate.goFormat(number) == text)
        }
        // Prometheus' template_test.go: humanizePercentage of -0.22222, 0, 0.1234567, 1.23456.
        let percentage = try AlertTemplate("{{ $value | humanizePercentage }}", field: "t")
        #expect([-0.22222, 0, 0.1234567, 1.23456].map { percentage.render(labels: [:], value: $0) } == ["-22.22%", "0%", "12.35%", "123.5%"])
        let labels = try AlertTemplate("{{ $labels.feature }} in {{ .Labels.monitor }}, {{ $labels.missing }}", field: "t")
        #expect(labels.render(labels: ["feature": "age", "monitor": "m1"], value: 1) == "age in m1, <no value>")
        #expect(try AlertTemplate("plain", field: "t").isConstant && !labels.isConstant)
    }

    @Test func fingerprintsArePrometheus() {
        // prometheus/common model/signature_test.go: TestLabelsToSignature.
        #expect(AlertLabels.fingerprint(["name": "garland, briggs", "fear": "love is not enough"]) == 5_799_056_148_416_392_346)
        #expect(AlertLabels.fingerprint([:]) == 14_695_981_039_346_656_037)
        // From this Python, FNV-1a 64 as prometheus/common model/fnv.go computes it:
        //     def fingerprint(labels):
        //         h = 14695981039346656037
        //         def add(b):
        //             nonlocal h
        //             h ^= b; h = (h * 1099511628211) % 2**64
        //         for name in sorted(labels, key=lambda s: s.encode()):
        //             for b in name.encode(): add(b)
        //             add(0xff)
        //             for b in labels[name].encode(): add(b)
        //             add(0xff)
        //         return "%016x" % h
        #expect(AlertLabels.fingerprintHex([:]) == "cbf29ce484222325")
        #expect(AlertLabels.fingerprintHex(["alertname": "feature_drift"]) == "47f6361df9533d78")
        #expect(AlertLabels.fingerprintHex(["alertname": "feature_drift", "monitor": "churn-drift", "deployment": "churn",
                                            "feature": "age", "severity": "warning"]) == "83a9aab2fe655127")
        #expect(AlertLabels.fingerprintHex(["alertname": "HighErrorRate", "instance": "localhost:9090", "job": "prometheus"]) == "4f23dc315e735c99")
        // The 0xff separators keep these apart.
        #expect(AlertLabels.fingerprintHex(["a": "b,c"]) == "e546ddeeb2e24609")
        #expect(AlertLabels.fingerprintHex(["a": "b", "c": ""]) == "7fb95809d849ae19")
        #expect(AlertLabels.fingerprintHex(["city": "Zürich", "alertname": "x"]) == "8ae8a79a455387a2")
    }

    @Test func labelSetsPrintAsAlertmanagerKeysThem() {
        #expect(AlertLabels.describe([:]) == "{}")
        #expect(AlertLabels.describe(["monitor": "m1", "alertname": "drift"]) == #"{alertname="drift", monitor="m1"}"#)
        #expect(AlertLabels.describe(["a": "say \"hi\"\n\\"]) == #"{a="say \"hi\"\n\\"}"#)
    }

    @Test func aConditionCanSelectSamplesByLabel() throws {
        let rule = try parse(#"{"name": "churn_drift", "condition": "drift_share{deployment=\"churn\", monitor != \"a \\\"quoted\\\" name\"} >= 0.5"}"#)
        #expect(rule.metric == "drift_share" && rule.comparison == .greaterOrEqual && rule.threshold == 0.5)
        #expect(rule.matchers == [AlertMatcher(label: "deployment", op: .equal, value: "churn"),
                                  AlertMatcher(label: "monitor", op: .notEqual, value: #"a "quoted" name"#)])
        #expect(rule.matchers[0].matches(["deployment": "churn"]) && !rule.matchers[0].matches(["deployment": "fraud"]))
        // A label the sample lacks counts as empty, as in Prometheus.
        #expect(rule.matchers[1].matches([:]) && !AlertMatcher(label: "x", op: .equal, value: "y").matches([:]))
        #expect(error(#"{"name": "r", "condition": "drift_share{deployment=churn} > 1"}"#)?.contains("label matchers read") == true)
        #expect(error(#"{"name": "r", "condition": "drift_share{deployment=\"churn\" > 1"}"#)?.contains("without its '}'") == true)
        #expect(error(#"{"name": "r", "condition": "drift_share{9x=\"a\"} > 1"}"#)?.contains("not a label name") == true)
    }
}
