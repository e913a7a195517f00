import CapstanJSON
import CapstanMonitoring
import CapstanServing

/// What a monitor watches and how: a kind of check over a window of a deployment's
/// prediction log, on a schedule, against a reference.
///
/// ```yaml
/// name: churn-drift
/// deployment: churn
/// kind: drift                 # drift | data_quality | performance | operational
/// window: 1h                  # the last hour; or {predictions: 10000}: the latest 10,000
/// schedule: 5m                # how often it runs (default: 5m)
/// reference: {dataset: training}   # the served model's training data; or {csv: PATH},
///                                   # {artifact: runs:/RUN_ID/data/train.csv}, {window: 1d}
/// drift: {threshold: 0.1, drift_share: 0.5, categorical: [plan]}
/// ```
public struct MonitorSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case drift
        case dataQuality = "data_quality"
        case performance
        case operational
    }

    /// Which predictions an evaluation reads.
    public enum Window: Sendable, Equatable {
        /// Those of the last `seconds`.
        case last(seconds: Double)
        /// The newest `count`, however old.
        case predictions(count: Int)
    }

    /// What current data is compared with.
    public enum Reference: Sendable, Equatable {
        /// A CSV file the server can read (training or validation data).
        case csv(path: String)
        /// A CSV file in this server's artifact store, `runs:/RUN_ID/PATH` or
        /// `mlflow-artifacts:/PATH`: data logged with the run that trained the model, kept
        /// where the server (every replica) can read it.
        case artifact(uri: String)
        /// The dataset the served model version's run logged with this input context
        /// (`mlflow.log_input(dataset, context="training")`); `name` picks one when the run
        /// logged several. Found through the deployment's active revision at every
        /// evaluation, so a new model version brings its own training data.
        case dataset(context: String, name: String?)
        /// The log itself, `offsetSeconds` earlier: the window of the same length ending
        /// that long before the evaluated one (week-over-week, say).
        case earlierWindow(offsetSeconds: Double)
    }

    /// Columns of the reference matched to logged input columns: by name, or by position
    /// when the model takes one tensor whose features the log names `input_0 … input_n`.
    public enum ColumnMatch: String, Sendable {
        case names, position
    }

    public struct DriftOptions: Sendable, Equatable {
        public var columns: [String]?
        public var categorical: [String] = []
        public var numericalMethod: DriftMethod?
        public var categoricalMethod: DriftMethod?
        public var textMethod: DriftMethod?
        public var threshold: Double?
        public var driftShare = 0.5
    }

    public enum Task: String, Sendable {
        case classification, regression
    }

    /// A slice of traffic to score on its own: each value of a column, or ranges of a
    /// numeric column cut at `bins`.
    public struct Slice: Sendable, Equatable {
        public var column: String
        public var bins: [Double]?
    }

    public struct PerformanceOptions: Sendable, Equatable {
        public var task: Task = .classification
        /// For binary precision/recall/F1; without it they are macro-averaged.
        public var positiveLabel: String?
        public var slices: [Slice] = []
        /// Slices with fewer labelled predictions are left out.
        public var minSamples = 30
    }

    public var name: String
    public var deployment: String
    /// One variant's (or shadow's) traffic; nil for the deployment's primary traffic.
    public var variant: String?
    public var kind: Kind
    public var window: Window
    public var scheduleSeconds: Double
    public var reference: Reference?
    public var match: ColumnMatch = .names
    /// Windows with fewer predictions are skipped rather than judged on too little.
    public var minRows: Int
    public var drift = DriftOptions()
    /// The expectations of a data-quality monitor, in `capstan profile`'s format.
    public var expectations: JSONValue?
    public var performance = PerformanceOptions()

    /// The spec as given, kept for display and storage.
    public var json: JSONValue

    public static let defaultScheduleSeconds = 300.0
}

extension MonitorSpec {
    /// Reads a spec from JSON (the CLI turns YAML into JSON), refusing unknown keys; errors
    /// name the field.
    public init(parsing value: JSONValue) throws(SpecError) {
        let root = try SpecObject(value, path: "monitor", root: true)
        try root.rejectUnknown(["name", "deployment", "variant", "kind", "window", "schedule", "reference", "match", "min_rows",
                                "drift", "expectations", "performance"])
        json = value
        name = try root.string("name")
        guard DeploymentSpec.isValidName(name) else {
            throw SpecError("name must be 1–63 letters, digits, '-', '_' or '.', starting with a letter or digit; got '\(name)'")
        }
        deployment = try root.string("deployment")
        variant = try root.optionalString("variant")
        let kindName = try root.string("kind")
        guard let kind = Kind(rawValue: kindName) else {
            throw SpecError("kind '\(kindName)' is unknown; use one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.kind = kind
        window = try Self.window(root)
        scheduleSeconds = try root.optionalSeconds("schedule") ?? Self.defaultScheduleSeconds
        guard scheduleSeconds >= 1 else { throw SpecError("schedule must be at least 1s") }
        if let text = try root.optionalString("match") {
            guard let match = ColumnMatch(rawValue: text) else { throw SpecError("match must be names or position, got '\(text)'") }
            self.match = match
        }
        let minRows = try root.optionalNumber("min_rows") ?? (kind == .operational ? 1 : 30)
        guard minRows == minRows.rounded(), minRows >= 1, minRows <= 1e9 else { throw SpecError("min_rows must be a whole number ≥ 1") }
        self.minRows = Int(minRows)
        reference = root.has("reference") ? try Self.reference(root.object("reference")) : nil
        switch kind {
        case .drift, .dataQuality:
            guard reference != nil || kind == .dataQuality else {
                throw SpecError("""
                    a drift monitor needs a reference: {dataset: training} (the served model's training data), {csv: PATH}, \
                    {artifact: runs:/RUN_ID/PATH} or {window: 1d} (the log, a day earlier)
                    """)
            }
        case .performance, .operational:
            guard reference == nil else { throw SpecError("reference is for drift and data_quality monitors; a \(kind.rawValue) monitor has none") }
        }
        if root.has("drift") {
            guard kind == .drift else { throw SpecError("drift settings are for kind: drift") }
            drift = try Self.driftOptions(root.object("drift"))
        }
        if root.has("expectations") {
            guard kind == .dataQuality else { throw SpecError("expectations are for kind: data_quality") }
            expectations = try root.value("expectations")
        } else if kind == .dataQuality {
            throw SpecError("a data_quality monitor needs expectations (write them with `capstan profile DATA.csv`)")
        }
        if root.has("performance") {
            guard kind == .performance else { throw SpecError("performance settings are for kind: performance") }
            performance = try Self.performanceOptions(root.object("performance"))
        }
    }

    static func window(_ root: SpecObject) throws(SpecError) -> Window {
        guard root.has("window") else { return .last(seconds: 3600) }
        let value = try root.value("window")
        if case .object = value {
            let object = try root.object("window")
            try object.rejectUnknown(["last", "predictions"])
            switch (object.has("last"), object.has("predictions")) {
            case (true, false): return .last(seconds: try object.seconds("last", atMost: 366 * 86_400))
            case (false, true):
                let count = try object.number("predictions")
                guard count == count.rounded(), count >= 1, count <= 100_000_000 else {
                    throw SpecError("window.predictions must be a whole number from 1 to 100000000")
                }
                return .predictions(count: Int(count))
            default: throw SpecError("window takes one of last (a duration such as 1h) or predictions (a count)")
            }
        }
        return .last(seconds: try root.seconds("window", atMost: 366 * 86_400))
    }

    static func reference(_ object: SpecObject) throws(SpecError) -> Reference {
        try object.rejectUnknown(["csv", "artifact", "dataset", "name", "window"])
        let forms = ["csv", "artifact", "dataset", "window"].filter(object.has)
        guard forms.count == 1 else {
            throw SpecError("""
                reference takes one of csv (a CSV file the server can read), artifact (runs:/RUN_ID/PATH or \
                mlflow-artifacts:/PATH), dataset (an input context of the served model's run, such as training) or window \
                (how much earlier, such as 1d)
                """)
        }
        if object.has("name"), forms[0] != "dataset" {
            throw SpecError("\(object.field("name")) chooses among the datasets of reference.dataset; \(object.field(forms[0])) has none")
        }
        switch forms[0] {
        case "csv": return .csv(path: try object.string("csv"))
        case "artifact": return .artifact(uri: try artifactURI(object))
        case "dataset": return .dataset(context: try object.string("dataset"), name: try object.optionalString("name"))
        default: return .earlierWindow(offsetSeconds: try object.seconds("window", atMost: 366 * 86_400))
        }
    }

    /// `runs:/RUN_ID/PATH` or `mlflow-artifacts:/PATH`, checked for shape only: whether the
    /// file is there is for the service to find out.
    static func artifactURI(_ object: SpecObject) throws(SpecError) -> String {
        let uri = try object.string("artifact")
        let expected = """
            \(object.field("artifact")) must be runs:/RUN_ID/PATH or mlflow-artifacts:/PATH (a file in this server's artifact \
            store), got '\(uri)'; for a file on the server's disk use reference: {csv: PATH}
            """
        if uri.hasPrefix("runs:/") {
            let parts = uri.dropFirst("runs:/".count).split(separator: "/", maxSplits: 1)
            guard parts.count == 2, !parts[1].isEmpty else { throw SpecError(expected) }
        } else {
            guard uri.hasPrefix("mlflow-artifacts:"), uri.count > "mlflow-artifacts:/".count else { throw SpecError(expected) }
        }
        return uri
    }

    static func driftOptions(_ object: SpecObject) throws(SpecError) -> DriftOptions {
        try object.rejectUnknown(["columns", "categorical", "num_method", "cat_method", "text_method", "threshold", "drift_share"])
        var options = DriftOptions()
        if object.has("columns") { options.columns = try strings(object, "columns") }
        if object.has("categorical") { options.categorical = try strings(object, "categorical") }
        for (key, path, text) in [("num_method", \DriftOptions.numericalMethod, false), ("cat_method", \DriftOptions.categoricalMethod, false),
                                  ("text_method", \DriftOptions.textMethod, true)] {
            guard let name = try object.optionalString(key) else { continue }
            guard let method = DriftMethod(rawValue: name), method.isTextContent == text else {
                let names = DriftMethod.allCases.filter { $0.isTextContent == text }.map(\.rawValue).joined(separator: ", ")
                throw SpecError("\(object.field(key)) '\(name)' is not a method for \(text ? "free text" : "that kind of column"); use one of \(names)")
            }
            options[keyPath: path] = method
        }
        options.threshold = try object.optionalNumber("threshold")
        if let threshold = options.threshold, !(threshold > 0) { throw SpecError("\(object.field("threshold")) must be above 0") }
        options.driftShare = try object.optionalNumber("drift_share") ?? 0.5
        guard options.driftShare > 0, options.driftShare <= 1 else { throw SpecError("\(object.field("drift_share")) must be in (0, 1]") }
        return options
    }

    static func performanceOptions(_ object: SpecObject) throws(SpecError) -> PerformanceOptions {
        try object.rejectUnknown(["task", "positive_label", "slices", "min_samples"])
        var options = PerformanceOptions()
        if let task = try object.optionalString("task") {
            guard let parsed = Task(rawValue: task) else { throw SpecError("\(object.field("task")) must be classification or regression") }
            options.task = parsed
        }
        options.positiveLabel = try object.optionalString("positive_label")
        if object.has("slices") {
            for (index, item) in try object.array("slices").enumerated() {
                let slice = try SpecObject(item, path: object.field("slices") + "[\(index)]")
                try slice.rejectUnknown(["column", "bins"])
                var bins: [Double]?
                if slice.has("bins") {
                    bins = try slice.array("bins").map { value throws(SpecError) in
                        guard let number = SpecObject.number(value) else { throw SpecError("\(slice.field("bins")) must be numbers") }
                        return number
                    }
                    guard let edges = bins, !edges.isEmpty, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
                        throw SpecError("\(slice.field("bins")) must be increasing numbers, such as [18, 30, 65]")
                    }
                }
                options.slices.append(Slice(column: try slice.string("column"), bins: bins))
            }
        }
        let minSamples = try object.optionalNumber("min_samples") ?? 30
        guard minSamples == minSamples.rounded(), minSamples >= 1 else { throw SpecError("\(object.field("min_samples")) must be a whole number ≥ 1") }
        options.minSamples = Int(minSamples)
        return options
    }

    static func strings(_ object: SpecObject, _ key: String) throws(SpecError) -> [String] {
        try object.array(key).map { value throws(SpecError) in
            guard case .string(let text) = value, !text.isEmpty else { throw SpecError("\(object.field(key)) must be a list of column names") }
            return text
        }
    }
}
