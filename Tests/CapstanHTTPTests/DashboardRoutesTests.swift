import CapstanJSON
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import Testing
@testable import CapstanHTTP

/// The dashboard's pages over HTTP, on a deployment with real traffic, a drift monitor and a
/// firing alert: each page is well-formed HTML with its charts, unknown names are 404 pages,
/// and names and labels from users are escaped.
@Suite("dashboard pages")
struct DashboardRoutesTests {
    static let forest = DeploymentGatewayTests.forest
    static let row = DeploymentGatewayTests.row
    static let hostile = "<script>alert(\"x\")</script>"

    /// A deployment `forest` (two variants and a shadow) that has served `requests`, a drift
    /// monitor `forest-drift` evaluated once against a reference the traffic does not look
    /// like, and a rule on its drift share that fires with a hostile label value.
    func prepare(_ client: TestClient, requests: Int = 12) async throws {
        _ = try await DeploymentGatewayTests().register(client, name: "forest", file: Self.forest)
        let spec = #"""
            {"name": "forest", "variants": [{"name": "stable", "model": "models:/forest/1", "weight": 90},
                                            {"name": "canary", "model": "models:/forest/1", "weight": 10}],
             "shadows": [{"name": "twin", "model": "models:/forest/1", "percent": 100}]}
            """#
        let deployed = try await client.send(.post, "/api/capstan/v1/deployments", body: spec)
        #expect(deployed.status == .ok, "\(deployed.text)")
        for _ in 0..<requests {
            #expect(try await DeploymentGatewayTests().infer(client, "forest").status == .ok)
        }
        // Wait for the background writer: every request logged, with its shadow copy.
        var logged = 0
        for _ in 0..<300 where logged < 2 * requests {
            let reply = try await client.raw(.get, "/api/capstan/v1/deployments/forest/predictions?limit=1000")
            if case .array(let items)? = reply.json["predictions"] { logged = items.count }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(logged == 2 * requests)

        let reference = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-reference-\(UUID().uuidString).csv")
        let header = "a,b,c,d,e,f,g,\(Self.hostile.replacingOccurrences(of: "\"", with: ""))"
        var rows: [String] = []
        for i in 0..<60 {
            let cells: [String] = (0..<8).map { j in String(Double((i * 7 + j * 3) % 23) - 11) }
            rows.append(cells.joined(separator: ","))
        }
        try ([header] + rows).joined(separator: "\n").write(to: reference, atomically: true, encoding: .utf8)
        let monitor = try await client.send(.post, "/api/capstan/v1/monitors", body: #"""
            {"name": "forest-drift", "deployment": "forest", "kind": "drift", "window": {"predictions": 100}, "schedule": "1h",
             "reference": {"csv": "\#(reference.path)"}, "match": "position", "min_rows": 5}
            """#)
        #expect(monitor.status == .ok, "\(monitor.text)")
        let rule = try await client.send(.post, "/api/capstan/v1/alerts/rules", body: #"""
            {"name": "forest_drift", "condition": "drift_share >= 0.1", "for": "0s",
             "labels": {"team": "<b>ml</b> & co"}, "annotations": {"summary": "{{ $labels.deployment }} drifted <img src=x>"}}
            """#)
        #expect(rule.status == .ok, "\(rule.text)")
        let run = try await client.send(.post, "/api/capstan/v1/monitors/forest-drift/run")
        #expect(run.json["status"] == .string("ok"), "\(run.text)")
    }

    func page(_ client: TestClient, _ path: String) async throws -> (TestClient.Reply, XMLDocument) {
        let reply = try await client.raw(.get, path)
        #expect(reply.headers[.contentType] == "text/html; charset=utf-8")
        let document = try XMLDocument(xmlString: reply.text, options: [])
        return (reply, document)
    }

    /// An attribute by name. (`attribute(forName:)` misses attributes of elements in a
    /// default namespace on Linux, and SVG elements are in one.)
    func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name || $0.localName == name }?.stringValue
    }

    func elements(_ node: XMLNode, _ name: String, class cssClass: String? = nil) -> [XMLElement] {
        var found: [XMLElement] = []
        if let element = node as? XMLElement, element.localName == name,
           cssClass.map({ c in (attribute(element, "class") ?? "").split(separator: " ").contains(Substring(c)) }) ?? true {
            found.append(element)
        }
        for child in node.children ?? [] { found += elements(child, name, class: cssClass) }
        return found
    }

    /// The `<svg>` charts of a page by their accessible title.
    func charts(_ document: XMLDocument) -> [String: XMLElement] {
        var byTitle: [String: XMLElement] = [:]
        for svg in elements(document, "svg") {
            if let label = attribute(svg, "aria-label") { byTitle[label] = svg }
        }
        return byTitle
    }

    @Test func theOverviewListsDeploymentsAlertsAndMonitors() async throws {
        try await withServer { client in
            try await prepare(client)
            let (reply, document) = try await page(client, "/ui")
            #expect(reply.status == .ok)
            let text = document.rootElement()?.stringValue ?? ""
            #expect(text.contains("stable 90% (forest v1), canary 10% (forest v1)"), "\(text)")
            #expect(text.contains("twin 100% mirrored (forest v1)"))
            let links = elements(document, "a").compactMap { $0.attribute(forName: "href")?.stringValue }
            #expect(links.contains("/ui/deployments/forest") && links.contains("/ui/monitors/forest-drift") && links.contains("/ui/alerts"))
            #expect(elements(document, "span", class: "firing").count >= 2, "the summary and the alert's state")
            // Hostile label and annotation values are text, never markup.
            #expect(text.contains("team=<b>ml</b> & co") && text.contains("forest drifted <img src=x>"))
            #expect(elements(document, "b").isEmpty && elements(document, "img").isEmpty && elements(document, "script").isEmpty)
            #expect(reply.text.contains("<meta http-equiv=\"refresh\" content=\"30\"/>"))
        }
    }

    @Test func theDeploymentPageChartsTrafficPerVariant() async throws {
        try await withServer { client in
            try await prepare(client, requests: 12)
            let (reply, document) = try await page(client, "/ui/deployments/forest")
            #expect(reply.status == .ok)
            let charts = charts(document)
            for title in ["Requests per 15 min", "Error rate", "Mean latency", "Maximum latency", "Traffic split"] {
                #expect(charts[title] != nil, "no chart '\(title)' among \(charts.keys.sorted())")
            }
            // Requests are counted per bucket, zero-filled: a line per variant that took traffic and the shadow.
            let requests = try #require(charts["Requests per 15 min"])
            let lines = elements(requests, "path", class: "series").compactMap { $0.stringValue }
            #expect(lines == ["stable", "canary", "twin (shadow)"], "\(lines)")
            #expect(elements(try #require(charts["Traffic split"]), "rect", class: "bar").count == 4, "configured and observed, two variants")
            let text = document.rootElement()?.stringValue ?? ""
            #expect(text.contains("Requests (last 24 h)12"), "\(text.prefix(2000))")
            #expect(elements(document, "a").contains { $0.attribute(forName: "href")?.stringValue == "/ui/monitors/forest-drift" })
            #expect(text.contains("stable: forest v1 (weight 90); canary: forest v1 (weight 10); shadow twin: forest v1 (100%)"))

            let hour = try await client.raw(.get, "/ui/deployments/forest?hours=1")
            #expect(hour.status == .ok && hour.text.contains("Requests per 1 min"))
            let bad = try await client.raw(.get, "/ui/deployments/forest?hours=0")
            #expect(bad.status == .badRequest && bad.text.contains("hours must be a whole number of hours from 1 to 720, got &#39;0&#39;"))
        }
    }

    @Test func theDriftMonitorPageDrawsItsShareScoresAndHistograms() async throws {
        try await withServer { client in
            try await prepare(client)
            let (reply, document) = try await page(client, "/ui/monitors/forest-drift")
            #expect(reply.status == .ok)
            let charts = charts(document)
            let share = try #require(charts["Share of drifted columns"])
            #expect(elements(share, "line", class: "threshold").count == 1)
            #expect(!elements(share, "circle", class: "point").isEmpty, "one evaluation: one point")
            let scores = try #require(charts["Drift score per feature"])
            #expect(elements(scores, "circle", class: "point").count == 8)
            // One histogram per column, named as the reference names it (escaped), with both sides' bars.
            let histogram = try #require(charts["a: reference and current"])
            #expect(elements(histogram, "rect", class: "series-0").count == 10 && elements(histogram, "rect", class: "series-1").count == 10)
            #expect(charts["<script>alert(x)</script>: reference and current"] != nil, "\(charts.keys.sorted())")
            #expect(elements(document, "script").isEmpty)
            let text = document.rootElement()?.stringValue ?? ""
            #expect(text.contains("Evaluations") && text.contains("drift_share = "))
        }
    }

    @Test func dataQualityAndPerformanceMonitorPagesDrawTheirKinds() async throws {
        try await withServer { client in
            try await prepare(client)
            // The logged rows have negative features: a range of [0, 1] fails on input_0.
            let quality = try await client.send(.post, "/api/capstan/v1/monitors", body: #"""
                {"name": "forest-quality", "deployment": "forest", "kind": "data_quality", "window": "1h", "min_rows": 1,
                 "expectations": {"columns": {"input_0": {"range": [0, 1]}, "input_1": {"nullable": false}}}}
                """#)
            #expect(quality.status == .ok, "\(quality.text)")
            #expect(try await client.send(.post, "/api/capstan/v1/monitors/forest-quality/run").json["status"] == .string("ok"))
            let (_, qualityPage) = try await page(client, "/ui/monitors/forest-quality")
            #expect(charts(qualityPage)["Failed expectations"] != nil)
            let qualityText = qualityPage.rootElement()?.stringValue ?? ""
            #expect(qualityText.contains("input_0range") && !qualityText.contains("input_1nullable"), "only the failure is listed")

            // Feedback for every request: the label the model gave, so accuracy is 1.
            let logged = try await client.raw(.get, "/api/capstan/v1/deployments/forest/predictions?limit=1000")
            guard case .array(let items)? = logged.json["predictions"] else { throw TestFailure(logged.text) }
            let feedback = items.filter { $0["shadow"] == .bool(false) }.compactMap { item -> String? in
                guard case .string(let id)? = item["request_id"], case .string(let label)? = item["predicted_label"] else { return nil }
                return #"{"request_id": "\#(id)", "label": "\#(label)"}"#
            }
            let sent = try await client.send(.post, "/api/capstan/v1/deployments/forest/feedback",
                                             body: #"{"feedback": [\#(feedback.joined(separator: ","))]}"#)
            #expect(sent.status == .ok, "\(sent.text)")
            let performance = try await client.send(.post, "/api/capstan/v1/monitors", body: #"""
                {"name": "forest-accuracy", "deployment": "forest", "kind": "performance", "window": "1h", "min_rows": 5}
                """#)
            #expect(performance.status == .ok, "\(performance.text)")
            let evaluated = try await client.send(.post, "/api/capstan/v1/monitors/forest-accuracy/run")
            #expect(evaluated.json["status"] == .string("ok"), "\(evaluated.text)")
            let (_, performancePage) = try await page(client, "/ui/monitors/forest-accuracy")
            let performanceCharts = charts(performancePage)
            #expect(performanceCharts["accuracy"] != nil && performanceCharts["Labelled predictions"] != nil, "\(performanceCharts.keys.sorted())")
            #expect(!elements(try #require(performanceCharts["accuracy"]), "circle", class: "point").isEmpty)
        }
    }

    @Test func theAlertsPageShowsActiveAlertsAndHistory() async throws {
        try await withServer { client in
            try await prepare(client)
            let (reply, document) = try await page(client, "/ui/alerts")
            #expect(reply.status == .ok)
            let text = document.rootElement()?.stringValue ?? ""
            #expect(text.contains("forest_drift") && text.contains("drift_share >= 0.1"))
            #expect(elements(document, "span", class: "firing").count >= 2, "the active alert and its history event")
            #expect(elements(document, "a").contains { $0.attribute(forName: "href")?.stringValue == "/ui/deployments/forest" })
            #expect(elements(document, "b").isEmpty && elements(document, "img").isEmpty)
        }
    }

    @Test func unknownNamesAndPagesAreNotFoundPages() async throws {
        try await withServer { client in
            for path in ["/ui/deployments/nothing", "/ui/monitors/nothing", "/ui/elsewhere", "/ui/deployments/%3Cscript%3Ex"] {
                let (reply, document) = try await page(client, path)
                #expect(reply.status == .notFound, "\(path)")
                #expect(elements(document, "h2").first?.stringValue == "404 Not Found")
                #expect(elements(document, "script").isEmpty)
            }
            let escaped = try await client.raw(.get, "/ui/deployments/%3Cscript%3Ex")
            #expect(escaped.text.contains("There is no deployment named &#39;&lt;script&gt;x&#39;."), "\(escaped.text)")
            // An empty server still has an overview.
            let (empty, document) = try await page(client, "/ui")
            #expect(empty.status == .ok && (document.rootElement()?.stringValue ?? "").contains("No deployments yet"))
        }
    }

    @Test func withAuthThePagesNeedAReadToken() async throws {
        try await withServer(auth: true) { client in
            #expect(try await client.raw(.get, "/ui").status == .unauthorized)
            let token = try await client.token(.read)
            let reply = try await client.raw(.get, "/ui/alerts", headers: [.authorization: "Bearer \(token)"])
            #expect(reply.status == .ok)
        }
    }
}
