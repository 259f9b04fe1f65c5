// Without NCCL (ACAODE_NCCL_LIBRARY names a file that does not exist, set by the BUILD
// rule), every NCCL entry point raises a RuntimeError that names the file and the two ways
// to provide NCCL; nothing crashes, and the failed load is tried again on the next call.
#include <cstdlib>
#include <string>

#include "autograd/cuda/nccl.h"
#include "autograd/error.h"
#include "gtest/gtest.h"

namespace acaode::cuda {
namespace {

TEST(NcclLoaderTest, AMissingLibraryIsNamedInTheError) {
  const char* file = std::getenv("ACAODE_NCCL_LIBRARY");
  ASSERT_NE(file, nullptr) << "the BUILD rule sets ACAODE_NCCL_LIBRARY";
  std::string why;
  EXPECT_FALSE(NcclAvailable(&why));
  EXPECT_NE(why.find(file), std::string::npos) << why;
  EXPECT_NE(why.find("LD_LIBRARY_PATH"), std::string::npos) << why;
  EXPECT_NE(why.find("ACAODE_NCCL_LIBRARY"), std::string::npos) << why;
  try {
    NcclGetUniqueId();
    FAIL() << "NcclGetUniqueId without NCCL";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
  EXPECT_FALSE(NcclAvailable());  // tried again, still missing
}

}  // namespace
}  // namespace acaode::cuda
