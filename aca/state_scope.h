// Keeps a backward pass from changing the state f carries beside its parameters (e.g.
// BatchNorm's running statistics): ACA's and MALI's replays and the adjoint's evaluations
// of f would otherwise update it again (OdeintOptions::save_state).
//
//   std::vector<Tensor> MyNode::Backward(...) {
//     const StateRestoreScope keep_state(save_state_);   // restored when Backward returns
//     ...
//   }
#ifndef ACAODE_ACA_STATE_SCOPE_H_
#define ACAODE_ACA_STATE_SCOPE_H_

#include <functional>

#include "solvers/step_driver.h"

namespace acaode {
namespace aca {

// Saves the state on construction (when save_state is set) and puts it back on
// destruction, on return and on an exception alike.
class StateRestoreScope {
 public:
  explicit StateRestoreScope(const solvers::SaveState& save_state)
      : restore_(save_state ? save_state() : nullptr) {}
  ~StateRestoreScope() {
    if (restore_) restore_();
  }
  StateRestoreScope(const StateRestoreScope&) = delete;
  StateRestoreScope& operator=(const StateRestoreScope&) = delete;

 private:
  std::function<void()> restore_;
};

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_STATE_SCOPE_H_
