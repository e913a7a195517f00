import CapstanInference
import CapstanServing
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// What every prediction route shares: the body size limit, request ids, and the headers
/// that tell a caller who answered.
public struct GatewaySettings: Sendable {
    /// Bodies above this get 413.
    public var maxRequestBytes: Int
    let requestIds = RequestIds()

    public init(maxRequestBytes: Int = 32 << 20) {
        self.maxRequestBytes = maxRequestBytes
    }

    static let requestIdHeader = HTTPField.Name("X-Request-Id")!
    static let variantHeader = HTTPField.Name("X-Capstan-Variant")!
    static let revisionHeader = HTTPField.Name("X-Capstan-Revision")!

    /// A new id for a prediction: the key of its log entry, returned in `X-Request-Id`, and
    /// what feedback names. Always the server's own, so no caller can make two predictions
    /// share one (a protocol-level id a client sends is echoed back, but not used as the key).
    func newRequestId() -> String {
        requestIds.next()
    }

    /// Appended, not set: a fresh response has none of these, and setting a field first
    /// searches the response's fields for one of that name.
    func tag(_ response: inout Response, _ result: PredictionResult) {
        response.headers.append(HTTPField(name: Self.requestIdHeader, value: result.requestId))
        response.headers.append(HTTPField(name: Self.variantHeader, value: result.variant.name))
        response.headers.append(HTTPField(name: Self.revisionHeader, value: String(result.revision.revision)))
    }

    /// A column's first value as text, for a sticky key taken from the request's data.
    static func firstValue(_ column: FeatureFrame.Column) -> String? {
        switch column {
        case .float32(let v): v.first.map { String($0) }
        case .float64(let v): v.first.map { String($0) }
        case .int64(let v): v.first.map { String($0) }
        case .string(let v): v.first
        }
    }
}

/// Request ids that are unique without coordination and cheap to make: a random 64-bit
/// prefix chosen at start (so replicas and restarts differ) and a counter.
final class RequestIds: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    init() {
        let random = UInt64.random(in: .min ... .max)
        prefix = String(repeating: "0", count: 16 - String(random, radix: 16).count) + String(random, radix: 16)
    }

    /// `PREFIX-COUNTER` in lowercase hex, written into one buffer: formatting the number
    /// and joining three strings took 0.4% of a prediction request's CPU in a profile.
    func next() -> String {
        let value = counter.add(1, ordering: .relaxed).newValue
        let digits = max(1, (64 - value.leadingZeroBitCount + 3) / 4)
        var prefix = prefix
        return prefix.withUTF8 { prefixBytes in
            String(unsafeUninitializedCapacity: prefixBytes.count + 1 + digits) { buffer in
                _ = buffer.initialize(from: prefixBytes)
                buffer[prefixBytes.count] = UInt8(ascii: "-")
                var rest = value
                for i in stride(from: prefixBytes.count + digits, to: prefixBytes.count, by: -1) {
                    buffer[i] = Self.hexDigits[Int(rest & 0xF)]
                    rest >>= 4
                }
                return prefixBytes.count + 1 + digits
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
