// Tests of util/status_macros.h and util/status_matchers.h.
#include "absl/status/status.h"

#include <string>

#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/status_macros.h"
#include "util/status_matchers.h"

namespace acaode {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::StatusOr<int> ParsePositive(int x) {
  if (x <= 0) return absl::InvalidArgumentError("x must be > 0, got " + std::to_string(x));
  return x;
}

absl::Status CheckPositive(int x) {
  RETURN_IF_ERROR(ParsePositive(x).status());
  return absl::OkStatus();
}

absl::StatusOr<int> DoubleIt(int x) {
  ASSIGN_OR_RETURN(int y, ParsePositive(x));
  return 2 * y;
}

int evaluations = 0;
absl::Status CountedOk() {
  ++evaluations;
  return absl::OkStatus();
}

absl::Status UsesCounted() {
  RETURN_IF_ERROR(CountedOk());
  return absl::InternalError("after");
}

TEST(StatusMacrosTest, ReturnIfErrorPropagatesTheError) {
  EXPECT_THAT(CheckPositive(3), IsOk());
  EXPECT_THAT(CheckPositive(-1), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("got -1")));
}

TEST(StatusMacrosTest, ReturnIfErrorEvaluatesOnce) {
  evaluations = 0;
  EXPECT_THAT(UsesCounted(), StatusIs(absl::StatusCode::kInternal, "after"));
  EXPECT_EQ(evaluations, 1);
}

TEST(StatusMacrosTest, AssignOrReturnAssignsOrPropagates) {
  absl::StatusOr<int> ok = DoubleIt(21);
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(*ok, 42);
  EXPECT_THAT(DoubleIt(0), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("> 0")));
}

TEST(StatusMatchersTest, MatchersRejectWhatTheyShould) {
  EXPECT_THAT(absl::NotFoundError("x"), Not(IsOk()));
  EXPECT_THAT(absl::NotFoundError("x"), Not(StatusIs(absl::StatusCode::kInternal, "x")));
  EXPECT_THAT(absl::NotFoundError("x"), Not(StatusIs(absl::StatusCode::kNotFound, "y")));
  EXPECT_THAT(absl::OkStatus(), Not(StatusIs(absl::StatusCode::kNotFound, HasSubstr(""))));
}

}  // namespace
}  // namespace acaode
