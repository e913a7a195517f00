/// Maps `mlflow-artifacts:` URIs, which the server hands out, onto paths in its artifact store.
public enum ArtifactURI {
    /// The store path of `uri` (`mlflow-artifacts:/1/abc/artifacts` → `1/abc/artifacts`), or
    /// nil when the URI points somewhere the server does not serve.
    public static func path(of uri: String) throws -> ArtifactPath? {
        for prefix in ["mlflow-artifacts:", "mlflow-artifacts://"] where uri.hasPrefix(prefix) {
            var rest = Substring(uri.dropFirst(prefix.count))
            if prefix == "mlflow-artifacts://" {
                // `mlflow-artifacts://host:port/path` names a server; keep only the path.
                rest = rest.drop { $0 != "/" }
            }
            return try ArtifactPath(validating: String(rest.drop { $0 == "/" }))
        }
        return nil
    }
}
