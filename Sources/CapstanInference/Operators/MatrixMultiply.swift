/// Dense matrix products on row-major buffers, shared by `MatMul` and `Gemm`.
///
/// The loop order (row of A, then k, then a contiguous row of B) keeps the innermost
/// loop a unit-stride multiply-add the compiler vectorises; four rows of A are done at
/// once so each row of B is loaded once per four output rows.
enum MatrixMultiply {
    /// c[m×n] += a[m×k] · b[k×n].
    static func accumulate<T: BinaryFloatingPoint>(
        _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>, m: Int, k: Int, n: Int
    ) {
        if n < 8 && k >= 8 {
            // Few output columns (a classifier's last layer): rows of B are too short to
            // vectorise, so take dot products of A's rows with B's columns instead.
            var columns = [T](repeating: 0, count: n * k)
            for p in 0..<k { for j in 0..<n { columns[j * k + p] = b[p * n + j] } }
            columns.withUnsafeBufferPointer { bt in
                for i in 0..<m {
                    let row = a + i * k
                    for j in 0..<n {
                        let column = bt.baseAddress! + j * k
                        var sum: T = 0
                        for p in 0..<k { sum += row[p] * column[p] }
                        c[i * n + j] += sum
                    }
                }
            }
            return
        }
        if T.self == Float.self {
            accumulateFloats(UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), UnsafeRawPointer(b).assumingMemoryBound(to: Float.self),
                             UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), m: m, k: k, n: n)
            return
        }
        var i = 0
        while i + 4 <= m {
            let c0 = c + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n
            let a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k
            for p in 0..<k {
                let x0 = a0[p], x1 = a1[p], x2 = a2[p], x3 = a3[p]
                let row = b + p * n
                for j in 0..<n {
                    let y = row[j]
                    c0[j] += x0 * y
                    c1[j] += x1 * y
                    c2[j] += x2 * y
                    c3[j] += x3 * y
                }
            }
            i += 4
        }
        while i < m {
            let ci = c + i * n, ai = a + i * k
            for p in 0..<k {
                let x = ai[p]
                let row = b + p * n
                for j in 0..<n { ci[j] += x * row[j] }
            }
            i += 1
        }
    }

    /// a[m×k] · b[k×n] as a new row-major array.
    static func product<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], m: Int, k: Int, n: Int) -> [T] {
        var c = [T](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { av in
            b.withUnsafeBufferPointer { bv in
                c.withUnsafeMutableBufferPointer { cv in
                    if m * n > 0 && k > 0 { accumulate(av.baseAddress!, bv.baseAddress!, cv.baseAddress!, m: m, k: k, n: n) }
                }
            }
        }
        return c
    }

    /// The transpose of a row-major rows×columns matrix.
    static func transposed<T>(_ x: [T], rows: Int, columns: Int) -> [T] {
        guard let first = x.first else { return x }
        var out = [T](repeating: first, count: x.count)
        for r in 0..<rows {
            for c in 0..<columns { out[c * rows + r] = x[r * columns + c] }
        }
        return out
    }
}
