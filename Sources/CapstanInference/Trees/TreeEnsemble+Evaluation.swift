extension TreeEnsemble {
    /// Adds every tree's leaf weights into `scores` (`rows × targetCount`, row-major, not
    /// cleared first) for a row-major `rows × width` feature matrix, and marks in `reached`
    /// (same layout, optional) the targets any leaf weighted.
    ///
    /// The walk is written once and specialised for the common ensembles whose splits all
    /// test `x <= t` or `x < t` (sklearn, XGBoost, LightGBM without zero handling), so their
    /// loop carries no per-node dispatch.
    func sum(_ features: UnsafePointer<Double>, rows: Int, width: Int,
             into scores: UnsafeMutablePointer<Double>, reached: UnsafeMutablePointer<Bool>? = nil) {
        switch uniformTest {
        case .lessOrEqual?:
            sum(features, rows, width, scores, reached) { x, node in
                x <= node.threshold || (x.isNaN && node.flags.contains(.missingGoesTrue))
            }
        case .less?:
            sum(features, rows, width, scores, reached) { x, node in
                x < node.threshold || (x.isNaN && node.flags.contains(.missingGoesTrue))
            }
        default:
            // Mixed ensembles are still mostly plain `x <= t` splits: take those quickly.
            sum(features, rows, width, scores, reached) { x, node in
                if node.test == .lessOrEqual && node.flags.isSubset(of: .missingGoesTrue) {
                    return x <= node.threshold || (x.isNaN && node.flags.contains(.missingGoesTrue))
                }
                return goesTrue(x, node)
            }
        }
    }

    /// The leaf each tree sends one row to, as node indices, in tree order.
    func leaves(_ row: UnsafePointer<Double>) -> [Int] {
        nodes.withUnsafeBufferPointer { nodes in
            roots.map { Self.walk(nodes.baseAddress!, Int($0), row) { x, node in goesTrue(x, node) } }
        }
    }

    @inline(__always)
    private func sum(_ features: UnsafePointer<Double>, _ rows: Int, _ width: Int,
                     _ scores: UnsafeMutablePointer<Double>, _ reached: UnsafeMutablePointer<Bool>?,
                     _ decide: (Double, Node) -> Bool) {
        let targets = targetCount
        nodes.withUnsafeBufferPointer { nodeBuffer in
            roots.withUnsafeBufferPointer { roots in
                leafTargets.withUnsafeBufferPointer { leafTargets in
                    leafWeights.withUnsafeBufferPointer { leafWeights in
                        let nodes = nodeBuffer.baseAddress!
                        let treeCount = roots.count
                        for r in 0..<rows {
                            let row = features + r * width
                            let rowScores = scores + r * targets
                            let rowReached = reached.map { $0 + r * targets }
                            @inline(__always) func add(_ leafIndex: Int) {
                                let leaf = nodes[leafIndex]
                                let start = Int(leaf.trueChild)
                                for entry in start..<(start + Int(leaf.falseChild)) {
                                    let target = Int(leafTargets[entry])
                                    rowScores[target] += leafWeights[entry]
                                    rowReached?[target] = true
                                }
                            }
                            // Four trees at a time: their walks are independent chains of
                            // loads, which the CPU overlaps instead of waiting on each in turn.
                            var t = 0
                            while t + 4 <= treeCount {
                                let leaves = Self.walk4(nodes, roots[t], roots[t + 1], roots[t + 2], roots[t + 3], row, decide)
                                add(leaves.0); add(leaves.1); add(leaves.2); add(leaves.3)
                                t += 4
                            }
                            while t < treeCount {
                                add(Self.walk(nodes, Int(roots[t]), row, decide))
                                t += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Walks four trees in lockstep for one row and returns their leaves (in tree order).
    @inline(__always)
    private static func walk4(_ nodes: UnsafePointer<Node>, _ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32,
                              _ row: UnsafePointer<Double>, _ decide: (Double, Node) -> Bool) -> (Int, Int, Int, Int) {
        var i0 = Int(a), i1 = Int(b), i2 = Int(c), i3 = Int(d)
        while true {
            let n0 = nodes[i0], n1 = nodes[i1], n2 = nodes[i2], n3 = nodes[i3]
            var moving = false
            if n0.test != .leaf { i0 = Int(decide(row[Int(n0.feature)], n0) ? n0.trueChild : n0.falseChild); moving = true }
            if n1.test != .leaf { i1 = Int(decide(row[Int(n1.feature)], n1) ? n1.trueChild : n1.falseChild); moving = true }
            if n2.test != .leaf { i2 = Int(decide(row[Int(n2.feature)], n2) ? n2.trueChild : n2.falseChild); moving = true }
            if n3.test != .leaf { i3 = Int(decide(row[Int(n3.feature)], n3) ? n3.trueChild : n3.falseChild); moving = true }
            if !moving { return (i0, i1, i2, i3) }
        }
    }

    @inline(__always)
    private static func walk(_ nodes: UnsafePointer<Node>, _ root: Int, _ row: UnsafePointer<Double>,
                             _ decide: (Double, Node) -> Bool) -> Int {
        var index = root
        while true {
            let node = nodes[index]
            if node.test == .leaf { return index }
            index = Int(decide(row[Int(node.feature)], node) ? node.trueChild : node.falseChild)
        }
    }

    /// The full split rule: missing values per the node's flags, then its test.
    @inline(__always)
    private func goesTrue(_ value: Double, _ node: Node) -> Bool {
        var x = value
        if x.isNaN {
            guard node.flags.contains(.missingIsZero) else { return node.flags.contains(.missingGoesTrue) }
            x = 0
        }
        if node.flags.contains(.zeroIsMissing) && x.magnitude <= 1e-35 {
            return node.flags.contains(.missingGoesTrue)
        }
        switch node.test {
        case .lessOrEqual: return x <= node.threshold
        case .less: return x < node.threshold
        case .greaterOrEqual: return x >= node.threshold
        case .greater: return x > node.threshold
        case .equal: return x == node.threshold
        case .notEqual: return x != node.threshold
        case .member: return categorySets[Int(node.threshold)].contains(x)
        case .truncatedMember:
            // Truncation toward zero (as C's int cast): -0.5 is category 0; ≤ -1 is no category.
            guard x > -1, x < 9.2e18 else { return false }
            let category = Int(x)
            let words = categoryBitsets[Int(node.threshold)]
            return category / 64 < words.count && words[category / 64] & (1 << UInt64(category % 64)) != 0
        case .leaf: return false
        }
    }
}
