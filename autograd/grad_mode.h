// Thread-local switch that decides whether ops record autograd nodes.
//
// Grad mode is on by default in every thread. While it is off, ops compute
// values only: no node is recorded and outputs do not require grad.
//
//   {
//     NoGradGuard no_grad;          // e.g. an untaped forward ODE solve
//     Tensor y = Mul(w, x);         // y.requires_grad() == false
//     {
//       EnableGradGuard enable;     // e.g. a taped local replay inside it
//       Tensor z = Mul(w, x);       // recorded
//     }
//   }
#ifndef ACAODE_AUTOGRAD_GRAD_MODE_H_
#define ACAODE_AUTOGRAD_GRAD_MODE_H_

namespace acaode {

namespace internal {
// The flag itself; read through IsGradEnabled(). Inline so the check costs a
// thread-local load in every op.
inline thread_local bool grad_enabled = true;
}  // namespace internal

// Whether ops record nodes in this thread (default true).
inline bool IsGradEnabled() { return internal::grad_enabled; }

// Sets the flag for this thread; prefer the RAII guards below.
inline void SetGradEnabled(bool enabled) { internal::grad_enabled = enabled; }

// Turns recording off for its scope and restores the previous state on exit
// (also when an exception leaves the scope).
class NoGradGuard {
 public:
  NoGradGuard() : previous_(IsGradEnabled()) { SetGradEnabled(false); }
  ~NoGradGuard() { SetGradEnabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// Turns recording on for its scope and restores the previous state on exit.
class EnableGradGuard {
 public:
  EnableGradGuard() : previous_(IsGradEnabled()) { SetGradEnabled(true); }
  ~EnableGradGuard() { SetGradEnabled(previous_); }
  EnableGradGuard(const EnableGradGuard&) = delete;
  EnableGradGuard& operator=(const EnableGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_GRAD_MODE_H_
