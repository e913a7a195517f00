/// Where a monitor's reference CSV is read from: a path on the server's disk, or a file in
/// the server's own artifact store. Other places a dataset may name (S3, HTTP, a table) are
/// refused when the monitor is saved rather than fetched from: the server would need their
/// credentials, and every replica would have to reach them.
enum ReferenceLocation: Sendable, Equatable, CustomStringConvertible {
    /// An absolute path the server reads directly.
    case file(path: String)
    /// `runs:/RUN_ID/PATH` or `mlflow-artifacts:/PATH`.
    case artifact(uri: String)

    var description: String {
        switch self {
        case .file(let path): path
        case .artifact(let uri): uri
        }
    }

    /// Whether the file is named as CSV (`.csv`, any case). A dataset's source says nothing
    /// else about its format, and reading a Parquet file or a Delta table's directory as
    /// CSV would fail with a message about quotes and columns instead of about the format.
    var isCSV: Bool {
        let name = description.split(separator: "/").last ?? ""
        return name.lowercased().hasSuffix(".csv") && name.count > 4
    }
}
