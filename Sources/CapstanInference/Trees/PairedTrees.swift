/// The plain trees of a ``TreeEnsemble`` — every split `x <= t` or `x < t` with a number
/// t (not NaN, and not `x < -∞`), missing values sent one fixed way — laid out again for the fastest walk we know.
///
/// - Siblings are stored side by side, so a node keeps one child index and a step is
///   `children + (goes false ? 1 : 0)`: 16-byte nodes, three loads per step.
/// - `x < t` becomes `x <= nextDown(t)`, which is the same test on doubles, so one
///   comparison serves every node.
/// - A leaf is a node that leads to itself whatever the value (threshold +∞, missing
///   values to the true side), so four trees walk in lockstep for a fixed number of steps,
///   the deepest of the four, with no test for having arrived.
/// - Trees are sorted by depth, so the four walked together waste few steps.
///
/// The idea of fixed-depth, branch-free walks over sibling-adjacent nodes is the one
/// behind QuickScorer-style and treelite-style tree compilers; this is our own small take.
struct PairedTrees: Sendable {
    struct Node: Sendable {
        var threshold: Double
        /// The feature index, or its bitwise complement when missing values take the true side.
        var feature: Int32
        /// The true child; the false child is the next node. A leaf's own index.
        var children: Int32
    }

    private(set) var nodes: [Node] = []
    /// Indexed like `nodes`; meaningful for leaves only.
    private(set) var leafEntries: [TreeEnsemble.LeafEntries] = []
    /// Roots, shallowest tree first.
    private(set) var roots: [Int32] = []
    /// Splits on the longest path of each tree, in `roots` order.
    private(set) var depths: [Int] = []

    /// Lays out every tree of an ensemble's nodes it can; returns the indices (into
    /// `roots`) of the trees it could not, which the general walk takes instead.
    /// A tree qualifies when all its splits are plain and no node is shared between paths
    /// (ONNX allows DAGs; a shared node cannot sit next to two siblings).
    static func build(nodes: [TreeEnsemble.Node], roots: [Int32], leafEntries: [TreeEnsemble.LeafEntries])
        -> (PairedTrees, others: [Int]) {
        var laidOut: [(tree: Int, nodes: [Node], leafEntries: [TreeEnsemble.LeafEntries], depth: Int)] = []
        var others: [Int] = []
        for (tree, root) in roots.enumerated() {
            if let layout = layOut(root: Int(root), nodes, leafEntries) {
                laidOut.append((tree, layout.nodes, layout.leafEntries, layout.depth))
            } else {
                others.append(tree)
            }
        }
        var paired = PairedTrees()
        // Stable by depth, so equally deep trees keep their order.
        for tree in laidOut.enumerated().sorted(by: { ($0.element.depth, $0.offset) < ($1.element.depth, $1.offset) }).map(\.element) {
            let base = Int32(paired.nodes.count)
            paired.roots.append(base)
            paired.depths.append(tree.depth)
            paired.nodes += tree.nodes.map { Node(threshold: $0.threshold, feature: $0.feature, children: $0.children + base) }
            paired.leafEntries += tree.leafEntries
        }
        return (paired, others)
    }

    /// One tree breadth-first with children in pairs, indices local to the tree; nil when
    /// the tree has a split other than a plain one, or a node reached twice.
    private static func layOut(root: Int, _ source: [TreeEnsemble.Node], _ sourceLeafEntries: [TreeEnsemble.LeafEntries])
        -> (nodes: [Node], leafEntries: [TreeEnsemble.LeafEntries], depth: Int)? {
        var nodes = [Node(threshold: 0, feature: 0, children: 0)]
        var leafEntries = [TreeEnsemble.LeafEntries(start: 0, count: 0)]
        var seen = Set<Int>()
        var queue: [(source: Int, slot: Int, depth: Int)] = [(root, 0, 0)]
        var next = 0
        var depth = 0
        while next < queue.count {
            let (sourceIndex, slot, level) = queue[next]
            next += 1
            guard seen.insert(sourceIndex).inserted else { return nil }
            let node = source[sourceIndex]
            if node.test == .leaf {
                nodes[slot] = Node(threshold: .infinity, feature: ~0, children: Int32(slot))
                leafEntries[slot] = sourceLeafEntries[sourceIndex]
                depth = Swift.max(depth, level)
                continue
            }
            // The step's select reads "missing goes true" as !(x > t), which only holds for a
            // number t; nothing passes `x < -∞`, which no `x <= t` can say either.
            guard node.flags.isSubset(of: .missingGoesTrue), !node.threshold.isNaN else { return nil }
            let threshold: Double
            switch node.test {
            case .lessOrEqual: threshold = node.threshold
            // No double lies strictly between nextDown(t) and t.
            case .less where node.threshold != -.infinity: threshold = node.threshold.nextDown
            default: return nil
            }
            let children = nodes.count
            nodes.append(contentsOf: repeatElement(Node(threshold: 0, feature: 0, children: 0), count: 2))
            leafEntries.append(contentsOf: repeatElement(TreeEnsemble.LeafEntries(start: 0, count: 0), count: 2))
            nodes[slot] = Node(threshold: threshold,
                               feature: node.flags.contains(.missingGoesTrue) ? ~node.feature : node.feature,
                               children: Int32(children))
            queue.append((Int(node.trueChild), children, level + 1))
            queue.append((Int(node.falseChild), children + 1, level + 1))
        }
        return (nodes, leafEntries, depth)
    }

    /// One step from node `index` for `row`: to the true child, the false child, or (at a
    /// leaf) nowhere. Branch-free: the comparisons become a select.
    @inline(__always)
    static func step(_ nodes: UnsafePointer<Node>, _ index: Int, _ row: UnsafePointer<Double>) -> Int {
        let node = nodes[index]
        let feature = Int(node.feature)
        let missingGoesTrue = feature < 0
        let x = row[missingGoesTrue ? ~feature : feature]
        // x > t is false for NaN (stays true-side); !(x <= t) is true for NaN (false side).
        let goesFalse = missingGoesTrue ? x > node.threshold : !(x <= node.threshold)
        return Int(node.children) &+ (goesFalse ? 1 : 0)
    }
}
