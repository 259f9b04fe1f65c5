// Everything of the autograd library in one include.
//
//   #include "autograd/autograd.h"
//   using namespace acaode;
//   Generator gen(0);
//   Tensor w = RandNormal({4, 4}, 0, 1, gen).set_requires_grad(true);
//   Sum(Tanh(w)).backward();
#ifndef ACAODE_AUTOGRAD_AUTOGRAD_H_
#define ACAODE_AUTOGRAD_AUTOGRAD_H_

#include "autograd/creation.h"
#include "autograd/dtype.h"
#include "autograd/engine.h"
#include "autograd/error.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "autograd/tensor.h"

#endif  // ACAODE_AUTOGRAD_AUTOGRAD_H_
