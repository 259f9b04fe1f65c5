// Statistics of one `Odeint` solve, forward and (once it has run) backward.
//
//   ASSIGN_OR_RETURN(aca::OdeintResult r, aca::Odeint(f, params, z0, ts, options));
//   Sum(r.ys).backward();
//   std::cout << *r.stats;   // f evaluations, steps, checkpoint and tape bytes
//
// The result holds a shared_ptr to the stats; the gradient node holds the same object and
// fills in the backward fields when backward runs.
//
// Memory is counted in bytes of the tensor allocator (autograd/allocator.h):
//  * checkpoint_bytes: the states the method keeps between forward and backward beyond
//    the inputs and outputs: ACA's accepted z_1..z_N (N_t × state bytes; with a memory
//    budget, the states it kept, and its kept tapes in peak_held_bytes); 0 for the adjoint
//    (it keeps only the outputs) and for naive (its memory is the tape).
//  * peak_tape_bytes: the largest amount of memory held by a recorded graph at one time:
//    naive, the whole taped forward solve (bytes in use at its end minus at its start);
//    ACA, the largest local replay of one step; adjoint, the largest taped evaluation of f
//    inside the augmented dynamics. 0 until the method has taped anything.
#ifndef ACAODE_ACA_STATS_H_
#define ACAODE_ACA_STATS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <vector>

#include "autograd/tensor.h"

namespace acaode {
namespace aca {

struct SolveStats {
  // Evaluations of f in the forward solve (initial-step selection included).
  int64_t forward_f_evals = 0;
  // Evaluations of f in the backward pass (ACA: the replays, stages − 1 per step for FSAL
  // methods, Note [FSAL stage in the replay]; adjoint: the augmented dynamics, one taped f
  // and one VJP each; naive: 2 per taped stage of an adaptive solve, for f's time
  // argument, Note [Time argument of f in the naive method]; with times that require grad,
  // one more per output time, Note [Output-time gradients]).
  int64_t backward_f_evals = 0;
  // Steps of the forward solve.
  int64_t accepted_steps = 0;
  int64_t rejected_steps = 0;
  // Steps of the adjoint's backward solve (kAdjoint only).
  int64_t backward_accepted_steps = 0;
  int64_t backward_rejected_steps = 0;
  // See the file comment.
  size_t checkpoint_bytes = 0;
  size_t peak_tape_bytes = 0;
  // ACA's memory budget (OdeintOptions::memory_budget, Note [Memory budget] in
  // aca/step_store.h): the budget (< 0: none); the most bytes held for the backward pass
  // at one time (states + kept tapes), forward or backward; the steps whose tapes were kept
  // at the end of the forward pass; the steps the backward pass replayed; and the forward
  // steps it recomputed to rebuild states it did not hold (binomial checkpointing).
  int64_t memory_budget = -1;
  size_t peak_held_bytes = 0;
  int64_t retained_steps = 0;
  int64_t replayed_steps = 0;
  int64_t recomputed_steps = 0;
  // Whether a backward pass has run (and completed) through this solve.
  bool backward_done = false;

  // Diagnostics of reverse accuracy (the ACA paper's Appendix B), filled by backward:
  //  * ACA: the largest |replayed z_i − stored z_i| over all replayed steps (0 when the
  //    replay reproduces the forward states bitwise). MALI: the largest |replayed step −
  //    the state it was recovered from by inversion|. 0 for the other methods.
  double replay_max_abs_diff = 0.0;
  //  * Adjoint: z(ts[0]) as reconstructed by the backward solve of the augmented system
  //    (compare with z0: the reconstruction is inexact). MALI: z(ts[0]) as recovered by
  //    inverting every ALF step (exact up to round-off). Undefined for ACA and naive.
  Tensor adjoint_reconstructed_z0;
};

std::ostream& operator<<(std::ostream& os, const SolveStats& stats);

// What `Odeint` returns.
struct OdeintResult {
  // The states at the requested times, shape [ts.size(), *z0.shape()] (ys[0] = z0),
  // connected to the tape: a backward from a loss on ys reaches z0 and the parameters.
  Tensor ys;
  // Shared with the gradient node, which fills the backward fields.
  std::shared_ptr<SolveStats> stats;
  // The forward solve's accepted grid t_0 = ts[0], t_1, ..., t_N (step i goes from
  // accepted_times[i-1] to accepted_times[i] with h = accepted_times[i] − accepted_times[i-1];
  // every ts[k] is one of them). For inspection and tests.
  std::vector<double> accepted_times;
};

// Allocator bytes in use on the CPU right now; the basis of the tape-byte statistics.
size_t CpuBytesInUse();

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_STATS_H_
