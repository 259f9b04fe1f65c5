// acaode._core._nccl: the NCCL transport of acaode.distributed for CUDA tensors
// (autograd/cuda/nccl.h; NCCL is loaded at run time, Note [NCCL at run time]). Private: the
// public face is acaode.distributed, which sends rank 0's id to the others over MPI.
//
//   ok, why = _nccl.available()
//   uid = _nccl.unique_id()                          # bytes, on rank 0
//   comm = _nccl.Communicator(uid, world_size, rank)  # every rank, blocks until all join
//   comm.all_reduce([g1, g2], "avg"); comm.broadcast([w], 0)
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/cuda/nccl.h"
#include "bindings/core/bindings.h"

namespace acaode::bindings {
namespace {

cuda::NcclOp ParseNcclOp(const std::string& op) {
  if (op == "sum") return cuda::NcclOp::kSum;
  if (op == "avg" || op == "mean") return cuda::NcclOp::kAvg;
  if (op == "max") return cuda::NcclOp::kMax;
  if (op == "min") return cuda::NcclOp::kMin;
  throw py::value_error("NCCL all_reduce: op must be sum, mean, max or min, got '" + op + "'");
}

cuda::NcclUniqueId ParseUniqueId(const py::bytes& b) {
  const std::string s = b;
  cuda::NcclUniqueId id;
  if (s.size() != sizeof(id.bytes)) {
    throw py::value_error("NCCL: a unique id has " + std::to_string(sizeof(id.bytes)) +
                          " bytes, got " + std::to_string(s.size()));
  }
  std::memcpy(id.bytes, s.data(), sizeof(id.bytes));
  return id;
}

}  // namespace

void BindNccl(py::module_& m) {
  py::module_ n = m.def_submodule("_nccl", "NCCL collectives on CUDA tensors (private).");
  n.def(
      "available",
      [] {
        std::string why;
        const bool ok = cuda::NcclAvailable(&why);
        return std::make_pair(ok, why);
      },
      "(True, '') when NCCL loads, else (False, why).");
  n.def(
      "version", [] { return cuda::NcclVersion(); },
      "The loaded NCCL's version code, e.g. 22803 (RuntimeError without NCCL).");
  n.def(
      "unique_id",
      [] {
        const cuda::NcclUniqueId id = cuda::NcclGetUniqueId();
        return py::bytes(id.bytes, sizeof(id.bytes));
      },
      "A fresh communicator id (bytes), made on one rank and sent to the others.");
  py::class_<cuda::NcclCommunicator>(n, "Communicator",
                                     "One rank's membership of an NCCL communicator.")
      .def(py::init([](const py::bytes& uid, int world_size, int rank) {
             const cuda::NcclUniqueId id = ParseUniqueId(uid);
             py::gil_scoped_release release;  // blocks until every rank has joined
             return std::make_unique<cuda::NcclCommunicator>(id, world_size, rank);
           }),
           py::arg("unique_id"), py::arg("world_size"), py::arg("rank"))
      .def_property_readonly("rank", &cuda::NcclCommunicator::rank)
      .def_property_readonly("world_size", &cuda::NcclCommunicator::world_size)
      .def(
          "all_reduce",
          [](cuda::NcclCommunicator& c, const std::vector<Tensor>& tensors, const std::string& op) {
            const cuda::NcclOp nccl_op = ParseNcclOp(op);
            py::gil_scoped_release release;
            c.AllReduce(tensors, nccl_op);
          },
          py::arg("tensors"), py::arg("op") = "sum",
          "Each CUDA tensor reduced over the ranks in place (sum, mean, max, min).")
      .def(
          "broadcast",
          [](cuda::NcclCommunicator& c, const std::vector<Tensor>& tensors, int root) {
            py::gil_scoped_release release;
            c.Broadcast(tensors, root);
          },
          py::arg("tensors"), py::arg("root") = 0,
          "Each CUDA tensor replaced in place by rank root's values.")
      .def("abort", &cuda::NcclCommunicator::Abort,
           "Ends the communicator without waiting for the other ranks.");
}

}  // namespace acaode::bindings
