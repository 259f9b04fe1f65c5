#include "autograd/cpu/onednn_runtime.h"

#include <omp.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "autograd/cpu/parallel.h"
#include "autograd/error.h"
#include "oneapi/dnnl/dnnl.h"

namespace acaode {
namespace cpu {

int PrepareOneDnnThreads() {
  static const pid_t first_pid = getpid();
  const int threads = getpid() == first_pid ? NumThreads() : 1;
  omp_set_num_threads(threads);
  return threads;
}

void OneDnnSgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
                 const float* b, float* c, bool accumulate) {
  PrepareOneDnnThreads();
  const int64_t lda = trans_a ? m : k, ldb = trans_b ? k : n;
  const dnnl_status_t status = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, 1.0f,
                                          a, lda, b, ldb, accumulate ? 1.0f : 0.0f, c, n);
  if (status != dnnl_success) {
    throw RuntimeError(absl::StrCat("oneDNN sgemm failed (status ", static_cast<int>(status),
                                    ") for [", m, ", ", k, "] x [", k, ", ", n, "]"));
  }
}

}  // namespace cpu
}  // namespace acaode
