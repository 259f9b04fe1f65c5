// See nccl.h, Note [NCCL at run time].
#include "autograd/cuda/nccl.h"

#include <exception>
#include <string>
#include <vector>

#include "autograd/cuda/dynamic_library.h"
#include "autograd/cuda/runtime.h"
#include "autograd/error.h"

#if __has_include(<nccl.h>)
#include <nccl.h>
#define ACAODE_HAVE_NCCL_HEADER 1
#endif

namespace acaode {
namespace cuda {
namespace {

// NCCL 2's ABI, as nccl.h declares it (Note [NCCL at run time]).
using NcclResult = int;  // ncclResult_t; 0 = ncclSuccess
using NcclComm = void*;  // ncclComm_t
constexpr int kNcclSum = 0, kNcclMax = 2, kNcclMin = 3, kNcclAvg = 4;
constexpr int kNcclFloat32 = 7, kNcclFloat64 = 8;
constexpr int kNcclMinVersion = 21000;  // ncclAvg

#ifdef ACAODE_HAVE_NCCL_HEADER
static_assert(sizeof(ncclUniqueId) == sizeof(NcclUniqueId), "ncclUniqueId's size");
static_assert(ncclSum == kNcclSum && ncclMax == kNcclMax && ncclMin == kNcclMin &&
                  ncclAvg == kNcclAvg,
              "NCCL's reduction ops");
static_assert(ncclFloat32 == kNcclFloat32 && ncclFloat64 == kNcclFloat64, "NCCL's data types");
static_assert(ncclSuccess == 0, "ncclSuccess");
#endif

struct NcclApi {
  NcclResult (*get_version)(int*);
  NcclResult (*get_unique_id)(NcclUniqueId*);
  NcclResult (*comm_init_rank)(NcclComm*, int, NcclUniqueId, int);
  NcclResult (*comm_destroy)(NcclComm);
  NcclResult (*comm_abort)(NcclComm);
  const char* (*get_error_string)(NcclResult);
  NcclResult (*all_reduce)(const void*, void*, size_t, int, int, NcclComm, Stream);
  NcclResult (*broadcast)(const void*, void*, size_t, int, int, NcclComm, Stream);
  NcclResult (*group_start)();
  NcclResult (*group_end)();
  int version = 0;
};

NcclApi Load() {
  const DynamicLibrary lib("NCCL", "ACAODE_NCCL_LIBRARY", "libnccl.so.2",
                           "collectives on CUDA tensors need NCCL 2.10 or newer on the loader path "
                           "(LD_LIBRARY_PATH; e.g. `pip install nvidia-nccl-cu13` puts it in "
                           "site-packages/nvidia/nccl/lib) or ACAODE_NCCL_LIBRARY set to its file");
  const char* not_nccl2 = " (not an NCCL 2 library?)";
  NcclApi api{};
  lib.Resolve("ncclGetVersion", &api.get_version, not_nccl2);
  lib.Resolve("ncclGetUniqueId", &api.get_unique_id, not_nccl2);
  lib.Resolve("ncclCommInitRank", &api.comm_init_rank, not_nccl2);
  lib.Resolve("ncclCommDestroy", &api.comm_destroy, not_nccl2);
  lib.Resolve("ncclCommAbort", &api.comm_abort, not_nccl2);
  lib.Resolve("ncclGetErrorString", &api.get_error_string, not_nccl2);
  lib.Resolve("ncclAllReduce", &api.all_reduce, not_nccl2);
  lib.Resolve("ncclBroadcast", &api.broadcast, not_nccl2);
  lib.Resolve("ncclGroupStart", &api.group_start, not_nccl2);
  lib.Resolve("ncclGroupEnd", &api.group_end, not_nccl2);
  if (api.get_version(&api.version) != 0 || api.version < kNcclMinVersion) {
    throw RuntimeError("NCCL: " + lib.file() + " is version " + std::to_string(api.version) +
                       "; acaode needs NCCL 2.10 (21000) or newer");
  }
  return api;
}

const NcclApi& Nccl() {
  // A failed load throws out of the initializer, so the next call tries again.
  static const NcclApi api = Load();
  return api;
}

void CheckNccl(NcclResult status, const char* what) {
  if (status == 0) return;
  throw RuntimeError(std::string("NCCL ") + what + " failed: " + Nccl().get_error_string(status) +
                     " (error " + std::to_string(status) + ")");
}

int ToNcclOp(NcclOp op) {
  switch (op) {
    case NcclOp::kSum:
      return kNcclSum;
    case NcclOp::kAvg:
      return kNcclAvg;
    case NcclOp::kMax:
      return kNcclMax;
    case NcclOp::kMin:
      return kNcclMin;
  }
  throw ValueError("NCCL: unknown reduction op");
}

int ToNcclType(const Tensor& t) {
  return t.dtype() == DType::kFloat64 ? kNcclFloat64 : kNcclFloat32;
}

void CheckTensors(const std::vector<Tensor>& tensors, const char* what) {
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (!t.defined()) {
      throw ValueError(std::string("NCCL ") + what + ": tensor " + std::to_string(i) +
                       " is undefined");
    }
    if (t.device() != Device::kCuda) {
      throw ValueError(std::string("NCCL ") + what + ": tensor " + std::to_string(i) + " is on " +
                       DeviceName(t.device()) + "; NCCL moves CUDA tensors only");
    }
  }
}

// Runs `body` between ncclGroupStart and ncclGroupEnd; the group is closed even when body
// throws (NCCL requires every started group to end).
template <class Body>
void InGroup(const char* what, Body body) {
  const NcclApi& api = Nccl();
  CheckNccl(api.group_start(), "ncclGroupStart");
  try {
    body(api);
  } catch (...) {
    api.group_end();
    throw;
  }
  CheckNccl(api.group_end(), what);
}

}  // namespace

bool NcclAvailable(std::string* why) {
  try {
    Nccl();
    return true;
  } catch (const std::exception& e) {
    if (why != nullptr) *why = e.what();
    return false;
  }
}

int NcclVersion() { return Nccl().version; }

NcclUniqueId NcclGetUniqueId() {
  NcclUniqueId id;
  CheckNccl(Nccl().get_unique_id(&id), "ncclGetUniqueId");
  return id;
}

NcclCommunicator::NcclCommunicator(const NcclUniqueId& id, int world_size, int rank)
    : world_size_(world_size), rank_(rank) {
  if (world_size < 1 || rank < 0 || rank >= world_size) {
    throw ValueError("NCCL: rank " + std::to_string(rank) + " is not in a world of " +
                     std::to_string(world_size));
  }
  RequireDevice("NCCL communicator");
  CurrentStream();  // the process's GPU is chosen and its context made before NCCL uses it
  CheckNccl(Nccl().comm_init_rank(&comm_, world_size, id, rank), "ncclCommInitRank");
}

NcclCommunicator::~NcclCommunicator() {
  if (comm_ != nullptr) Nccl().comm_destroy(comm_);  // no throw from a destructor
}

void NcclCommunicator::Abort() {
  if (comm_ == nullptr) return;
  NcclComm comm = comm_;
  comm_ = nullptr;
  CheckNccl(Nccl().comm_abort(comm), "ncclCommAbort");
}

void NcclCommunicator::AllReduce(const std::vector<Tensor>& tensors, NcclOp op) {
  if (comm_ == nullptr) throw RuntimeError("NCCL all_reduce: the communicator was aborted");
  CheckTensors(tensors, "all_reduce");
  InGroup("all_reduce", [&](const NcclApi& api) {
    for (const Tensor& t : tensors) {
      if (t.numel() == 0) continue;
      CheckNccl(api.all_reduce(t.raw_data(), t.raw_data(), static_cast<size_t>(t.numel()),
                               ToNcclType(t), ToNcclOp(op), comm_, CurrentStream()),
                "ncclAllReduce");
    }
  });
}

void NcclCommunicator::Broadcast(const std::vector<Tensor>& tensors, int root) {
  if (comm_ == nullptr) throw RuntimeError("NCCL broadcast: the communicator was aborted");
  if (root < 0 || root >= world_size_) {
    throw ValueError("NCCL broadcast: root " + std::to_string(root) + " is not in a world of " +
                     std::to_string(world_size_));
  }
  CheckTensors(tensors, "broadcast");
  InGroup("broadcast", [&](const NcclApi& api) {
    for (const Tensor& t : tensors) {
      if (t.numel() == 0) continue;
      CheckNccl(api.broadcast(t.raw_data(), t.raw_data(), static_cast<size_t>(t.numel()),
                              ToNcclType(t), root, comm_, CurrentStream()),
                "ncclBroadcast");
    }
  });
}

}  // namespace cuda
}  // namespace acaode
