extension TreeEnsemble {
    /// Adds every tree's leaf weights into `scores` (`rows × targetCount`, row-major, not
    /// cleared first) for a row-major `rows × width` feature matrix, and marks in `reached`
    /// (same layout, optional) the targets any leaf weighted.
    ///
    /// Plain trees take the fixed-depth walk of ``PairedTrees``; the rest (categorical
    /// splits, zero-as-missing, shared nodes) take the general walk, four trees at a time.
    func sum(_ features: UnsafePointer<Double>, rows: Int, width: Int,
             into scores: UnsafeMutablePointer<Double>, reached: UnsafeMutablePointer<Bool>? = nil) {
        if !paired.roots.isEmpty {
            sumPaired(features, rows, width, scores, reached)
        }
        if !unpairedRoots.isEmpty {
            sumUnpaired(features, rows, width, scores, reached)
        }
    }

    @inline(__always)
    private func add(_ entries: LeafEntries, to scores: UnsafeMutablePointer<Double>, _ reached: UnsafeMutablePointer<Bool>?,
                     _ leafTargets: UnsafePointer<Int32>, _ leafWeights: UnsafePointer<Double>) {
        let start = Int(entries.start)
        for entry in start..<(start + Int(entries.count)) {
            let target = Int(leafTargets[entry])
            scores[target] += leafWeights[entry]
            reached?[target] = true
        }
    }

    private func sumPaired(_ features: UnsafePointer<Double>, _ rows: Int, _ width: Int,
                           _ scores: UnsafeMutablePointer<Double>, _ reached: UnsafeMutablePointer<Bool>?) {
        let targets = targetCount
        paired.nodes.withUnsafeBufferPointer { nodes in
            paired.leafEntries.withUnsafeBufferPointer { leafEntries in
                leafTargets.withUnsafeBufferPointer { leafTargets in
                    leafWeights.withUnsafeBufferPointer { leafWeights in
                        let nodes = nodes.baseAddress!, roots = paired.roots, depths = paired.depths
                        let treeCount = roots.count
                        for r in 0..<rows {
                            let row = features + r * width
                            let rowScores = scores + r * targets, rowReached = reached.map { $0 + r * targets }
                            @inline(__always) func add(_ leaf: Int) {
                                self.add(leafEntries[leaf], to: rowScores, rowReached, leafTargets.baseAddress!, leafWeights.baseAddress!)
                            }
                            // Four trees in lockstep: independent chains of loads the CPU
                            // overlaps. Sorted by depth, so the fourth is the deepest.
                            var t = 0
                            while t + 4 <= treeCount {
                                var i0 = Int(roots[t]), i1 = Int(roots[t + 1]), i2 = Int(roots[t + 2]), i3 = Int(roots[t + 3])
                                for _ in 0..<depths[t + 3] {
                                    i0 = PairedTrees.step(nodes, i0, row)
                                    i1 = PairedTrees.step(nodes, i1, row)
                                    i2 = PairedTrees.step(nodes, i2, row)
                                    i3 = PairedTrees.step(nodes, i3, row)
                                }
                                add(i0); add(i1); add(i2); add(i3)
                                t += 4
                            }
                            while t < treeCount {
                                var i = Int(roots[t])
                                for _ in 0..<depths[t] { i = PairedTrees.step(nodes, i, row) }
                                add(i)
                                t += 1
                            }
                        }
                    }
                }
            }
        }
    }

    private func sumUnpaired(_ features: UnsafePointer<Double>, _ rows: Int, _ width: Int,
                             _ scores: UnsafeMutablePointer<Double>, _ reached: UnsafeMutablePointer<Bool>?) {
        let targets = targetCount
        nodes.withUnsafeBufferPointer { nodes in
            leafEntries.withUnsafeBufferPointer { leafEntries in
                leafTargets.withUnsafeBufferPointer { leafTargets in
                    leafWeights.withUnsafeBufferPointer { leafWeights in
                        let nodes = nodes.baseAddress!, roots = unpairedRoots
                        let treeCount = roots.count
                        for r in 0..<rows {
                            let row = features + r * width
                            let rowScores = scores + r * targets, rowReached = reached.map { $0 + r * targets }
                            @inline(__always) func add(_ leaf: Int) {
                                self.add(leafEntries[leaf], to: rowScores, rowReached, leafTargets.baseAddress!, leafWeights.baseAddress!)
                            }
                            var t = 0
                            while t + 4 <= treeCount {
                                let leaves = walk4(nodes, roots[t], roots[t + 1], roots[t + 2], roots[t + 3], row)
                                add(leaves.0); add(leaves.1); add(leaves.2); add(leaves.3)
                                t += 4
                            }
                            while t < treeCount {
                                add(walk(nodes, Int(roots[t]), row))
                                t += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// The leaf each tree sends one row to, as node indices, in tree order.
    func leaves(_ row: UnsafePointer<Double>) -> [Int] {
        nodes.withUnsafeBufferPointer { nodes in
            roots.map { walk(nodes.baseAddress!, Int($0), row) }
        }
    }

    /// Walks four trees in lockstep for one row and returns their leaves (in tree order).
    @inline(__always)
    private func walk4(_ nodes: UnsafePointer<Node>, _ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32,
                       _ row: UnsafePointer<Double>) -> (Int, Int, Int, Int) {
        var i0 = Int(a), i1 = Int(b), i2 = Int(c), i3 = Int(d)
        while true {
            let n0 = nodes[i0], n1 = nodes[i1], n2 = nodes[i2], n3 = nodes[i3]
            if n0.test == .leaf && n1.test == .leaf && n2.test == .leaf && n3.test == .leaf { return (i0, i1, i2, i3) }
            // A leaf leads to itself, so every walk steps until all four have arrived.
            i0 = Int(goesTrue(row[Int(n0.feature)], n0) ? n0.trueChild : n0.falseChild)
            i1 = Int(goesTrue(row[Int(n1.feature)], n1) ? n1.trueChild : n1.falseChild)
            i2 = Int(goesTrue(row[Int(n2.feature)], n2) ? n2.trueChild : n2.falseChild)
            i3 = Int(goesTrue(row[Int(n3.feature)], n3) ? n3.trueChild : n3.falseChild)
        }
    }

    @inline(__always)
    private func walk(_ nodes: UnsafePointer<Node>, _ root: Int, _ row: UnsafePointer<Double>) -> Int {
        var index = root
        while true {
            let node = nodes[index]
            if node.test == .leaf { return index }
            index = Int(goesTrue(row[Int(node.feature)], node) ? node.trueChild : node.falseChild)
        }
    }

    /// The full split rule: missing values per the node's flags, then its test.
    @inline(__always)
    private func goesTrue(_ value: Double, _ node: Node) -> Bool {
        // Mixed ensembles are still mostly plain `x <= t` splits: take those first.
        if node.test == .lessOrEqual && node.flags.isSubset(of: .missingGoesTrue) {
            return value <= node.threshold || (value.isNaN && node.flags.contains(.missingGoesTrue))
        }
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
