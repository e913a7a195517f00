import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal client for the CLI's commands against a running server: the MLflow REST API
/// and Capstan's own `/api/capstan/v1`.
struct ServerClient {
    let baseURL: URL
    /// Sent as `Authorization: Bearer …` when set.
    var token: String?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(server: String, token: String? = nil) throws {
        self.token = token
        guard let url = URL(string: server.hasSuffix("/") ? String(server.dropLast()) : server),
              url.scheme == "http" || url.scheme == "https" else {
            throw Failure(description: "--server must be an http(s) URL, got '\(server)'.")
        }
        self.baseURL = url
    }

    /// POSTs `body` to `/api/2.0/mlflow/<path>` and returns the decoded JSON object.
    func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: baseURL.appendingPathComponent("api/2.0/mlflow/" + path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        return try await send(request)
    }

    /// GETs `/api/2.0/mlflow/<path>` with query parameters.
    func get(_ path: String, _ query: [(String, String)]) async throws -> [String: Any] {
        var components = URLComponents(url: baseURL.appendingPathComponent("api/2.0/mlflow/" + path), resolvingAgainstBaseURL: false)!
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        return try await send(URLRequest(url: components.url!))
    }

    /// Calls `/api/capstan/v1/<path>` (which may end in an already-encoded `?query`) with an
    /// optional JSON body; returns the JSON object.
    func capstan(_ method: String, _ path: String, body: Data? = nil) async throws -> [String: Any] {
        let parts = path.split(separator: "?", maxSplits: 1)
        var url = baseURL.appendingPathComponent("api/capstan/v1/" + String(parts[0]))
        if parts.count == 2, let withQuery = URL(string: url.absoluteString + "?" + parts[1]) { url = withQuery }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        return try await send(request)
    }

    private func send(_ request: URLRequest) async throws -> [String: Any] {
        var request = request
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(description: "Cannot reach the Capstan server at \(baseURL): \(error.localizedDescription). Is `capstan server` running?")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            // MLflow's `{"error_code", "message"}` or Capstan's `{"error": {"code", "message"}}`.
            let nested = object["error"] as? [String: Any]
            let code = object["error_code"] as? String ?? nested?["code"] as? String ?? "HTTP \(http.statusCode)"
            let message = object["message"] as? String ?? nested?["message"] as? String ?? String(decoding: data, as: UTF8.self)
            throw Failure(description: "\(code): \(message)")
        }
        return object
    }

    /// Follows `next_page_token` until the last page, collecting `key` from each.
    func paged(_ key: String, maxItems: Int, fetch: (String?) async throws -> [String: Any]) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var token: String?
        repeat {
            let page = try await fetch(token)
            items.append(contentsOf: page[key] as? [[String: Any]] ?? [])
            token = page["next_page_token"] as? String
        } while token?.isEmpty == false && items.count < maxItems
        return Array(items.prefix(maxItems))
    }
}
