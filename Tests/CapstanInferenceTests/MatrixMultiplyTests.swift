import CapstanStats
import Testing
@testable import CapstanInference

/// Both float kernels (AVX2/FMA when the CPU has it, and the portable one) against a plain
/// triple loop, over shapes that exercise every block size and edge.
@Suite struct MatrixMultiplyTests {
    static let shapes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (1, 8, 3), (2, 3, 20), (3, 5, 7), (8, 12, 3), (4, 24, 12), (4, 8, 8), (4, 3, 16), (5, 9, 17), (7, 12, 24), (9, 33, 40), (13, 2, 9), (64, 10, 32),
    ]

    func naive(_ a: [Float], _ b: [Float], _ c: [Float], m: Int, k: Int, n: Int) -> [Float] {
        var out = c
        for i in 0..<m { for j in 0..<n { for p in 0..<k { out[i * n + j] += a[i * k + p] * b[p * n + j] } } }
        return out
    }

    func inputs(_ m: Int, _ k: Int, _ n: Int) -> ([Float], [Float], [Float]) {
        var random = SplitMix64(seed: UInt64(m * 10_000 + k * 100 + n))
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float(random.normal()) } }
        return (values(m * k), values(k * n), values(m * n))
    }

    func close(_ x: [Float], _ y: [Float]) -> Bool {
        zip(x, y).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }
    }

    typealias Kernel = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int, Int) -> Void

    /// Runs `kernel` on the inputs for shape `index` and compares with the triple loop.
    func check(_ kernel: Kernel, shape index: Int) {
        let (m, k, n) = Self.shapes[index]
        let (a, b, c) = inputs(m, k, n)
        var out = c
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in kernel(a.baseAddress!, b.baseAddress!, o.baseAddress!, m, k, n) }
            }
        }
        #expect(close(out, naive(a, b, c, m: m, k: k, n: n)), "shape \(m)×\(k)×\(n)")
    }

    @Test(arguments: shapes.indices)
    func dispatchedKernelMatchesTheDefinition(shape: Int) {
        check({ MatrixMultiply.accumulateFloats($0, $1, $2, m: $3, k: $4, n: $5) }, shape: shape)
    }

    @Test(arguments: shapes.indices)
    func portableKernelMatchesTheDefinition(shape: Int) {
        check({ MatrixMultiply.accumulateFloatsPortable($0, $1, $2, m: $3, k: $4, n: $5) }, shape: shape)
    }
}
