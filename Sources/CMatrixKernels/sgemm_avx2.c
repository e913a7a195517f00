// A float matrix product for CPUs with AVX2 and FMA, chosen at run time.
//
// The function carries its own target attribute instead of the whole package being built
// for AVX2, so the binary still runs on older x86-64 CPUs and the package needs no unsafe
// compiler flags (which would stop other packages from depending on it). Same blocking as
// the portable Swift kernel: a 4×16 block of C stays in eight 8-lane registers while k runs.

#include "CMatrixKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

bool capstan_has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

__attribute__((target("avx2,fma")))
static void block4x16(const float *a, const float *b, float *c, long k, long n) {
    float *r1 = c + n, *r2 = r1 + n, *r3 = r2 + n;
    const float *a1 = a + k, *a2 = a1 + k, *a3 = a2 + k;
    __m256 c00 = _mm256_loadu_ps(c), c01 = _mm256_loadu_ps(c + 8);
    __m256 c10 = _mm256_loadu_ps(r1), c11 = _mm256_loadu_ps(r1 + 8);
    __m256 c20 = _mm256_loadu_ps(r2), c21 = _mm256_loadu_ps(r2 + 8);
    __m256 c30 = _mm256_loadu_ps(r3), c31 = _mm256_loadu_ps(r3 + 8);
    for (long p = 0; p < k; p++) {
        const float *row = b + p * n;
        __m256 b0 = _mm256_loadu_ps(row), b1 = _mm256_loadu_ps(row + 8);
        __m256 x;
        x = _mm256_broadcast_ss(a + p);  c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a1 + p); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a2 + p); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a3 + p); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
    }
    _mm256_storeu_ps(c, c00);  _mm256_storeu_ps(c + 8, c01);
    _mm256_storeu_ps(r1, c10); _mm256_storeu_ps(r1 + 8, c11);
    _mm256_storeu_ps(r2, c20); _mm256_storeu_ps(r2 + 8, c21);
    _mm256_storeu_ps(r3, c30); _mm256_storeu_ps(r3 + 8, c31);
}

__attribute__((target("avx2,fma")))
static void block4x8(const float *a, const float *b, float *c, long k, long n) {
    float *r1 = c + n, *r2 = r1 + n, *r3 = r2 + n;
    const float *a1 = a + k, *a2 = a1 + k, *a3 = a2 + k;
    __m256 c0 = _mm256_loadu_ps(c), c1 = _mm256_loadu_ps(r1), c2 = _mm256_loadu_ps(r2), c3 = _mm256_loadu_ps(r3);
    for (long p = 0; p < k; p++) {
        __m256 bv = _mm256_loadu_ps(b + p * n);
        c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + p), bv, c0);
        c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a1 + p), bv, c1);
        c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a2 + p), bv, c2);
        c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3 + p), bv, c3);
    }
    _mm256_storeu_ps(c, c0); _mm256_storeu_ps(r1, c1); _mm256_storeu_ps(r2, c2); _mm256_storeu_ps(r3, c3);
}

/// Lanes 0..<count set (count 1...8), for the columns past the last full group of 8.
__attribute__((target("avx2,fma")))
static __m256i lanes(long count) {
    static const int source[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i *)(source + 8 - count));
}

/// Like block4x8 for the last `width` (< 8) columns: masked loads and stores, so narrow
/// layers (a 3-class output, 12 hidden units) stay in registers instead of a scalar loop.
__attribute__((target("avx2,fma")))
static void block4xTail(const float *a, const float *b, float *c, long k, long n, __m256i mask) {
    float *r1 = c + n, *r2 = r1 + n, *r3 = r2 + n;
    const float *a1 = a + k, *a2 = a1 + k, *a3 = a2 + k;
    __m256 c0 = _mm256_maskload_ps(c, mask), c1 = _mm256_maskload_ps(r1, mask);
    __m256 c2 = _mm256_maskload_ps(r2, mask), c3 = _mm256_maskload_ps(r3, mask);
    for (long p = 0; p < k; p++) {
        __m256 bv = _mm256_maskload_ps(b + p * n, mask);
        c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + p), bv, c0);
        c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a1 + p), bv, c1);
        c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a2 + p), bv, c2);
        c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a3 + p), bv, c3);
    }
    _mm256_maskstore_ps(c, mask, c0); _mm256_maskstore_ps(r1, mask, c1);
    _mm256_maskstore_ps(r2, mask, c2); _mm256_maskstore_ps(r3, mask, c3);
}

/// One row of C (the rows left over after blocks of four, and single-row predictions),
/// eight columns at a time, the last group masked.
__attribute__((target("avx2,fma")))
static void row(const float *a, const float *b, float *c, long k, long n) {
    for (long j = 0; j < n; j += 8) {
        __m256i mask = lanes(n - j < 8 ? n - j : 8);
        __m256 acc = _mm256_maskload_ps(c + j, mask);
        for (long p = 0; p < k; p++) {
            acc = _mm256_fmadd_ps(_mm256_broadcast_ss(a + p), _mm256_maskload_ps(b + p * n + j, mask), acc);
        }
        _mm256_maskstore_ps(c + j, mask, acc);
    }
}

__attribute__((target("avx2,fma")))
void capstan_sgemm_accumulate_avx2(const float *a, const float *b, float *c, long m, long k, long n) {
    long i = 0;
    for (; i + 4 <= m; i += 4) {
        long j = 0;
        for (; j + 16 <= n; j += 16) block4x16(a + i * k, b + j, c + i * n + j, k, n);
        for (; j + 8 <= n; j += 8) block4x8(a + i * k, b + j, c + i * n + j, k, n);
        if (j < n) block4xTail(a + i * k, b + j, c + i * n + j, k, n, lanes(n - j));
    }
    for (; i < m; i++) row(a + i * k, b, c + i * n, k, n);
}

#else

bool capstan_has_avx2_fma(void) { return false; }

void capstan_sgemm_accumulate_avx2(const float *a, const float *b, float *c, long m, long k, long n) {
    (void)a; (void)b; (void)c; (void)m; (void)k; (void)n;
}

#endif
