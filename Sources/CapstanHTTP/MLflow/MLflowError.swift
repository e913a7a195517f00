import CapstanJSON
import CapstanRegistry
import CapstanStorage
import CapstanTracking
import HTTPTypes

/// An error as the MLflow REST API reports it: `{"error_code", "message"}` with the HTTP
/// status MLflow uses for that code (`mlflow/exceptions.py`).
///
/// The `mlflow` client retries 5xx responses for minutes, so only server faults may map to
/// a 5xx; every user error maps to a 4xx here, in this one table.
public struct MLflowError: Error, Equatable {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public static func invalidParameter(_ message: String) -> MLflowError {
        MLflowError(code: "INVALID_PARAMETER_VALUE", message: message)
    }

    public static func notFound(_ message: String) -> MLflowError {
        MLflowError(code: "RESOURCE_DOES_NOT_EXIST", message: message)
    }

    public static let internalError = MLflowError(
        code: "INTERNAL_ERROR", message: "The server failed to handle the request; see its log for details."
    )

    /// The HTTP status for `code`, as MLflow maps it.
    public var status: HTTPResponse.Status {
        switch code {
        case "INVALID_PARAMETER_VALUE", "BAD_REQUEST", "MALFORMED_REQUEST", "RESOURCE_ALREADY_EXISTS", "INVALID_STATE": .badRequest
        case "UNAUTHENTICATED", "CUSTOMER_UNAUTHORIZED": .unauthorized
        case "PERMISSION_DENIED": .forbidden
        case "RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "ENDPOINT_NOT_FOUND": .notFound
        case "ALREADY_EXISTS", "RESOURCE_CONFLICT", "ABORTED": .conflict
        case "REQUEST_LIMIT_EXCEEDED", "RESOURCE_EXHAUSTED": .tooManyRequests
        case "NOT_IMPLEMENTED": .notImplemented
        case "TEMPORARILY_UNAVAILABLE": .serviceUnavailable
        default: .internalServerError
        }
    }

    /// Maps every module's error to the protocol's, once. Unknown errors are server faults.
    ///
    /// MLflow maps INVALID_STATE to 500, which would make the client retry a request that
    /// can never succeed (renaming a deleted experiment); it is a 400 here.
    public init(_ error: any Error) {
        switch error {
        case let error as MLflowError: self = error
        case let error as StoreError:
            switch error {
            case .notFound(let message): self = .notFound(message)
            case .alreadyExists(let message): self.init(code: "RESOURCE_ALREADY_EXISTS", message: message)
            case .invalidParameter(let message): self = .invalidParameter(message)
            case .invalidState(let message): self.init(code: "INVALID_STATE", message: message)
            case .invalidConfiguration, .database: self = .internalError
            }
        case let error as TrackingError:
            switch error {
            case .invalidParameter(let message): self = .invalidParameter(message)
            }
        case let error as RegistryError:
            switch error {
            case .invalidParameter(let message): self = .invalidParameter(message)
            }
        default:
            self = .internalError
        }
    }

    var json: JSONValue {
        .object([("error_code", .string(code)), ("message", .string(message))])
    }
}
