/// How many distinct values two samples hold together, counted only as far as a decision
/// needs: Evidently's choice of test asks "more than 5?", its column typing "more than 10?".
/// A set of 200,000 doubles to answer that cost more than the drift test itself.
enum DistinctValues {
    /// The number of distinct values in `first` and `second` together, or `limit` when there
    /// are at least that many. Linear in the samples, with at most `limit` comparisons each.
    static func count<T: Equatable>(_ first: [T], _ second: [T], upTo limit: Int) -> Int {
        var seen: [T] = []
        seen.reserveCapacity(limit)
        for values in [first, second] {
            for value in values where !seen.contains(value) {
                seen.append(value)
                if seen.count == limit { return limit }
            }
        }
        return seen.count
    }
}
