// NCCL collectives over CUDA tensors, the GPU transport of acaode.distributed (docs/
// distributed.md): every rank drives one GPU, and the ranks agree on a communicator through
// an id that rank 0 makes and sends to the others over another channel (MPI).
//
//   cuda::NcclUniqueId id;
//   if (rank == 0) id = cuda::NcclGetUniqueId();
//   <broadcast id.bytes from rank 0, e.g. MPI_Bcast>
//   cuda::NcclCommunicator comm(id, world_size, rank);   // on this process's GPU
//   comm.AllReduce({grad_w, grad_b}, cuda::NcclOp::kAvg);  // in place, one fused group
//   comm.Broadcast({w, b}, /*root=*/0);
//
// Note [NCCL at run time]: like cuBLAS (Note [cuBLAS at run time], cublas_loader.h), NCCL is
// not linked: the extension must import, and train on CPUs, where NCCL is absent. The first
// use dlopens libnccl.so.2 (the loader path, or the file ACAODE_NCCL_LIBRARY names; the
// nvidia-nccl wheels put it in site-packages/nvidia/nccl/lib) and resolves the entry points
// below. The declarations are NCCL 2's ABI (stable since 2.0; ncclAvg since 2.10, checked
// through ncclGetVersion); where the build has nccl.h they are also checked against it.
//
// Contract: every rank calls the collectives in the same order with tensors of the same
// shapes and dtypes (float32 or float64, CUDA, contiguous). The collectives run on
// CurrentStream(), ordered with the kernels that produced and consume the tensors; they
// return before the transfer ends. A collective a peer never joins blocks (the job's abort
// handler, acaode.distributed.init(), ends every rank when one raises).
#ifndef ACAODE_AUTOGRAD_CUDA_NCCL_H_
#define ACAODE_AUTOGRAD_CUDA_NCCL_H_

#include <string>
#include <vector>

#include "autograd/tensor.h"

namespace acaode {
namespace cuda {

struct NcclUniqueId {
  char bytes[128] = {};
};

enum class NcclOp : int { kSum, kAvg, kMax, kMin };

// Whether libnccl loads and is at least 2.10; *why (if given) says what is missing otherwise.
bool NcclAvailable(std::string* why = nullptr);

// The loaded library's version as major * 10000 + minor * 100 + patch, e.g. 22803.
int NcclVersion();

// A fresh id for a new communicator (on one rank, to be sent to the others).
NcclUniqueId NcclGetUniqueId();

class NcclCommunicator {
 public:
  // Joins the communicator `id` as `rank` of `world_size`, on this process's GPU; blocks
  // until every rank has joined. Throws RuntimeError naming what failed (no GPU, no NCCL,
  // a rank out of range, NCCL's own error).
  NcclCommunicator(const NcclUniqueId& id, int world_size, int rank);
  ~NcclCommunicator();
  NcclCommunicator(const NcclCommunicator&) = delete;
  NcclCommunicator& operator=(const NcclCommunicator&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }

  // Each tensor's values, in place, reduced over the ranks; all tensors in one NCCL group.
  void AllReduce(const std::vector<Tensor>& tensors, NcclOp op);
  // Each tensor's values, in place, replaced by rank root's; one NCCL group.
  void Broadcast(const std::vector<Tensor>& tensors, int root);
  // Ends the communicator without waiting for the peers (after a failure); later calls throw.
  void Abort();

 private:
  void* comm_ = nullptr;  // ncclComm_t
  int world_size_;
  int rank_;
};

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_NCCL_H_
