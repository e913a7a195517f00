import CapstanServing
import CapstanStorage

/// What a deployment serves right now, reduced to what pages show: each variant's model and
/// share of traffic, each shadow's model and share of requests mirrored to it.
struct ServingSummary {
    struct Variant {
        var name: String
        var model: String
        var version: Int64
        /// Share of requests (weights normalised to sum to 1).
        var share: Double
    }

    struct Shadow {
        var name: String
        var model: String
        var version: Int64
        /// Percent of requests mirrored.
        var percent: Double
    }

    /// `serving`, `not_loaded` (a revision is active but its models are not in memory) or
    /// `no_revision`, as the deployments API says.
    var status: String
    var revision: Int64?
    var variants: [Variant]
    var shadows: [Shadow]

    init(_ deployment: DeploymentRecord, live: LiveRevision?) {
        status = deployment.activeRevision == nil ? "no_revision" : live == nil ? "not_loaded" : "serving"
        revision = live?.revision ?? deployment.activeRevision
        let total = live?.variants.reduce(0) { $0 + $1.weight } ?? 0
        variants = live?.variants.map {
            Variant(name: $0.name, model: $0.model.name, version: $0.model.version, share: total > 0 ? $0.weight / total : 0)
        } ?? []
        shadows = live?.shadows.map { Shadow(name: $0.name, model: $0.model.name, version: $0.model.version, percent: $0.percent) } ?? []
    }

    var badge: HTMLText {
        switch status {
        case "serving": DashboardPage.badge(.ok, text: "serving")
        case "not_loaded": DashboardPage.badge(.warning, text: "not loaded")
        default: DashboardPage.badge(.pending, text: "no revision")
        }
    }

    /// `default 90% (churn v3), canary 10% (churn v4)`.
    var variantsText: String {
        variants.map { "\($0.name) \(DashboardFormat.percent($0.share)) (\($0.model) v\($0.version))" }.joined(separator: ", ")
    }

    /// `twin 100% mirrored (churn v5)`, or `none`.
    var shadowsText: String {
        shadows.isEmpty ? "none"
            : shadows.map { "\($0.name) \(DashboardFormat.number($0.percent))% mirrored (\($0.model) v\($0.version))" }.joined(separator: ", ")
    }
}
