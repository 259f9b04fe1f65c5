#include "bindings/core/sigint.h"

#include <pybind11/pybind11.h>
#include <signal.h>

#include "util/interrupt.h"

namespace acaode::bindings {
namespace {

struct sigaction previous_action;  // Python's, while a scope is installed
int depth = 0;                     // nested scopes (main thread only, GIL held)

void OnSigint(int sig, siginfo_t* info, void* context) {
  RequestInterrupt();
  // Python's handler only records the signal (async-signal-safe) for the main thread.
  if ((previous_action.sa_flags & SA_SIGINFO) != 0) {
    if (previous_action.sa_sigaction != nullptr) previous_action.sa_sigaction(sig, info, context);
  } else if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN &&
             previous_action.sa_handler != nullptr) {
    previous_action.sa_handler(sig);
  }
}

bool OnMainThread() {
  namespace py = pybind11;
  const py::object main = py::module_::import("threading").attr("main_thread")();
  return py::cast<unsigned long>(main.attr("ident")) == PyThread_get_thread_ident();
}

}  // namespace

SigintScope::SigintScope() {
  if (!OnMainThread()) return;
  if (depth > 0) {
    ++depth;
    installed_ = true;
    return;
  }
  struct sigaction current;
  if (sigaction(SIGINT, nullptr, &current) != 0) return;
  const bool python_handles = (current.sa_flags & SA_SIGINFO) != 0
                                  ? current.sa_sigaction != nullptr
                                  : current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN;
  if (!python_handles) return;
  previous_action = current;
  struct sigaction ours = {};
  ours.sa_sigaction = OnSigint;
  ours.sa_flags = SA_SIGINFO;
  sigemptyset(&ours.sa_mask);
  ClearInterrupt();
  if (sigaction(SIGINT, &ours, nullptr) != 0) return;
  depth = 1;
  installed_ = true;
}

SigintScope::~SigintScope() {
  if (!installed_) return;
  if (--depth > 0) return;
  sigaction(SIGINT, &previous_action, nullptr);
  ClearInterrupt();
}

}  // namespace acaode::bindings
