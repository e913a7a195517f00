/// The time span a dashboard page charts (`?hours=`, last 24 hours by default) and the
/// bucket size its traffic is counted in: a round size that gives at most ~120 buckets,
/// so a chart has enough points to show a shape and few enough to read.
struct DashboardWindow: Equatable {
    static let defaultHours = 24
    /// Thirty days: the prediction log is kept about that long.
    static let maxHours = 24 * 30
    /// Spans offered as links on a page.
    static let choices: [(hours: Int, label: String)] = [(1, "1 h"), (6, "6 h"), (24, "24 h"), (168, "7 d"), (720, "30 d")]
    static let bucketSizes: [Int64] = [1, 2, 5, 10, 15, 30].map { $0 * AxisTicks.minute }
        + [1, 2, 3, 6, 12].map { $0 * AxisTicks.hour } + [AxisTicks.day]

    let hours: Int
    let now: Int64

    var since: Int64 { now - Int64(hours) * AxisTicks.hour }

    /// The smallest round bucket that splits the span into at most 120.
    var bucketMilliseconds: Int64 {
        let span = Int64(hours) * AxisTicks.hour
        return Self.bucketSizes.first { span / $0 <= 120 } ?? AxisTicks.day
    }

    /// From the first bucket's start to now, so side-by-side charts share their x axis.
    var timeRange: ClosedRange<Int64> {
        (since / bucketMilliseconds) * bucketMilliseconds...now
    }

    /// `15 min`, `1 h`.
    var bucketLabel: String { DashboardFormat.duration(seconds: Double(bucketMilliseconds) / 1000) }

    /// `last 24 h`, `last 7 d`.
    var label: String { hours >= 48 && hours % 24 == 0 ? "last \(hours / 24) d" : "last \(hours) h" }

    /// Reads `?hours=`: a whole number of hours from 1 to 720.
    init(hours text: Substring?, now: Int64) throws(DashboardError) {
        guard let text else {
            self.init(hours: Self.defaultHours, now: now)
            return
        }
        guard let hours = Int(text), (1...Self.maxHours).contains(hours) else {
            throw .badRequest("hours must be a whole number of hours from 1 to \(Self.maxHours), got '\(text)'")
        }
        self.init(hours: hours, now: now)
    }

    init(hours: Int, now: Int64) {
        self.hours = hours
        self.now = now
    }

    /// Links to the same page over the other spans, the current one marked.
    func links(path: String, what: String? = nil) -> HTMLText {
        let items = Self.choices.map { choice -> HTMLText in
            choice.hours == hours
                ? "<strong>\(choice.label)</strong>"
                : DashboardPage.link(choice.label, href: "\(path)?hours=\(choice.hours)")
        }
        let shown = what.map { "Showing \($0) of the \(label)." } ?? "Showing the \(label), in buckets of \(bucketLabel)."
        return "<p class=\"note\">\(shown) Span: \(HTMLText.joined(items, separator: " · "))</p>"
    }
}
