#include "autograd/cpu/sgemm_avx512.h"

#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "autograd/cpu/isa/isa.h"

namespace acaode {
namespace cpu {
namespace {

constexpr int kMr = 8;         // rows of the register tile
constexpr int kNr = 32;        // columns of the register tile (2 zmm)
constexpr int64_t kKc = 256;   // depth of a packed block
constexpr int64_t kMc = 128;   // rows of a packed A block (fits L2)
constexpr int64_t kNc = 4096;  // columns of a packed B block

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};

// A thread-local, growing, 64-byte aligned scratch buffer.
float* Scratch(int which, int64_t floats) {
  thread_local std::unique_ptr<float, AlignedFree> buf[2];
  thread_local int64_t cap[2] = {0, 0};
  if (cap[which] < floats) {
    const size_t bytes = ((static_cast<size_t>(floats) * sizeof(float) + 63) / 64) * 64;
    buf[which].reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    if (!buf[which]) throw std::bad_alloc();
    cap[which] = floats;
  }
  return buf[which].get();
}

// Packs op(A)[i0 : i0+mc, p0 : p0+kc] into panels of kMr rows, each stored
// k-major (kc x kMr), zero-padded to a multiple of kMr rows.
void PackA(bool ta, const float* a, int64_t lda, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
           float* out) {
  for (int64_t ir = 0; ir < mc; ir += kMr) {
    const int64_t mr = mc - ir < kMr ? mc - ir : kMr;
    for (int64_t p = 0; p < kc; ++p) {
      float* dst = out + ir * kc + p * kMr;
      for (int64_t i = 0; i < mr; ++i) {
        const int64_t row = i0 + ir + i, col = p0 + p;
        dst[i] = ta ? a[col * lda + row] : a[row * lda + col];
      }
      for (int64_t i = mr; i < kMr; ++i) dst[i] = 0.0f;
    }
  }
}

// Packs op(B)[p0 : p0+kc, j0 : j0+nc] into panels of kNr columns, each
// stored k-major (kc x kNr), zero-padded to a multiple of kNr columns.
// Full panels use AVX-512 moves (plain B) or gathers (transposed B): the
// packed matrix is as large as the im2col matrix, so this is hot.
__attribute__((target("avx512f"))) void PackB(bool tb, const float* b, int64_t ldb, int64_t p0,
                                              int64_t kc, int64_t j0, int64_t nc, float* out) {
  // Gathers index with 32-bit offsets j * ldb, j < kNr.
  const bool can_gather = ldb < (int64_t{1} << 31) / kNr;
  for (int64_t jr = 0; jr < nc; jr += kNr) {
    const int64_t nr = nc - jr < kNr ? nc - jr : kNr;
    float* panel = out + jr * kc;
    if (!tb) {
      if (nr == kNr) {
        for (int64_t p = 0; p < kc; ++p) {
          const float* src = b + (p0 + p) * ldb + j0 + jr;
          _mm512_storeu_ps(panel + p * kNr, _mm512_loadu_ps(src));
          _mm512_storeu_ps(panel + p * kNr + 16, _mm512_loadu_ps(src + 16));
        }
      } else {
        for (int64_t p = 0; p < kc; ++p) {
          const float* src = b + (p0 + p) * ldb + j0 + jr;
          float* dst = panel + p * kNr;
          for (int64_t j = 0; j < nr; ++j) dst[j] = src[j];
          for (int64_t j = nr; j < kNr; ++j) dst[j] = 0.0f;
        }
      }
    } else if (nr == kNr && can_gather) {
      // Column p of the 32 source rows: two 16-lane gathers.
      const __m512i step =
          _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                             _mm512_set1_epi32(static_cast<int>(ldb)));
      const float* src0 = b + (j0 + jr) * ldb + p0;
      const float* src1 = src0 + 16 * ldb;
      // (The masked form with an explicit zero source: GCC 12 warns that
      // the unmasked intrinsic's internal source "may be uninitialized".)
      const __m512 zero = _mm512_setzero_ps();
      for (int64_t p = 0; p < kc; ++p) {
        _mm512_storeu_ps(panel + p * kNr,
                         _mm512_mask_i32gather_ps(zero, 0xFFFF, step, src0 + p, 4));
        _mm512_storeu_ps(panel + p * kNr + 16,
                         _mm512_mask_i32gather_ps(zero, 0xFFFF, step, src1 + p, 4));
      }
    } else {
      const float* src = b + (j0 + jr) * ldb + p0;
      for (int64_t p = 0; p < kc; ++p) {
        float* dst = panel + p * kNr;
        for (int64_t j = 0; j < nr; ++j) dst[j] = src[j * ldb + p];
        for (int64_t j = nr; j < kNr; ++j) dst[j] = 0.0f;
      }
    }
  }
}

// C tile (mr x nr at c, row stride ldc) (=|+=) Ap (kc x kMr) * Bp (kc x kNr).
__attribute__((target("avx512f"))) void MicroKernel(int64_t kc, const float* ap, const float* bp,
                                                    float* c, int64_t ldc, int64_t mr, int64_t nr,
                                                    bool add) {
  __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
  __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
  __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
  __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
  __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
  __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
  __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps();
  __m512 c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_loadu_ps(bp);
    const __m512 b1 = _mm512_loadu_ps(bp + 16);
    __m512 a;
    // One row of the register tile per line.
    // clang-format off
    a = _mm512_set1_ps(ap[0]); c00 = _mm512_fmadd_ps(a, b0, c00); c01 = _mm512_fmadd_ps(a, b1, c01);
    a = _mm512_set1_ps(ap[1]); c10 = _mm512_fmadd_ps(a, b0, c10); c11 = _mm512_fmadd_ps(a, b1, c11);
    a = _mm512_set1_ps(ap[2]); c20 = _mm512_fmadd_ps(a, b0, c20); c21 = _mm512_fmadd_ps(a, b1, c21);
    a = _mm512_set1_ps(ap[3]); c30 = _mm512_fmadd_ps(a, b0, c30); c31 = _mm512_fmadd_ps(a, b1, c31);
    a = _mm512_set1_ps(ap[4]); c40 = _mm512_fmadd_ps(a, b0, c40); c41 = _mm512_fmadd_ps(a, b1, c41);
    a = _mm512_set1_ps(ap[5]); c50 = _mm512_fmadd_ps(a, b0, c50); c51 = _mm512_fmadd_ps(a, b1, c51);
    a = _mm512_set1_ps(ap[6]); c60 = _mm512_fmadd_ps(a, b0, c60); c61 = _mm512_fmadd_ps(a, b1, c61);
    a = _mm512_set1_ps(ap[7]); c70 = _mm512_fmadd_ps(a, b0, c70); c71 = _mm512_fmadd_ps(a, b1, c71);
    // clang-format on
    ap += kMr;
    bp += kNr;
  }
  alignas(64) float tile[kMr * kNr];
  // clang-format off
  _mm512_store_ps(tile + 0 * kNr, c00); _mm512_store_ps(tile + 0 * kNr + 16, c01);
  _mm512_store_ps(tile + 1 * kNr, c10); _mm512_store_ps(tile + 1 * kNr + 16, c11);
  _mm512_store_ps(tile + 2 * kNr, c20); _mm512_store_ps(tile + 2 * kNr + 16, c21);
  _mm512_store_ps(tile + 3 * kNr, c30); _mm512_store_ps(tile + 3 * kNr + 16, c31);
  _mm512_store_ps(tile + 4 * kNr, c40); _mm512_store_ps(tile + 4 * kNr + 16, c41);
  _mm512_store_ps(tile + 5 * kNr, c50); _mm512_store_ps(tile + 5 * kNr + 16, c51);
  _mm512_store_ps(tile + 6 * kNr, c60); _mm512_store_ps(tile + 6 * kNr + 16, c61);
  _mm512_store_ps(tile + 7 * kNr, c70); _mm512_store_ps(tile + 7 * kNr + 16, c71);
  // clang-format on
  if (nr == kNr) {
    for (int64_t i = 0; i < mr; ++i) {
      float* row = c + i * ldc;
      const __m512 t0 = _mm512_load_ps(tile + i * kNr);
      const __m512 t1 = _mm512_load_ps(tile + i * kNr + 16);
      if (add) {
        _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), t0));
        _mm512_storeu_ps(row + 16, _mm512_add_ps(_mm512_loadu_ps(row + 16), t1));
      } else {
        _mm512_storeu_ps(row, t0);
        _mm512_storeu_ps(row + 16, t1);
      }
    }
    return;
  }
  for (int64_t i = 0; i < mr; ++i) {
    float* row = c + i * ldc;
    for (int64_t j = 0; j < nr; ++j) row[j] = add ? row[j] + tile[i * kNr + j] : tile[i * kNr + j];
  }
}

}  // namespace

bool HasAvx512() { return ActiveIsa() == Isa::kAvx512; }

void SgemmAvx512(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, const float* b,
                 float* c, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) std::memset(c, 0, sizeof(float) * m * n);
    return;
  }
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  const int64_t kc_max = k < kKc ? k : kKc;
  const int64_t nc_max = n < kNc ? n : kNc;
  const int64_t mc_max = m < kMc ? m : kMc;
  float* bpack = Scratch(0, kc_max * ((nc_max + kNr - 1) / kNr) * kNr);
  float* apack = Scratch(1, kc_max * ((mc_max + kMr - 1) / kMr) * kMr);
  for (int64_t jc = 0; jc < n; jc += kNc) {
    const int64_t nc = n - jc < kNc ? n - jc : kNc;
    for (int64_t pc = 0; pc < k; pc += kKc) {
      const int64_t kc = k - pc < kKc ? k - pc : kKc;
      const bool add = accumulate || pc > 0;
      PackB(tb, b, ldb, pc, kc, jc, nc, bpack);
      for (int64_t ic = 0; ic < m; ic += kMc) {
        const int64_t mc = m - ic < kMc ? m - ic : kMc;
        PackA(ta, a, lda, ic, mc, pc, kc, apack);
        for (int64_t jr = 0; jr < nc; jr += kNr) {
          const int64_t nr = nc - jr < kNr ? nc - jr : kNr;
          for (int64_t ir = 0; ir < mc; ir += kMr) {
            const int64_t mr = mc - ir < kMr ? mc - ir : kMr;
            MicroKernel(kc, apack + ir * kc, bpack + jr * kc, c + (ic + ir) * n + jc + jr, n, mr,
                        nr, add);
          }
        }
      }
    }
  }
}

}  // namespace cpu
}  // namespace acaode
