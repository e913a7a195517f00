import CapstanStats
import Testing
@testable import CapstanInference

/// The two tree walks (the fixed-depth one over ``PairedTrees`` and the general one)
/// against a plain recursive evaluation of the split rules, on random forests full of
/// the awkward cases: `<` and `<=` at ±∞ and NaN thresholds, missing values either way,
/// zero-as-missing, values exactly on a threshold, category sets of one and two words,
/// shared subtrees.
@Suite struct TreeEnsembleWalkTests {
    typealias Node = TreeEnsembleBuilder.Node

    /// The split rule as the formats define it, written out independently of the engine.
    func goesTrue(_ value: Double, _ test: TreeEnsemble.Test, _ threshold: Double, _ flags: TreeEnsemble.Flags) -> Bool {
        var x = value
        if x.isNaN {
            if !flags.contains(.missingIsZero) { return flags.contains(.missingGoesTrue) }
            x = 0
        }
        if flags.contains(.zeroIsMissing) && abs(x) <= 1e-35 { return flags.contains(.missingGoesTrue) }
        switch test {
        case .lessOrEqual: return x <= threshold
        case .less: return x < threshold
        case .greaterOrEqual: return x >= threshold
        case .equal: return x == threshold
        case .truncatedMember:
            guard x > -1, x < 9.2e18 else { return false }
            let words = Self.categorySets[Int(threshold)], category = Int(x)
            return category / 64 < words.count && (words[category / 64] >> UInt64(category % 64)) & 1 == 1
        default: fatalError("not generated")
        }
    }

    func evaluate(_ tree: [Node], _ index: Int, _ row: [Double], into scores: inout [Double]) {
        switch tree[index] {
        case .leaf(let weights):
            for (target, weight) in weights { scores[Int(target)] += weight }
        case .split(let feature, let threshold, let test, let t, let f, let flags):
            evaluate(tree, goesTrue(row[feature], test, threshold, flags) ? t : f, row, into: &scores)
        }
    }

    static let values: [Double] = [-.infinity, -1, -0.5, 0, 0.25, 0.5, 1, 3, 63, 64, 65.5, .infinity, .nan]
    /// Category sets for `truncatedMember` splits: {0, 1, 3}, {}, {0…63} and {0…63, 64, 65}.
    static let categorySets: [[UInt64]] = [[0b1011], [0], [.max], [.max, 0b11]]

    /// A random tree of up to `depth` levels; nodes are appended to `nodes`, children after
    /// their parent. `plainOnly` keeps to the splits the paired walk takes.
    func randomTree(depth: Int, plainOnly: Bool, targets: Int, features: Int, random: inout SplitMix64, into nodes: inout [Node]) -> Int {
        let index = nodes.count
        if depth == 0 || random.next() % 5 == 0 {
            let count = 1 + Int(random.next() % UInt64(targets))
            nodes.append(.leaf((0..<count).map { _ in (Int32(random.next() % UInt64(targets)), Double(random.next() % 1000) / 100 - 5) }))
            return index
        }
        let tests: [TreeEnsemble.Test] = plainOnly ? [.lessOrEqual, .less]
            : [.lessOrEqual, .less, .greaterOrEqual, .equal, .truncatedMember]
        let flagChoices: [TreeEnsemble.Flags] = plainOnly ? [[], .missingGoesTrue]
            : [[], .missingGoesTrue, [.missingIsZero, .zeroIsMissing], [.missingIsZero, .zeroIsMissing, .missingGoesTrue]]
        let test = tests[Int(random.next() % UInt64(tests.count))]
        let flags = flagChoices[Int(random.next() % UInt64(flagChoices.count))]
        let threshold = test == .truncatedMember ? Double(random.next() % UInt64(Self.categorySets.count))
            : Self.values[Int(random.next() % UInt64(Self.values.count))]
        let feature = Int(random.next() % UInt64(features))
        nodes.append(.leaf([]))  // placeholder until the children exist
        let t = randomTree(depth: depth - 1, plainOnly: plainOnly, targets: targets, features: features, random: &random, into: &nodes)
        let f = randomTree(depth: depth - 1, plainOnly: plainOnly, targets: targets, features: features, random: &random, into: &nodes)
        nodes[index] = .split(feature: feature, threshold: threshold, test: test, trueChild: t, falseChild: f, flags: flags)
        return index
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func bothWalksMatchTheSplitRules(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        let targets = 3, features = 4
        var builder = TreeEnsembleBuilder(featurePrecision: .float64, targetCount: targets)
        builder.categoryBitsets = Self.categorySets
        var trees: [[Node]] = []
        for tree in 0..<23 {
            var nodes: [Node] = []
            _ = randomTree(depth: 1 + tree % 7, plainOnly: tree % 3 != 0, targets: targets, features: features, random: &random, into: &nodes)
            try builder.addTree(nodes, root: 0)
            trees.append(nodes)
        }
        let ensemble = try builder.build()
        #expect(!ensemble.paired.roots.isEmpty && !ensemble.unpairedRoots.isEmpty, "both walks are exercised")

        let rows = 300
        var matrix: [Double] = []
        for _ in 0..<(rows * features) { matrix.append(Self.values[Int(random.next() % UInt64(Self.values.count))]) }
        var scores = [Double](repeating: 0, count: rows * targets)
        var reached = [Bool](repeating: false, count: rows * targets)
        matrix.withUnsafeBufferPointer { m in
            scores.withUnsafeMutableBufferPointer { s in
                reached.withUnsafeMutableBufferPointer { r in
                    ensemble.sum(m.baseAddress!, rows: rows, width: features, into: s.baseAddress!, reached: r.baseAddress!)
                }
            }
        }
        for r in 0..<rows {
            let row = Array(matrix[(r * features)..<((r + 1) * features)])
            var expected = [Double](repeating: 0, count: targets)
            for tree in trees { evaluate(tree, 0, row, into: &expected) }
            for t in 0..<targets {
                #expect(abs(scores[r * targets + t] - expected[t]) < 1e-9, "row \(row), target \(t)")
            }
        }
    }

    @Test func aSubtreeSharedByTwoBranchesTakesTheGeneralWalk() throws {
        // Node 3 is both children of node 1 (ONNX allows such DAGs).
        let tree: [Node] = [
            .split(feature: 0, threshold: 0, test: .lessOrEqual, trueChild: 1, falseChild: 2, flags: []),
            .split(feature: 1, threshold: 0, test: .lessOrEqual, trueChild: 3, falseChild: 3, flags: []),
            .leaf([(0, 10)]),
            .leaf([(0, 1)]),
        ]
        var builder = TreeEnsembleBuilder(featurePrecision: .float64, targetCount: 1)
        try builder.addTree(tree, root: 0)
        let ensemble = try builder.build()
        #expect(ensemble.paired.roots.isEmpty)
        let matrix: [Double] = [-1, 5, 1, 5]
        var scores = [Double](repeating: 0, count: 2)
        matrix.withUnsafeBufferPointer { m in
            scores.withUnsafeMutableBufferPointer { ensemble.sum(m.baseAddress!, rows: 2, width: 2, into: $0.baseAddress!) }
        }
        #expect(scores == [1, 10])
    }
}
