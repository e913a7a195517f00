/// MLflow's server-side limits (`mlflow/utils/validation.py`), enforced identically here.
public enum TrackingLimits {
    public static let maxKeyLength = 250
    public static let maxExperimentNameLength = 500
    public static let maxExperimentTagValueLength = 5000
    /// Longer param values are truncated, as MLflow does while `MLFLOW_TRUNCATE_LONG_VALUES` is on (its default).
    public static let maxParamValueLength = 6000
    /// Longer run tag values are truncated likewise.
    public static let maxRunTagValueLength = 8000
    public static let maxBatchMetrics = 1000
    public static let maxBatchParams = 100
    public static let maxBatchTags = 100
    public static let maxBatchEntities = 1000
    /// `search_runs` refuses pages larger than this.
    public static let maxSearchRunsResults = 50000
    public static let maxSearchExperimentsResults = 50000
}
