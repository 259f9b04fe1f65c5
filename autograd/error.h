// Exceptions thrown by tensor operations.
//
// Operations that receive bad input (shape or dtype mismatch, bad index, bad
// argument value) throw ValueError with a message naming the op, the argument
// and what was wrong. Other runtime failures (using a freed graph, an
// unsupported device) throw RuntimeError. Nothing in autograd aborts on user
// input.
//
//   try {
//     Tensor c = Add(a, b);
//   } catch (const acaode::ValueError& e) {
//     std::cerr << e.what();  // "Add: cannot broadcast shapes [2, 3] and [4]"
//   }
#ifndef ACAODE_AUTOGRAD_ERROR_H_
#define ACAODE_AUTOGRAD_ERROR_H_

#include <stdexcept>

namespace acaode {

// Bad input to an operation (maps to Python's ValueError).
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A failure that is not the caller's argument (maps to Python's RuntimeError).
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_ERROR_H_
