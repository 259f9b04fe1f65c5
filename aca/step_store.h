// What ACA keeps of its forward solve for the backward pass, within a memory budget.
//
//   StepStore store(budget_bytes, z0);            // budget < 0: no budget (every state)
//   // forward, after accepted step i = 1, 2, ... (taped or not: wants_tapes()):
//   store.Add(z_i, taped_z_i, leaf_z_{i-1}, trial_bytes);
//   // backward, for i = N, ..., 1 in that order:
//   if (store.HasTape(i)) { StepTape tape = store.TakeTape(i); ... Grad through it }
//   else { Tensor z = store.StateBefore(i, advance); ... replay step i from z }
//
// Note [Memory budget]. ACA (the paper's Appendix A) keeps one checkpoint per accepted
// step and replays every step in the backward pass. One budget B (bytes) chooses how much
// of the forward solve is kept instead; S is the bytes of one state, and the bytes held are the
// kept states z_1..z_N plus the kept tapes (z_0 is the caller's input and not counted):
//  * B < 0 (no budget): every state — the paper's ACA — and the tape of the last step only,
//    which the backward pass would otherwise replay first (Note [Taped last step],
//    solvers/integrate.cc). It is not counted: it is the one step's working graph that the
//    paper's ACA holds during the backward pass.
//  * Tape retention, while the states fit: every accepted state is kept, and an accepted
//    step may also keep its tape — the local graph of its stages, recorded in the forward
//    pass from the step's own leaf (Note [Taped steps from a leaf], solvers/explicit_rk.h)
//    — if the bytes held stay ≤ B. The backward pass back-propagates through a kept tape
//    directly and replays the other steps. Policy: the most recent tapes are kept (a new
//    tape evicts the oldest ones when it needs their room); all tapes of one f are about
//    the same size, so the number kept — the replays saved — is the most B allows, and
//    the backward pass meets them first. As states accumulate they take the room of the
//    oldest tapes; once a new tape no longer fits it never will (the bytes held only grow),
//    so the forward stops recording tapes.
//  * Binomial checkpointing, when the states alone exceed B: the tapes are dropped and at
//    most c = ⌊B / S⌋ states are held. The number of steps N is unknown during the forward
//    pass, so states are placed online: those at multiples of a stride d, d doubling (and
//    every other state dropped) whenever more than c would be held. Backward, the states
//    between two held ones are recomputed (untaped, bit for bit the forward's) following
//    revolve with the slots then free (aca/revolve.h): the reversal of each segment is
//    optimal for its length and slots; the total is reported as recomputed_steps.
// Never more than B bytes are held, forward or backward (peak_held_bytes) — not counting
// one step's working graph, the live state and the outputs, as for the paper's ACA.
// Gradients do not depend on B: a kept tape holds the very graph a replay would record,
// and recomputed states equal the forward's bitwise (tests/aca/memory_budget_test.cc).
#ifndef ACAODE_ACA_STEP_STORE_H_
#define ACAODE_ACA_STEP_STORE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>

#include "autograd/tensor.h"

namespace acaode {
namespace aca {

// A kept tape of step i: its taped end state, whose graph reaches back to `start`, the
// leaf holding z_{i−1} (and f's parameters).
struct StepTape {
  Tensor end;
  Tensor start;
  size_t bytes = 0;
};

class StepStore {
 public:
  // budget_bytes < 0: no budget. z0: the state at index 0 (held, not counted).
  StepStore(int64_t budget_bytes, const Tensor& z0);

  // Whether the forward pass should record the next step's tape. False from the start
  // without a budget (or one below two states), and for good once a tape did not fit.
  bool wants_tapes() const { return taping_; }

  // Forward: accepted step i (1, 2, ... in order) ended in z_i. When the step was taped,
  // taped_end is its taped z_new, start the leaf it started from, and trial_bytes the
  // bytes its trial allocated (z_i's own storage included); else all undefined / 0.
  void Add(const Tensor& z_i, const Tensor& taped_end, const Tensor& start, size_t trial_bytes);

  int64_t steps() const { return steps_; }

  // Backward, for i = steps(), ..., 1 in decreasing order (steps may be skipped).
  bool HasTape(int64_t i) const;
  // The tape of step i, forgotten by the store (and no longer counted).
  StepTape TakeTape(int64_t i);
  // z_{i−1}: held, or recomputed from the nearest held state before it; advance(j, z_j)
  // must return z_{j+1} (untaped). Forgets the states no later call needs.
  Tensor StateBefore(int64_t i, const std::function<Tensor(int64_t, const Tensor&)>& advance);

  // Statistics (Note [Memory budget]).
  size_t held_bytes() const { return held_; }
  size_t peak_held_bytes() const { return peak_; }
  int64_t retained_steps() const { return static_cast<int64_t>(tapes_.size()); }  // tapes held
  size_t tape_bytes() const { return tape_bytes_; }  // bytes of the tapes held
  int64_t recomputed_steps() const { return recomputed_; }
  bool binomial() const { return binomial_; }
  int64_t stride() const { return stride_; }  // binomial: states held at multiples of it
  int64_t slots() const { return slots_; }    // binomial: at most this many states held

 private:
  void Hold(int64_t i, const Tensor& z);
  void Drop(std::map<int64_t, Tensor>::iterator it);
  void EvictOldestTape();
  void Thin();  // doubles the stride until at most slots_ states are held
  int64_t HeldStates() const { return static_cast<int64_t>(states_.size()) - 1; }
  void NotePeak();

  int64_t budget_;
  size_t state_bytes_;
  bool taping_;
  bool binomial_ = false;
  int64_t slots_ = 0;
  int64_t stride_ = 1;
  int64_t steps_ = 0;
  std::map<int64_t, Tensor> states_;   // index → z_index; always holds 0
  std::map<int64_t, StepTape> tapes_;  // index → tape of that step
  size_t held_ = 0;
  size_t peak_ = 0;
  size_t tape_bytes_ = 0;
  int64_t recomputed_ = 0;
};

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_STEP_STORE_H_
