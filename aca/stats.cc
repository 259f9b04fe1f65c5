#include "aca/stats.h"

#include <ostream>

#include "autograd/allocator.h"

namespace acaode {
namespace aca {

std::ostream& operator<<(std::ostream& os, const SolveStats& s) {
  os << "SolveStats{forward_f_evals=" << s.forward_f_evals
     << ", backward_f_evals=" << s.backward_f_evals << ", accepted_steps=" << s.accepted_steps
     << ", rejected_steps=" << s.rejected_steps;
  if (s.backward_accepted_steps + s.backward_rejected_steps > 0) {
    os << ", backward_accepted_steps=" << s.backward_accepted_steps
       << ", backward_rejected_steps=" << s.backward_rejected_steps;
  }
  os << ", checkpoint_bytes=" << s.checkpoint_bytes << ", peak_tape_bytes=" << s.peak_tape_bytes;
  if (s.memory_budget >= 0) {
    os << ", memory_budget=" << s.memory_budget << ", peak_held_bytes=" << s.peak_held_bytes
       << ", retained_steps=" << s.retained_steps << ", replayed_steps=" << s.replayed_steps
       << ", recomputed_steps=" << s.recomputed_steps;
  }
  os << ", backward_done=" << (s.backward_done ? "true" : "false") << "}";
  return os;
}

size_t CpuBytesInUse() { return CpuAllocator().Stats().bytes_in_use; }

}  // namespace aca
}  // namespace acaode
