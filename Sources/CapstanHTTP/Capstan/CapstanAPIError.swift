import CapstanJSON
import CapstanMonitors
import CapstanServing
import CapstanStorage
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The error body of `/api/capstan/v1` routes, `{"error": {"code", "message"}}`, and the one
/// place domain errors become statuses for them.
struct CapstanAPIError: Error {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    init(_ error: any Error) {
        switch error {
        case let error as CapstanAPIError:
            self = error
        case let error as ServingError:
            switch error {
            case .invalidSpec(let m): self.init(status: .badRequest, code: "INVALID_SPEC", message: m)
            case .invalidInput(let m): self.init(status: .badRequest, code: "INVALID_INPUT", message: m)
            case .notFound(let m): self.init(status: .notFound, code: "NOT_FOUND", message: m)
            case .modelLoadFailed(let m): self.init(status: .unprocessableContent, code: "MODEL_LOAD_FAILED", message: m)
            case .conflict(let m): self.init(status: .conflict, code: "CONFLICT", message: m)
            case .unavailable(let m): self.init(status: .serviceUnavailable, code: "UNAVAILABLE", message: m)
            case .predictionFailed(let m): self.init(status: .unprocessableContent, code: "PREDICTION_FAILED", message: m)
            }
        case let error as MonitorError:
            switch error {
            case .invalidSpec(let m): self.init(status: .badRequest, code: "INVALID_SPEC", message: m)
            case .invalidData(let m): self.init(status: .unprocessableContent, code: "INVALID_DATA", message: m)
            }
        case let error as SpecError:
            self.init(status: .badRequest, code: "INVALID_SPEC", message: error.message)
        case let error as StoreError:
            switch error {
            case .notFound(let m): self.init(status: .notFound, code: "NOT_FOUND", message: m)
            case .alreadyExists(let m): self.init(status: .conflict, code: "ALREADY_EXISTS", message: m)
            case .invalidParameter(let m): self.init(status: .badRequest, code: "INVALID_PARAMETER", message: m)
            case .invalidState(let m): self.init(status: .conflict, code: "INVALID_STATE", message: m)
            case .invalidConfiguration(let m), .database(let m):
                self.init(status: .internalServerError, code: "INTERNAL_ERROR", message: m)
            }
        case let error as JSONParser.SyntaxError:
            self.init(status: .badRequest, code: "MALFORMED_REQUEST", message: "The body is not valid JSON: \(error)")
        case let error as HTTPError where error.status == .contentTooLarge:
            self.init(status: .contentTooLarge, code: "REQUEST_TOO_LARGE", message: "The request body is too large.")
        case let error as NIOTooManyBytesError:
            // What collecting a body past its limit throws when the body arrived in one piece.
            let limit = error.maxBytes.map { " (the limit is \($0) bytes)" } ?? ""
            self.init(status: .contentTooLarge, code: "REQUEST_TOO_LARGE", message: "The request body is too large\(limit).")
        default:
            self.init(status: .internalServerError, code: "INTERNAL_ERROR", message: "\(error)")
        }
    }

    var json: JSONValue {
        .object([("error", .object([("code", .string(code)), ("message", .string(message))]))])
    }

    /// Runs a handler and renders its JSON, or this error shape for what it threw.
    static func respond(_ request: Request, logger: Logger, _ body: () async throws -> JSONValue) async -> Response {
        do {
            return jsonResponse(try await body())
        } catch {
            let apiError = CapstanAPIError(error)
            if apiError.status.code >= 500 {
                logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))")
            }
            return jsonResponse(apiError.json, status: apiError.status)
        }
    }
}
