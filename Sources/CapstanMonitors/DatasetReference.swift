import CapstanJSON
import CapstanStorage
import Foundation

/// `reference: {dataset: training}` once the served model version's run is known: which of
/// the run's dataset inputs it means, and where that dataset's CSV is.
///
/// MLflow records a dataset's origin as a source type and a JSON source:
/// `mlflow.data.from_pandas(df, source="/data/train.csv")` logs type `local` with
/// `{"uri": "/data/train.csv"}` (or a `file://` URI); S3, HTTP, Delta or code sources log
/// their own types. A monitor reads local CSV files and CSV files in this server's artifact
/// store (`runs:/…` or `mlflow-artifacts:/…` URIs, whatever type a client gave them); every
/// other source is refused with its type named, so the user knows to log a CSV copy.
enum DatasetReference {
    /// What to do instead, in every message about a source that cannot be read.
    static let supported = """
        a monitor reads a CSV file at an absolute path the server can read (source type local, as \
        mlflow.data.from_pandas(df, source="/data/train.csv") records it) or in this server's artifact store \
        (a source URI runs:/RUN_ID/PATH or mlflow-artifacts:/PATH); or log a CSV copy as an artifact of the run and use \
        reference: {artifact: runs:/RUN_ID/PATH}
        """

    /// The dataset of `inputs` (one run's) logged with `context`, and named `name` when given.
    ///
    /// - Parameter owner: whose run it is, for messages (`model version churn/3 (run 4f1c…)`).
    /// - Throws: ``MonitorError/invalidData(_:)`` when no input or more than one fits,
    ///   listing what the run did log.
    static func pick(_ inputs: [DatasetInput], context: String, name: String?, owner: String) throws(MonitorError) -> Dataset {
        let inContext = inputs.filter { self.context(of: $0) == context }
        let candidates = name.map { name in inContext.filter { $0.dataset.name == name } } ?? inContext
        // The same dataset logged twice (same name and source) is one dataset.
        var distinct: [Dataset] = []
        for input in candidates where !distinct.contains(where: { $0.sourceType == input.dataset.sourceType && $0.source == input.dataset.source }) {
            distinct.append(input.dataset)
        }
        if distinct.count == 1 { return distinct[0] }
        let wanted = name.map { "dataset named '\($0)' with context '\(context)'" } ?? "dataset with context '\(context)'"
        if distinct.isEmpty {
            let logged = inputs.isEmpty
                ? "it logged no dataset; log one in the run that logs the model: mlflow.log_input(dataset, context=\"\(context)\")"
                : "it logged \(describe(inputs))"
            throw MonitorError.invalidData("reference.dataset: the run of \(owner) has no \(wanted); \(logged)")
        }
        let names = distinct.map { "'\($0.name)' (digest \($0.digest))" }.joined(separator: ", ")
        throw MonitorError.invalidData(
            "reference.dataset: the run of \(owner) logged \(distinct.count) datasets with context '\(context)': \(names); "
                + (name == nil ? "set reference.name to the one to compare with" : "they share the name, so log the one to compare with under a name of its own"))
    }

    /// Where `dataset`'s CSV file is.
    ///
    /// - Parameter what: the dataset as messages name it (`the training dataset 'train' of model version churn/3 (run 4f1c…)`).
    /// - Throws: ``MonitorError/invalidData(_:)`` naming the source type for a source that is
    ///   not a local or artifact-store file, a relative path, or a file not named `.csv`.
    static func location(of dataset: Dataset, what: String) throws(MonitorError) -> ReferenceLocation {
        let kind = "source type \(dataset.sourceType)"
        guard let source = try? JSONParser.parse(Array(dataset.source.utf8)), case .object(let members) = source,
              let address = members.last(where: { $0.0 == "uri" || $0.0 == "url" }).flatMap({ member -> String? in
                  if case .string(let text) = member.1 { return text }
                  return nil
              }) else {
            throw MonitorError.invalidData("reference.dataset: \(what) has \(kind), whose source names no file (no uri or url); \(supported)")
        }
        let location: ReferenceLocation
        if address.hasPrefix("runs:/") || address.hasPrefix("mlflow-artifacts:") {
            location = .artifact(uri: address)
        } else if dataset.sourceType == "local" {
            location = .file(path: try localPath(address, what: "\(what) (\(kind))"))
        } else {
            throw MonitorError.invalidData("reference.dataset: \(what) has \(kind) (\(address)); \(supported)")
        }
        guard location.isCSV else {
            throw MonitorError.invalidData("reference.dataset: \(what) (\(kind)) is \(location), which is not a CSV file (.csv); \(supported)")
        }
        return location
    }

    /// The path of a `local` source's URI: a path, or a `file:` URI on this host.
    static func localPath(_ uri: String, what: String) throws(MonitorError) -> String {
        if uri.hasPrefix("file:") {
            guard let url = URL(string: uri), url.isFileURL, [nil, "", "localhost"].contains(url.host), url.path.hasPrefix("/") else {
                throw MonitorError.invalidData("reference.dataset: \(what) is at \(uri), which is not a file URI on this host; \(supported)")
            }
            return url.path
        }
        guard uri.hasPrefix("/") else {
            throw MonitorError.invalidData("""
                reference.dataset: \(what) is at the relative path \(uri), relative to wherever the client ran; log it with an \
                absolute path, or log the CSV as an artifact of the run and use reference: {artifact: runs:/RUN_ID/PATH}
                """)
        }
        return uri
    }

    static func context(of input: DatasetInput) -> String? {
        input.tags.last { $0.key == RunTagKeys.datasetContext }?.value
    }

    /// `'train' (context training), 'raw' (no context)`, for messages.
    static func describe(_ inputs: [DatasetInput]) -> String {
        inputs.map { input in
            "'\(input.dataset.name)' (\(context(of: input).map { "context \($0)" } ?? "no context"))"
        }.joined(separator: ", ")
    }
}
