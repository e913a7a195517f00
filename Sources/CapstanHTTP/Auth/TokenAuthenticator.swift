import CapstanStorage
import Crypto
import Foundation
import Synchronization

/// Issues API tokens and recognises them.
///
/// A token is `cap_` and 32 random bytes in base64url. Only its SHA-256 is stored (a
/// token has 256 bits of entropy, so a fast hash is safe; there is nothing to salt against).
/// Lookups are cached for `cacheSeconds`, so a revoked token stops working within that time
/// on every replica.
public final class TokenAuthenticator: Sendable {
    public let store: TokenStore
    let cacheSeconds: Double
    /// Known tokens, and (apart, so a flood of made-up tokens cannot push them out) recent misses.
    private let cache = Mutex<(known: [String: (scope: AccessScope, until: Double)], unknown: [String: Double])>(([:], [:]))

    public init(store: TokenStore, cacheSeconds: Double = 30) {
        self.store = store
        self.cacheSeconds = cacheSeconds
    }

    /// Makes a token, stores its hash, and returns the token (shown once) with its record.
    public func create(scope: AccessScope, name: String) async throws -> (token: String, record: APIToken) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let token = "cap_" + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let id = String(Self.hash(token).prefix(12))
        let record = try await store.create(id: id, name: name, scope: scope.description, tokenHash: Self.hash(token))
        return (token, record)
    }

    /// The scope of a presented token, or nil when it is unknown or revoked.
    public func scope(of token: String) async throws -> AccessScope? {
        let hash = Self.hash(token)
        let now = Date().timeIntervalSince1970
        let cached = cache.withLock { cache -> AccessScope?? in
            if let known = cache.known[hash], known.until > now { return .some(known.scope) }
            if let until = cache.unknown[hash], until > now { return .some(nil) }
            return nil
        }
        if let cached { return cached }
        let scope = try await store.token(hash: hash).flatMap { try? AccessScope(parsing: $0.scope) }
        cache.withLock { cache in
            if let scope {
                if cache.known.count > 10_000 { cache.known.removeAll() }
                cache.known[hash] = (scope, now + cacheSeconds)
            } else {
                if cache.unknown.count > 10_000 { cache.unknown.removeAll() }
                cache.unknown[hash] = now + cacheSeconds
            }
        }
        return scope
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
