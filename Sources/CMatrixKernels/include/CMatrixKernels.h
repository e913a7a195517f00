#ifndef CAPSTAN_MATRIX_KERNELS_H
#define CAPSTAN_MATRIX_KERNELS_H

#include <stdbool.h>

/// True when this CPU has AVX2 and FMA, so `capstan_sgemm_accumulate_avx2` may run.
bool capstan_has_avx2_fma(void);

/// c[m×n] += a[m×k] · b[k×n], row-major floats, with AVX2/FMA instructions.
/// Call only when `capstan_has_avx2_fma()` is true.
void capstan_sgemm_accumulate_avx2(const float *a, const float *b, float *c, long m, long k, long n);

#endif
