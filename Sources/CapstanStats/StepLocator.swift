/// Finds which of a sorted list's values a number follows, in a few nanoseconds: a
/// binary search over thousands of values costs a cache miss or a mispredicted branch per
/// level, and a monitor asks a million times per column. A uniform grid over the values'
/// range (four cells per value) says where to start; the search then covers the one
/// cell's few values.
struct StepLocator {
    let steps: [Double]
    /// Per cell: the index of the last step at or below the cell's lower edge.
    private let firstCandidate: [Int32]
    private let low: Double, scale: Double

    init(_ steps: [Double]) {
        let low = steps[0], cells = Swift.min(4 * steps.count, 1 << 20)
        let range = steps[steps.count - 1] - low
        let scale = range > 0 ? Double(cells) / range : 0
        (self.steps, self.low, self.scale) = (steps, low, scale)
        var firstCandidate = [Int32](repeating: 0, count: cells + 1)
        if scale > 0 {
            steps.withUnsafeBufferPointer { steps in
                for cell in 0...cells {
                    firstCandidate[cell] = Int32(Self.search(low + Double(cell) / scale, in: steps, from: 0, to: steps.count - 1))
                }
            }
        }
        self.firstCandidate = firstCandidate
    }

    /// The index of the last step at most `value`; -1 when every step is larger.
    @inline(__always)
    func lastIndex(atMost value: Double) -> Int {
        steps.withUnsafeBufferPointer { steps in
            if value < low { return -1 }
            let last = steps.count - 1
            if value >= steps[last] { return last }
            let cell = Swift.min(Int((value - low) * scale), firstCandidate.count - 2)
            let from = Int(firstCandidate[cell]), to = Int(firstCandidate[cell + 1])
            let found = Self.search(value, in: steps, from: Swift.max(from, 0), to: to)
            // The grid's edges are computed, so a value a rounding away from one may
            // belong to the neighbouring cell: checked, and searched in full if so.
            if steps[found] <= value && steps[found + 1] > value { return found }
            return Self.search(value, in: steps, from: 0, to: last)
        }
    }

    /// The last index in `from...to` whose step is at most `value` (`from` when none is:
    /// callers know the answer lies in the range).
    @inline(__always)
    static func search(_ value: Double, in steps: UnsafeBufferPointer<Double>, from: Int, to: Int) -> Int {
        var low = from, high = to
        while low < high {
            let middle = (low + high + 1) / 2
            if steps[middle] <= value { low = middle } else { high = middle - 1 }
        }
        return low
    }
}

/// Where a sample's empirical CDF steps: its distinct values in ascending order, each with
/// how many of the sample's values are at or below it.
struct CDFSteps {
    private(set) var values: [Double] = []
    private(set) var countAtOrBelow: [Int] = []

    init(sorted: [Double]) {
        for (index, value) in sorted.enumerated() {
            if values.last != value {
                values.append(value)
                countAtOrBelow.append(0)
            }
            countAtOrBelow[countAtOrBelow.count - 1] = index + 1
        }
    }
}
