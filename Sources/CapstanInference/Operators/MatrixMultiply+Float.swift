import CMatrixKernels

extension MatrixMultiply {
    /// Whether the AVX2/FMA kernel can run here (checked once).
    static let hasAVX2 = capstan_has_avx2_fma()

    /// c[m×n] += a[m×k] · b[k×n] for floats: the AVX2/FMA kernel where the CPU has it,
    /// else the portable one.
    static func accumulateFloats(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, k: Int, n: Int
    ) {
        if hasAVX2 {
            capstan_sgemm_accumulate_avx2(a, b, c, m, k, n)
        } else {
            accumulateFloatsPortable(a, b, c, m: m, k: k, n: n)
        }
    }

    /// The portable kernel: a 4×8 block of C held in SIMD registers while k runs, so each
    /// step is eight multiply-adds on registers rather than loads and stores of C (the
    /// register-blocking idea of BLIS/GotoBLAS micro-kernels).
    static func accumulateFloatsPortable(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, k: Int, n: Int
    ) {
        let wide = n - n % 8
        var i = 0
        while i + 4 <= m {
            var j = 0
            while j < wide {
                block4x8(a + i * k, b + j, c + i * n + j, k: k, n: n)
                j += 8
            }
            if j < n { edge(a + i * k, b, c + i * n, rows: 4, from: j, k: k, n: n) }
            i += 4
        }
        while i < m {
            edge(a + i * k, b, c + i * n, rows: 1, from: 0, k: k, n: n)
            i += 1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
    }

    /// Rows i…i+3, columns j…j+7 of C; `a` points at row i of A, `b` at column j of B.
    @inline(__always)
    private static func block4x8(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, k: Int, n: Int) {
        let r1 = c + n, r2 = r1 + n, r3 = r2 + n
        var c00 = load(c), c01 = load(c + 4)
        var c10 = load(r1), c11 = load(r1 + 4)
        var c20 = load(r2), c21 = load(r2 + 4)
        var c30 = load(r3), c31 = load(r3 + 4)
        let a1 = a + k, a2 = a1 + k, a3 = a2 + k
        for p in 0..<k {
            let row = b + p * n
            let b0 = load(row), b1 = load(row + 4)
            let x0 = SIMD4(repeating: a[p]), x1 = SIMD4(repeating: a1[p])
            let x2 = SIMD4(repeating: a2[p]), x3 = SIMD4(repeating: a3[p])
            c00 += x0 * b0; c01 += x0 * b1
            c10 += x1 * b0; c11 += x1 * b1
            c20 += x2 * b0; c21 += x2 * b1
            c30 += x3 * b0; c31 += x3 * b1
        }
        store(c00, c); store(c01, c + 4)
        store(c10, r1); store(c11, r1 + 4)
        store(c20, r2); store(c21, r2 + 4)
        store(c30, r3); store(c31, r3 + 4)
    }

    /// The columns from `from` to n of `rows` rows, one element at a time.
    @inline(__always)
    private static func edge(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                             rows: Int, from: Int, k: Int, n: Int) {
        for r in 0..<rows {
            let ar = a + r * k, cr = c + r * n
            for p in 0..<k {
                let x = ar[p], row = b + p * n
                for j in from..<n { cr[j] += x * row[j] }
            }
        }
    }
}
