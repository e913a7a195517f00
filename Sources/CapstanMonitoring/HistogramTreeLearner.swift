import Foundation

/// One ``GradientBoostedTrees`` fit's working state: scores, gradients, and the row order
/// the nodes partition (each node owns a contiguous range, so a node's rows are a slice).
struct HistogramTreeLearner {
    let matrix: BinnedMatrix
    let labels: [Bool]
    let parameters: GradientBoostedTrees.Parameters
    /// Training rows; each node owns a contiguous range of it.
    var order: [Int]
    var scratch: [Int]
    /// Indexed by matrix row (only training rows are used).
    var raw: [Double]
    var gradient: [Double]
    var hessian: [Double]
    var gain: [Double]
    /// Offset of feature f's bins in a histogram.
    let offsets: [Int]
    let histogramSize: Int

    /// Gradient sum, hessian sum and row count per (feature, bin).
    struct Histogram {
        var g: [Double]
        var h: [Double]
        var n: [Int32]
    }

    init(matrix: BinnedMatrix, rows: [Int], labels: [Bool], parameters: GradientBoostedTrees.Parameters, baseScore: Double) {
        self.matrix = matrix
        self.labels = labels
        self.parameters = parameters
        order = rows
        scratch = rows
        raw = Array(repeating: baseScore, count: matrix.rowCount)
        gradient = Array(repeating: 0, count: matrix.rowCount)
        hessian = Array(repeating: 0, count: matrix.rowCount)
        gain = Array(repeating: 0, count: matrix.featureCount)
        var offsets: [Int] = []
        var total = 0
        for bins in matrix.binCounts {
            offsets.append(total)
            total += bins
        }
        self.offsets = offsets
        histogramSize = total
    }

    struct OpenNode {
        var index: Int
        var range: Range<Int>
        var histogram: Histogram
        var g: Double
        var h: Double
    }

    mutating func growTree() -> [GradientBoostedTrees.Node] {
        for row in order {
            let p = 1 / (1 + exp(-raw[row]))
            gradient[row] = p - (labels[row] ? 1 : 0)
            hessian[row] = max(p * (1 - p), 1e-16)
        }
        var nodes: [GradientBoostedTrees.Node] = [.leaf]
        let rootHistogram = histogram(order.indices)
        var open = [OpenNode(index: 0, range: order.indices, histogram: rootHistogram,
                             g: order.reduce(0) { $0 + gradient[$1] }, h: order.reduce(0) { $0 + hessian[$1] })]
        var leaves: [(node: Int, range: Range<Int>, g: Double, h: Double)] = []
        for depth in 0...parameters.depth {
            var next: [OpenNode] = []
            for node in open {
                guard depth < parameters.depth, let split = bestSplit(node) else {
                    leaves.append((node.index, node.range, node.g, node.h))
                    continue
                }
                gain[split.feature] += split.gain
                let middle = partition(node.range, feature: split.feature, bin: split.bin, categorical: split.categorical)
                let leftRange = node.range.lowerBound..<middle, rightRange = middle..<node.range.upperBound
                // One pass for the smaller child; the larger is the parent minus it.
                let smallIsLeft = leftRange.count <= rightRange.count
                let small = histogram(smallIsLeft ? leftRange : rightRange)
                var large = node.histogram
                for slot in 0..<histogramSize {
                    large.g[slot] -= small.g[slot]
                    large.h[slot] -= small.h[slot]
                    large.n[slot] -= small.n[slot]
                }
                let left = nodes.count, right = nodes.count + 1
                nodes[node.index] = .init(feature: Int32(split.feature), bin: UInt8(split.bin), categorical: split.categorical,
                                          left: Int32(left), right: Int32(right), value: 0)
                nodes.append(.leaf)
                nodes.append(.leaf)
                next.append(OpenNode(index: left, range: leftRange, histogram: smallIsLeft ? small : large, g: split.gLeft, h: split.hLeft))
                next.append(OpenNode(index: right, range: rightRange, histogram: smallIsLeft ? large : small,
                                     g: node.g - split.gLeft, h: node.h - split.hLeft))
            }
            open = next
            if open.isEmpty { break }
        }
        for leaf in leaves {
            let value = -leaf.g / leaf.h * parameters.learningRate
            nodes[leaf.node].value = value
            for position in leaf.range { raw[order[position]] += value }
        }
        return nodes
    }

    func histogram(_ range: Range<Int>) -> Histogram {
        var g = [Double](repeating: 0, count: histogramSize)
        var h = [Double](repeating: 0, count: histogramSize)
        var n = [Int32](repeating: 0, count: histogramSize)
        // The node's rows and their gradients gathered once into contiguous arrays
        // (LightGBM's "ordered gradients"), so the per-feature passes read them in sequence.
        let rows = Array(order[range])
        let nodeGradient = rows.map { gradient[$0] }, nodeHessian = rows.map { hessian[$0] }
        let rowCount = matrix.rowCount
        matrix.codes.withUnsafeBufferPointer { codes in
            rows.withUnsafeBufferPointer { rows in
                nodeGradient.withUnsafeBufferPointer { gradient in
                    nodeHessian.withUnsafeBufferPointer { hessian in
                        g.withUnsafeMutableBufferPointer { g in
                            h.withUnsafeMutableBufferPointer { h in
                                n.withUnsafeMutableBufferPointer { n in
                                    for feature in 0..<matrix.featureCount {
                                        let column = codes.baseAddress! + feature * rowCount
                                        let gBins = g.baseAddress! + offsets[feature], hBins = h.baseAddress! + offsets[feature]
                                        let nBins = n.baseAddress! + offsets[feature]
                                        for index in 0..<rows.count {
                                            let bin = Int(column[rows[index]])
                                            gBins[bin] += gradient[index]
                                            hBins[bin] += hessian[index]
                                            nBins[bin] += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Histogram(g: g, h: h, n: n)
    }

    struct Split {
        var feature: Int
        var bin: Int
        var categorical: Bool
        var gain: Double
        var gLeft: Double
        var hLeft: Double
    }

    /// The split with the largest gain over every feature and bin (for a categorical
    /// feature, every category against the rest), nil when none keeps
    /// `minSamplesLeaf` rows and `minHessian` on each side with a positive gain. Ties keep
    /// the first (lowest feature, then bin), so a fit is deterministic.
    func bestSplit(_ node: OpenNode) -> Split? {
        let rows = Int32(node.range.count)
        let minimum = Int32(parameters.minSamplesLeaf)
        guard rows >= 2 * minimum else { return nil }
        let parentScore = node.g * node.g / node.h
        var best: Split?
        func consider(_ feature: Int, _ bin: Int, categorical: Bool, _ gLeft: Double, _ hLeft: Double, _ nLeft: Int32) {
            guard nLeft >= minimum, rows - nLeft >= minimum else { return }
            let gRight = node.g - gLeft, hRight = node.h - hLeft
            guard hLeft >= parameters.minHessian, hRight >= parameters.minHessian else { return }
            let gain = (gLeft * gLeft / hLeft + gRight * gRight / hRight - parentScore) / 2
            if gain > (best?.gain ?? 1e-12) {
                best = Split(feature: feature, bin: bin, categorical: categorical, gain: gain, gLeft: gLeft, hLeft: hLeft)
            }
        }
        let histogram = node.histogram
        for feature in 0..<matrix.featureCount {
            let offset = offsets[feature], bins = matrix.binCounts[feature]
            if matrix.categorical[feature] {
                // One category against the rest (with two categories, one split says it all).
                for bin in 0..<(bins == 2 ? 1 : bins) {
                    consider(feature, bin, categorical: true, histogram.g[offset + bin], histogram.h[offset + bin], histogram.n[offset + bin])
                }
                continue
            }
            var gLeft = 0.0, hLeft = 0.0
            var nLeft: Int32 = 0
            for bin in 0..<(bins - 1) {
                gLeft += histogram.g[offset + bin]
                hLeft += histogram.h[offset + bin]
                nLeft += histogram.n[offset + bin]
                if rows - nLeft < minimum { break }
                consider(feature, bin, categorical: false, gLeft, hLeft, nLeft)
            }
        }
        return best
    }

    /// Moves the rows of `range` with `code <= bin` before the others, each side in its
    /// previous (ascending) order; returns where the right side starts.
    mutating func partition(_ range: Range<Int>, feature: Int, bin: Int, categorical: Bool) -> Int {
        let column = feature * matrix.rowCount
        var left = range.lowerBound
        var right = 0
        for position in range {
            let row = order[position]
            let code = Int(matrix.codes[column + row])
            if categorical ? code == bin : code <= bin {
                order[left] = row
                left += 1
            } else {
                scratch[right] = row
                right += 1
            }
        }
        for index in 0..<right { order[left + index] = scratch[index] }
        return left
    }
}
