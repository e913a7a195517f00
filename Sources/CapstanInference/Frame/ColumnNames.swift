import Synchronization

/// Column names made from a tensor's name and an index or a map key (`float_input_7`,
/// `probabilities_1`), each list made once and then shared.
///
/// Every request of one shape names its input columns the same way, and every prediction of
/// a model its output columns: formatting them anew cost a few allocations per name on each
/// request. Requests that share a list also let the prediction log see in one comparison
/// that a frame's layout is one it has seen.
public enum ColumnNames {
    private enum Suffixes: Hashable {
        case count(Int)
        case labels([Int64])
        case texts([String])
    }

    private struct Key: Hashable {
        var prefix: String
        var suffixes: Suffixes
    }

    /// Lists made so far; cleared past `maxLists`, so names from a stream of odd requests
    /// cannot grow it without bound.
    private static let lists = Mutex<[Key: [String]]>([:])
    private static let maxLists = 1_000

    /// `PREFIX_0 … PREFIX_{count-1}`.
    public static func numbered(_ prefix: String, count: Int) -> [String] {
        list(Key(prefix: prefix, suffixes: .count(count))) { (0..<count).map { "\(prefix)_\($0)" } }
    }

    /// `PREFIX_KEY` for each of a map's keys, in order.
    public static func keyed(_ prefix: String, by keys: MapSequence.Keys) -> [String] {
        switch keys {
        case .int64(let labels):
            list(Key(prefix: prefix, suffixes: .labels(labels))) { labels.map { "\(prefix)_\($0)" } }
        case .string(let texts):
            list(Key(prefix: prefix, suffixes: .texts(texts))) { texts.map { "\(prefix)_\($0)" } }
        }
    }

    private static func list(_ key: Key, make: () -> [String]) -> [String] {
        if let made = lists.withLock({ $0[key] }) { return made }
        let names = make()
        lists.withLock { lists in
            if lists.count >= maxLists { lists.removeAll() }
            lists[key] = names
        }
        return names
    }
}
