// gMock matchers for absl::Status and absl::StatusOr<T>, missing from Abseil 20220623;
// named as upstream (absl/status/status_matchers.h in later releases).
//
//   EXPECT_THAT(options.Validate(), IsOk());
//   EXPECT_THAT(Integrate(f, z0, ts, bad_options),
//               StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rtol")));
//
// Both matchers accept an absl::Status or any absl::StatusOr<T>.
#ifndef ACAODE_UTIL_STATUS_MATCHERS_H_
#define ACAODE_UTIL_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace acaode {
namespace status_internal {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }

template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace status_internal

// Matches an OK status (or a StatusOr holding a value).
MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  const absl::Status& status = status_internal::GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

// Matches a status whose code equals `code` and whose message matches `message_matcher`
// (a string or any gMock string matcher, e.g. HasSubstr("rtol")).
MATCHER_P2(StatusIs, code, message_matcher,
           std::string(negation ? "is not " : "is ") + "a status with code " +
               absl::StatusCodeToString(code)) {
  const absl::Status& status = status_internal::GetStatus(arg);
  *result_listener << "status is " << status;
  if (status.code() != code) return false;
  return ::testing::ExplainMatchResult(message_matcher, std::string(status.message()),
                                       result_listener);
}

}  // namespace acaode

#endif  // ACAODE_UTIL_STATUS_MATCHERS_H_
