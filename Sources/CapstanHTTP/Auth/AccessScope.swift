/// What a token may do. Scopes nest: admin ⊇ write ⊇ read; `predict:NAME` may only call
/// deployment NAME (predict, its metadata, send feedback).
public enum AccessScope: Sendable, Equatable, CustomStringConvertible {
    case read, write, admin
    case predict(deployment: String)

    public init(parsing text: String) throws {
        switch text {
        case "read": self = .read
        case "write": self = .write
        case "admin": self = .admin
        default:
            guard text.hasPrefix("predict:"), text.count > "predict:".count else {
                throw AuthError("Unknown scope '\(text)': use read, write, admin or predict:DEPLOYMENT.")
            }
            self = .predict(deployment: String(text.dropFirst("predict:".count)))
        }
    }

    public var description: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .admin: "admin"
        case .predict(let deployment): "predict:\(deployment)"
        }
    }

    /// Whether this scope covers what a request needs.
    func allows(_ need: AccessNeed) -> Bool {
        switch (self, need) {
        case (.admin, _), (.write, .read), (.write, .write), (.write, .predict), (.read, .read): true
        case (.predict(let mine), .predict(let theirs)): mine == theirs
        default: false
        }
    }
}

/// What a request needs, judged from its method and path alone.
enum AccessNeed: Equatable {
    /// Liveness and readiness probes, which load balancers call without credentials.
    case none
    case read
    case write
    case predict(deployment: String)

    static let probes: Set<String> = ["/health", "/healthz", "/readyz", "/v2/health/live", "/v2/health/ready"]

    init(method: String, path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if Self.probes.contains(path) {
            self = .none
        } else if segments.count >= 3, segments[0] == "v2", segments[1] == "models" {
            // /v2/models/NAME[/versions/V][/ready|/infer]
            self = .predict(deployment: segments[2])
        } else if segments.count == 3, segments[0] == "deployments", segments[2] == "invocations" {
            self = .predict(deployment: segments[1])
        } else if segments.count == 6, Array(segments[0..<4]) == ["api", "capstan", "v1", "deployments"], segments[5] == "feedback",
                  method == "POST" {
            self = .predict(deployment: segments[4])
        } else if method == "GET" || method == "HEAD" || (method == "POST" && path.hasSuffix("/search")) {
            // MLflow searches are POSTs that change nothing.
            self = .read
        } else {
            self = .write
        }
    }
}

public struct AuthError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
