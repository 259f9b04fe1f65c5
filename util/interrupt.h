// A process-wide request to stop the long-running loops (solves, replays).
//
//   // A SIGINT handler (bindings/core/interrupt.cc) calls, async-signal-safely:
//   RequestInterrupt();
//   // The stepping loops poll it once per step:
//   if (InterruptRequested()) return InterruptedStatus("the forward solve at t = 0.3");
//   // The backward loops throw instead:
//   ThrowIfInterrupted("the ACA replay at step 12");
//
// Note [Interrupting a solve]: a solve runs in C++ with the GIL released, so Python's own
// SIGINT handling cannot run until it returns. The bindings install a C handler for the
// duration of such a call that sets this flag (and still trips Python's); the forward
// stepping loop (solvers::Stepper), ACA's replay, the adjoint's backward solve and MALI's
// inversion poll it once per step and stop with absl::StatusCode::kCancelled or an
// Interrupted exception, which the bindings turn into KeyboardInterrupt. Gradient nodes
// return their gradients only after the whole backward loop, so an interrupted backward
// writes no .grad; parameters are never written by a solve.
#ifndef ACAODE_UTIL_INTERRUPT_H_
#define ACAODE_UTIL_INTERRUPT_H_

#include <stdexcept>
#include <string>

#include "absl/status/status.h"

namespace acaode {

// Async-signal-safe (a lock-free atomic store).
void RequestInterrupt();
bool InterruptRequested();
void ClearInterrupt();

// Thrown by loops that report failures as exceptions (the backward passes).
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// kCancelled, "interrupted during <where>".
absl::Status InterruptedStatus(const std::string& where);

// Throws Interrupted("interrupted during <where>") when an interrupt was requested.
void ThrowIfInterrupted(const char* where);

}  // namespace acaode

#endif  // ACAODE_UTIL_INTERRUPT_H_
