import CapstanJSON
import CapstanMonitors
import CapstanServing
import CapstanStorage

/// `/ui/deployments/{name}`: what the deployment serves and how traffic is split, its
/// rollout, its traffic over time per variant (requests, error rate, latency), its
/// monitors, its revisions and its history with every rollout decision's numbers.
struct DeploymentPage {
    /// History shown, newest first.
    static let eventLimit = 100

    var record: DeploymentRecord
    var serving: ServingSummary
    var rollout: DeploymentService.RolloutStatus?
    var revisions: [DeploymentRevisionRecord]
    var events: [DeploymentEventRecord]
    var traffic: [TrafficBucket]
    var monitors: [MonitorSummary]
    var window: DashboardWindow

    static func load(_ name: String, window: DashboardWindow, deployments: DeploymentService, monitors: MonitorService) async throws -> DeploymentPage {
        let record: DeploymentRecord
        do {
            record = try await deployments.store.deployment(name: name)
        } catch StoreError.notFound {
            throw DashboardError.notFound("There is no deployment named '\(name)'.")
        }
        let live = deployments.liveRevision(name)
        // A rollout that cannot be read now (no loaded revision) is shown as absent, not as a broken page.
        let rollout = live?.spec.rollout == nil ? nil : try? await deployments.rolloutStatus(name)
        return DeploymentPage(
            record: record, serving: ServingSummary(record, live: live), rollout: rollout,
            revisions: try await deployments.store.revisions(deployment: name),
            events: Array(try await deployments.store.events(deployment: name).suffix(eventLimit).reversed()),
            traffic: try await deployments.log.store.traffic(deployment: name, since: window.timeRange.lowerBound, until: window.now + 1,
                                                             bucketMilliseconds: window.bucketMilliseconds),
            monitors: try await MonitorSummary.load(try await monitors.store.monitors(deployment: name), store: monitors.store),
            window: window)
    }

    func render() -> String {
        let now = window.now
        let requests = traffic.filter { !$0.isShadow }.reduce(0) { $0 + $1.requests }
        let errors = traffic.filter { !$0.isShadow }.reduce(0) { $0 + $1.errors }
        var content: [HTMLText] = [
            DashboardLayout.glance([
                ("Status", serving.badge),
                ("Active revision", serving.revision.map { "\($0)" } ?? "–"),
                ("Variants", "\(serving.variants.count)"),
                ("Shadows", "\(serving.shadows.count)"),
                ("Requests (\(window.label))", "\(requests)"),
                ("Error rate (\(window.label))", requests == 0 ? "–" : "\(DashboardFormat.percent(Double(errors) / Double(requests)))"),
                ("Last change", "\(DashboardFormat.age(record.lastUpdateTime, now: now))"),
            ]),
            DashboardPage.section("Traffic split", id: "split", splitContent()),
        ]
        if let rollout { content.append(DashboardPage.section("Rollout", id: "rollout", rolloutContent(rollout))) }
        content += [
            DashboardPage.section("Traffic", id: "traffic", window.links(path: DashboardNavigation.deployment(record.name)),
                                  DashboardPage.chartGrid(trafficCharts())),
            DashboardPage.section("Monitors", id: "monitors", MonitorSummary.table(monitors, now: now, withDeployment: false)),
            DashboardPage.section("Revisions", id: "revisions", revisionsTable()),
            DashboardPage.section("History", id: "history", DashboardPage.note("Revisions made and activated, rollbacks, and rollout decisions with the numbers behind them; newest first."),
                                  eventsTable()),
        ]
        return DashboardPage(title: "Deployment \(record.name)", navigation: DashboardNavigation.links, current: nil,
                             refreshSeconds: DashboardNavigation.refreshSeconds, content: content).render()
    }

    func splitContent() -> HTMLText {
        let variants = DashboardPage.table(serving.variants, columns: [
            TableColumn("Variant") { "\($0.name)" },
            TableColumn("Model") { "\($0.model)" },
            TableColumn("Version", alignment: .right) { "\($0.version)" },
            TableColumn("Share of traffic", alignment: .right) { "\(DashboardFormat.percent($0.share))" },
        ], caption: "Variants", emptyMessage: serving.status == "serving" ? "None" : "Nothing is serving")
        let shadows = DashboardPage.table(serving.shadows, columns: [
            TableColumn("Shadow") { "\($0.name)" },
            TableColumn("Model") { "\($0.model)" },
            TableColumn("Version", alignment: .right) { "\($0.version)" },
            TableColumn("Requests mirrored", alignment: .right) { "\(DashboardFormat.number($0.percent))%" },
        ], caption: "Shadows (get a copy of requests; their answers are logged, never returned)", emptyMessage: "No shadows")
        guard !serving.variants.isEmpty else { return HTMLText.joined([variants, shadows], separator: "\n") }
        // What the split says against what the window's requests actually did.
        let served = traffic.filter { !$0.isShadow }
        let total = Double(served.reduce(0) { $0 + $1.requests })
        let bins = serving.variants.map { variant in
            BarChart.Bin(label: variant.name, reference: variant.share,
                         current: total == 0 ? .nan : Double(served.filter { $0.variant == variant.name }.reduce(0) { $0 + $1.requests }) / total)
        }
        let chart = BarChart(title: "Traffic split", comparing: bins, referenceName: "configured", currentName: "observed (\(window.label))",
                             width: 480, height: 240)
        return HTMLText.joined([
            variants, shadows,
            DashboardPage.chartGrid([ChartCard(heading: "Configured and observed split", chart: chart,
                                               note: total == 0 ? "No requests in the \(window.label)." : "\(Int64(total)) requests in the \(window.label).")]),
        ], separator: "\n")
    }

    func rolloutContent(_ rollout: DeploymentService.RolloutStatus) -> HTMLText {
        let checks = DashboardPage.table(rollout.analysis.checks, columns: [
            TableColumn("Metric") { "\($0.metric)" },
            TableColumn("Rule") { "<code>\($0.rule)</code>" },
            TableColumn("Canary", alignment: .right) { check in "\(check.canary.map(DashboardFormat.number) ?? "–") (\(check.canarySamples))" },
            TableColumn("Stable", alignment: .right) { check in "\(check.stable.map(DashboardFormat.number) ?? "–") (\(check.stableSamples))" },
            TableColumn("Verdict") { check in
                switch check.passed {
                case true?: DashboardPage.badge(.ok, text: "passes")
                case false?: DashboardPage.badge(.firing, text: "fails")
                case nil: DashboardPage.badge(.pending, text: "needs \(check.minSamples) samples")
                }
            },
        ], caption: "The current step's analysis (samples in brackets)", emptyMessage: "No analysis rules")
        let steps = rollout.plan.steps.map { DashboardFormat.number($0) + "%" }.joined(separator: " → ")
        return HTMLText.joined([
            DashboardPage.summary([
                ("Phase", "\(rollout.state.phase.rawValue)"),
                ("Step", "\(rollout.state.step + 1) of \(rollout.plan.steps.count)"),
                ("Canary", "\(rollout.canary) at \(DashboardFormat.number(rollout.state.canaryWeight(steps: rollout.plan.steps)))%"),
                ("Steps", "\(steps)"),
                ("Every", "\(DashboardFormat.duration(seconds: rollout.plan.intervalSeconds))"),
                ("Verdict so far", "\(rollout.analysis.verdict.rawValue)"),
            ]),
            checks,
        ], separator: "\n")
    }

    func revisionsTable() -> HTMLText {
        DashboardPage.table(revisions, columns: [
            TableColumn("Revision", alignment: .right) { "\($0.revision)" },
            TableColumn("State") { DashboardBadges.revision($0.state) },
            TableColumn("Models") { "\(Self.models(of: $0))" },
            TableColumn("Created") { "\(DashboardFormat.time($0.creationTime))" },
            TableColumn("Message") { "\($0.message ?? "")" },
        ], emptyMessage: "No revisions")
    }

    /// `default: churn v3 (weight 90); canary: churn v4 (weight 10); shadow twin: churn v5 (50%)`,
    /// from the revision's spec (weights) and what its references resolved to (versions).
    static func models(of revision: DeploymentRevisionRecord) -> String {
        let spec = try? JSONParser.parse(Array(revision.spec.utf8))
        let resolved = try? JSONParser.parse(Array(revision.resolved.utf8))
        func entries(_ key: String) -> [JSONValue] {
            if case .array(let items)? = spec?[key] { items } else { [] }
        }
        func version(_ key: String, _ name: String) -> String? {
            guard case .array(let items)? = resolved?[key],
                  let entry = items.first(where: { $0["name"] == .string(name) }),
                  case .string(let model)? = entry["registered_model"], case .int(let number)? = entry["version"] else { return nil }
            return "\(model) v\(number)"
        }
        func text(_ value: JSONValue?) -> String { value.map(DashboardFormat.json) ?? "" }
        let variants = entries("variants").map { variant in
            let name = text(variant["name"])
            return "\(name): \(version("variants", name) ?? text(variant["model"])) (weight \(text(variant["weight"])))"
        }
        let shadows = entries("shadows").map { shadow in
            let name = text(shadow["name"])
            return "shadow \(name): \(version("shadows", name) ?? text(shadow["model"])) (\(text(shadow["percent"]))%)"
        }
        return (variants + shadows).joined(separator: "; ")
    }

    func eventsTable() -> HTMLText {
        DashboardPage.table(events, columns: [
            TableColumn("Time") { "\(DashboardFormat.time($0.time))" },
            TableColumn("Revision", alignment: .right) { $0.revision.map { "\($0)" } ?? "–" },
            TableColumn("Event") { "\($0.kind)" },
            TableColumn("Message") { "\($0.message)" },
            TableColumn("Numbers") { Self.details($0.details) },
        ], caption: events.count == Self.eventLimit ? "The latest \(Self.eventLimit) events" : nil, emptyMessage: "No events")
    }

    /// A rollout decision's numbers: phase, step, canary weight and verdict, then one line per
    /// check (`error_rate (max 0.05): canary 0.01 (n=120), stable 0.02 (n=480) — passes`).
    /// Other details as `key: value` text.
    static func details(_ text: String?) -> HTMLText {
        guard let text else { return .empty }
        guard let json = try? JSONParser.parse(Array(text.utf8)), case .object(let members) = json else { return "\(text)" }
        var lines: [HTMLText] = []
        let head = members.filter { $0.0 != "checks" }.map { key, value in
            key == "canary_weight" ? "canary weight: \(DashboardFormat.number(DashboardFormat.double(value) ?? .nan))%" : "\(key): \(DashboardFormat.json(value))"
        }
        if !head.isEmpty { lines.append("\(head.joined(separator: ", "))") }
        if case .array(let checks)? = json["checks"] {
            for check in checks {
                let value = { (key: String) in check[key].map(DashboardFormat.json) ?? "–" }
                let verdict: String = switch check["passed"] {
                case .bool(true)?: "passes"
                case .bool(false)?: "fails"
                default: "not judged yet (needs \(value("min_samples")) samples)"
                }
                lines.append("\(value("metric")) (\(value("rule"))): canary \(value("canary")) (n=\(value("canary_samples"))), stable \(value("stable")) (n=\(value("stable_samples"))) — \(verdict)")
            }
        }
        return HTMLText.joined(lines, separator: "<br/>")
    }
}
