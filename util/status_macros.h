// Status propagation macros missing from Abseil 20220623, named as upstream
// (absl/status/status_macros.h in later releases; also TensorFlow's TF_RETURN_IF_ERROR).
//
//   absl::Status Run(const Options& options) {
//     RETURN_IF_ERROR(options.Validate());
//     ASSIGN_OR_RETURN(Solution solution, Integrate(f, z0, ts, options));
//     ...
//   }
//
// RETURN_IF_ERROR(expr): evaluates `expr` (an absl::Status) once; returns it from the
// enclosing function if it is not OK.
// ASSIGN_OR_RETURN(lhs, expr): evaluates `expr` (an absl::StatusOr<T>) once; returns its
// status if not OK, else move-assigns its value to `lhs` (which may be a declaration).
#ifndef ACAODE_UTIL_STATUS_MACROS_H_
#define ACAODE_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ACAODE_STATUS_CONCAT_INNER_(a, b) a##b
#define ACAODE_STATUS_CONCAT_(a, b) ACAODE_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    const ::absl::Status acaode_status_ = (expr);    \
    if (!acaode_status_.ok()) return acaode_status_; \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ACAODE_ASSIGN_OR_RETURN_IMPL_(ACAODE_STATUS_CONCAT_(acaode_statusor_, __LINE__), lhs, expr)

#define ACAODE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // ACAODE_UTIL_STATUS_MACROS_H_
