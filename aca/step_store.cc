#include "aca/step_store.h"

#include <algorithm>
#include <utility>

#include "aca/revolve.h"

namespace acaode {
namespace aca {

StepStore::StepStore(int64_t budget_bytes, const Tensor& z0)
    : budget_(budget_bytes),
      state_bytes_(z0.nbytes()),
      taping_(budget_bytes >= 0 &&
              static_cast<double>(budget_bytes) >= 2.0 * static_cast<double>(z0.nbytes())) {
  states_.emplace(0, z0);
}

void StepStore::NotePeak() { peak_ = std::max(peak_, held_); }

void StepStore::Hold(int64_t i, const Tensor& z) {
  states_[i] = z;
  held_ += state_bytes_;
}

void StepStore::Drop(std::map<int64_t, Tensor>::iterator it) {
  states_.erase(it);
  held_ -= state_bytes_;
}

void StepStore::EvictOldestTape() {
  auto oldest = tapes_.begin();
  held_ -= oldest->second.bytes;
  tape_bytes_ -= oldest->second.bytes;
  tapes_.erase(oldest);
}

void StepStore::Thin() {
  while (HeldStates() > slots_) {
    stride_ *= 2;
    for (auto it = std::next(states_.begin()); it != states_.end();) {
      auto next = std::next(it);
      if (it->first % stride_ != 0) Drop(it);
      it = next;
    }
  }
}

void StepStore::Add(const Tensor& z_i, const Tensor& taped_end, const Tensor& start,
                    size_t trial_bytes) {
  const int64_t i = ++steps_;
  if (budget_ < 0) {  // no budget: every state, and the last step's tape uncounted
    Hold(i, z_i);
    if (taped_end.defined()) tapes_.emplace(i, StepTape{taped_end, start, 0});
    NotePeak();
    return;
  }
  const size_t budget = static_cast<size_t>(budget_);
  if (binomial_) {
    if (i % stride_ == 0) {
      Hold(i, z_i);
      Thin();
    }
    NotePeak();
    return;
  }
  Hold(i, z_i);
  if (taped_end.defined()) {
    // z_i's storage is the taped end's: counted once, as a state.
    const size_t bytes = trial_bytes > state_bytes_ ? trial_bytes - state_bytes_ : 0;
    tapes_.emplace(i, StepTape{taped_end, start, bytes});
    held_ += bytes;
    tape_bytes_ += bytes;
  }
  while (held_ > budget && !tapes_.empty()) EvictOldestTape();
  if (taped_end.defined() && tapes_.count(i) == 0) taping_ = false;  // never fits again
  if (held_ > budget) {
    // The states alone exceed the budget: binomial checkpointing from here on.
    binomial_ = true;
    taping_ = false;
    slots_ = static_cast<int64_t>(budget / std::max<size_t>(state_bytes_, 1));
    Thin();
  }
  NotePeak();
}

bool StepStore::HasTape(int64_t i) const { return tapes_.count(i) != 0; }

StepTape StepStore::TakeTape(int64_t i) {
  auto it = tapes_.find(i);
  StepTape tape = std::move(it->second);
  tapes_.erase(it);
  held_ -= tape.bytes;
  tape_bytes_ -= tape.bytes;
  return tape;
}

Tensor StepStore::StateBefore(int64_t i,
                              const std::function<Tensor(int64_t, const Tensor&)>& advance) {
  // States at i and later are not needed by the steps still to be reversed (≤ i).
  for (auto it = states_.lower_bound(std::max<int64_t>(i, 1)); it != states_.end();) {
    auto next = std::next(it);
    Drop(it);
    it = next;
  }
  auto it = std::prev(states_.upper_bound(i - 1));  // the latest held state ≤ i − 1
  int64_t j = it->first;
  Tensor z = it->second;
  // Note [Revolve cost]: reverse steps j+1..i lazily — keep z_{j+m} with the split the
  // recursion would choose for the slots now free, recurse on the right part.
  while (j < i - 1) {
    const int64_t free_slots = binomial_ ? std::max<int64_t>(slots_ - HeldStates(), 0) : i - 1 - j;
    const int64_t m = free_slots == 0 ? i - 1 - j : RevolveSplit(i - j, free_slots);
    for (int64_t k = 0; k < m; ++k, ++j) {
      z = advance(j, z);
      ++recomputed_;
    }
    if (free_slots > 0 && j < i - 1) {
      Hold(j, z);
      NotePeak();
    }
  }
  return z;
}

}  // namespace aca
}  // namespace acaode
