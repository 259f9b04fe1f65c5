// Matrix products (Eigen GEMM on row-major buffers).
//
//   MatMul([M, K], [K, N])        -> [M, N]
//   MatMul([B, M, K], [B, K, N])  -> [B, M, N]   (batched)
//   MatMul([B, M, K], [K, N])     -> [B, M, N]   (shared right factor)
//   MatMul([K], [K, N])           -> [N]; MatMul([M, K], [K]) -> [M]
//
// ValueError names both shapes when the inner sizes or batch sizes differ,
// or the dtypes differ.
#ifndef ACAODE_AUTOGRAD_OPS_MATMUL_H_
#define ACAODE_AUTOGRAD_OPS_MATMUL_H_

#include "autograd/tensor.h"

namespace acaode {

Tensor MatMul(const Tensor& a, const Tensor& b);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_MATMUL_H_
