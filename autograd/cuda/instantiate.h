// Explicit instantiation of the CUDA backend's typed launchers from a list, so that a
// launcher's parameter types are written once for its instantiations in the CUDA build
// and for the stubs of the build without the toolkit (launcher_lists.h, gemm.h).
//
//   #define MY_LAUNCHERS(X, T) X(LaunchFoo, (int64_t, const T*, T*, Stream))
//   ACAODE_CUDA_INSTANTIATE_LAUNCHERS(MY_LAUNCHERS)   // inside namespace acaode::cuda
#ifndef ACAODE_AUTOGRAD_CUDA_INSTANTIATE_H_
#define ACAODE_AUTOGRAD_CUDA_INSTANTIATE_H_

// Explicit instantiation of one list entry (the template arguments are deduced from the
// parameter types).
#define ACAODE_CUDA_INSTANTIATE_ONE(name, params) template void name params;

// Instantiates every launcher of LIST for float and double.
#define ACAODE_CUDA_INSTANTIATE_LAUNCHERS(LIST) \
  LIST(ACAODE_CUDA_INSTANTIATE_ONE, float)      \
  LIST(ACAODE_CUDA_INSTANTIATE_ONE, double)

// A stub for one list entry that throws "no CUDA device" (runtime.h's RequireDevice).
#define ACAODE_CUDA_DEFINE_STUB(name, params) \
  template <class T>                          \
  void name params {                          \
    RequireDevice("cuda::" #name);            \
  }

#endif  // ACAODE_AUTOGRAD_CUDA_INSTANTIATE_H_
