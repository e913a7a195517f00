import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts alert notifications to webhook receivers, retrying network errors and 5xx answers
/// as Alertmanager does (a 4xx is the receiver refusing the payload: retrying cannot help).
public struct WebhookSender: Sendable {
    public var timeout: TimeInterval
    public var attempts: Int

    public init(timeout: TimeInterval = 10, attempts: Int = 3) {
        self.timeout = timeout
        self.attempts = attempts
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Sends `body` (JSON) to `url`; returns the receiver's status once it accepts it.
    public func post(_ body: [UInt8], to url: URL) async throws(Failure) -> Int {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Capstan-Alerting", forHTTPHeaderField: "User-Agent")
        request.httpBody = Data(body)
        var lastProblem = ""
        for attempt in 1...max(1, attempts) {
            do {
                let (_, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return status }
                lastProblem = "the receiver answered \(status)"
                if (400..<500).contains(status) { break }
            } catch {
                lastProblem = error.localizedDescription
            }
            if attempt < attempts { try? await Task.sleep(for: .milliseconds(200 * (1 << (attempt - 1)))) }
        }
        // Only scheme and host: a receiver's URL often carries a secret in its path or query.
        throw Failure(description: "POST to \(url.scheme ?? "http")://\(url.host ?? "?")/… failed: \(lastProblem)")
    }
}
