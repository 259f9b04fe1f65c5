#include "util/interrupt.h"

#include <atomic>
#include <string>

namespace acaode {
namespace {

std::atomic<bool> interrupt_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "needed in a signal handler");

}  // namespace

void RequestInterrupt() { interrupt_requested.store(true, std::memory_order_relaxed); }

bool InterruptRequested() { return interrupt_requested.load(std::memory_order_relaxed); }

void ClearInterrupt() { interrupt_requested.store(false, std::memory_order_relaxed); }

absl::Status InterruptedStatus(const std::string& where) {
  return absl::CancelledError("interrupted during " + where);
}

void ThrowIfInterrupted(const char* where) {
  if (InterruptRequested()) throw Interrupted(std::string("interrupted during ") + where);
}

}  // namespace acaode
