// Ctrl-C during a long call that runs without the GIL (Note [Interrupting a solve],
// util/interrupt.h).
//
//   {
//     SigintScope sigint;              // GIL held: installs the handler (main thread only)
//     py::gil_scoped_release release;
//     ... aca::Odeint(...) ...         // stops at the next step, Interrupted / kCancelled
//   }                                  // the previous handler is back
//
// While a scope is open on the main thread, SIGINT sets the library's interrupt flag and
// still calls Python's own C handler, so Python's SIGINT handler runs once the GIL is
// back. The exception translator (bind_errors.cc) turns acaode::Interrupted into whatever
// that handler raises — KeyboardInterrupt by default — or KeyboardInterrupt itself.
// Nothing is installed where Python does not handle SIGINT (SIG_IGN, SIG_DFL) or off the
// main thread.
#ifndef ACAODE_BINDINGS_CORE_SIGINT_H_
#define ACAODE_BINDINGS_CORE_SIGINT_H_

namespace acaode::bindings {

class SigintScope {
 public:
  SigintScope();
  ~SigintScope();
  SigintScope(const SigintScope&) = delete;
  SigintScope& operator=(const SigintScope&) = delete;

 private:
  bool installed_ = false;
};

}  // namespace acaode::bindings

#endif  // ACAODE_BINDINGS_CORE_SIGINT_H_
