import Testing
@testable import CapstanServing

/// Routing decisions: shares follow the weights, sticky keys keep their variant, and the
/// hash that places keys is the same in every process.
@Suite struct TrafficSplitTests {
    @Test func randomDecisionsFollowTheWeightsWithinOnePercent() {
        let split = TrafficSplit(weights: [70, 20, 10])
        var random = SystemRandomNumberGenerator()
        var counts = [0, 0, 0]
        let decisions = 100_000
        for _ in 0..<decisions { counts[split.choose(key: nil, using: &random)] += 1 }
        for (count, share) in zip(counts, [0.7, 0.2, 0.1]) {
            #expect(abs(Double(count) / Double(decisions) - share) < 0.01, "\(counts)")
        }
    }

    @Test func stickyKeysSpreadByTheWeightsToo() {
        let split = TrafficSplit(weights: [90, 10])
        var random = SystemRandomNumberGenerator()
        var canary = 0
        let decisions = 100_000
        for user in 0..<decisions where split.choose(key: "user-\(user)", using: &random) == 1 { canary += 1 }
        #expect(abs(Double(canary) / Double(decisions) - 0.1) < 0.01, "\(canary)")
    }

    @Test func aStickyKeyAlwaysGetsTheSameVariant() {
        let split = TrafficSplit(weights: [50, 50])
        var random = SystemRandomNumberGenerator()
        for user in 0..<1_000 {
            let first = split.choose(key: "customer-\(user)", using: &random)
            for _ in 0..<5 { #expect(split.choose(key: "customer-\(user)", using: &random) == first) }
        }
    }

    @Test func theHashIsFixedAcrossProcessesAndReleases() {
        // Replicas and restarts must agree: these values are part of the routing contract
        // (computed independently with FNV-1a 64 and SplitMix64's finaliser in Python).
        #expect(StableHash.hash("") == 0xf52a_15e9_a9b5_e89b)
        #expect(StableHash.hash("customer-42") == 0xe02a_9217_8bcc_fd76)
        #expect(StableHash.unitInterval("customer-43") == 0.8060213062784396)
    }

    @Test func growingTheCanaryOnlyMovesKeysToTheCanary() {
        var random = SystemRandomNumberGenerator()
        let steps = [5.0, 25, 50, 100].map { TrafficSplit(weights: [100 - $0, $0]) }
        for user in 0..<10_000 {
            let variants = steps.map { $0.choose(key: "u\(user)", using: &random) }
            // Once on the canary (1), a key stays there at every later step.
            if let first = variants.firstIndex(of: 1) { #expect(variants[first...].allSatisfy { $0 == 1 }) }
        }
    }

    @Test func zeroWeightVariantsAreNeverChosen() {
        let split = TrafficSplit(weights: [0, 1, 0])
        for point in stride(from: 0.0, to: 1.0, by: 0.001) { #expect(split.variant(at: point) == 1) }
        #expect(split.variant(at: 0.9999999999999999) == 1)
    }
}
