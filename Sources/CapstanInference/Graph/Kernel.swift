/// One operator of a graph, compiled from its node when the model loads.
///
/// A kernel reads and checks its attributes once, in its initializer, so an unsupported
/// attribute value fails the load, not the first prediction. `run` receives the node's
/// inputs in declared order (nil for an optional input the node leaves out) and returns
/// its outputs in declared order. Kernels hold no mutable state: one instance serves
/// every thread.
protocol Kernel: Sendable {
    func run(_ inputs: [Value?]) throws -> [Value]
}

/// A kernel's complaint about the values it was given; the plan adds the node's name.
struct KernelError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension Array where Element == Value? {
    /// The tensor at `index`, or a ``KernelError`` naming what is missing.
    func tensor(_ index: Int, _ what: String = "input") throws -> Tensor {
        guard index < count, let value = self[index] else { throw KernelError("missing \(what) \(index)") }
        guard case .tensor(let tensor) = value else { throw KernelError("\(what) \(index) is not a tensor") }
        return tensor
    }

    /// The tensor at `index` if the node supplied one.
    func optionalTensor(_ index: Int) throws -> Tensor? {
        guard index < count, let value = self[index] else { return nil }
        guard case .tensor(let tensor) = value else { throw KernelError("input \(index) is not a tensor") }
        return tensor
    }
}
