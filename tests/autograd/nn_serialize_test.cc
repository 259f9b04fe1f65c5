// Tests of Module state dicts and Save/Load (autograd/nn/module.h,
// autograd/nn/serialize.h): round trips, and refusal of truncated,
// corrupted or mismatched data with the module left unchanged.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "autograd/autograd.h"
#include "autograd/nn/activation.h"
#include "autograd/nn/conv.h"
#include "autograd/nn/linear.h"
#include "autograd/nn/norm.h"
#include "autograd/nn/sequential.h"
#include "autograd/nn/serialize.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/status_matchers.h"

namespace acaode {
namespace {

using ::testing::HasSubstr;

// Conv2d(2->3) - BatchNorm2d - ReLU - Flatten - Linear(3*4*4 -> out):
// parameters and buffers.
std::shared_ptr<nn::Sequential> MakeNet(uint64_t seed, int64_t out = 2) {
  Generator gen(seed);
  nn::Conv2dOptions o;
  o.padding = 1;
  return std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Conv2d>(2, 3, 3, gen, o), std::make_shared<nn::BatchNorm2d>(3),
      std::make_shared<nn::ReLU>(), std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(48, out, gen)});
}

// Deep copy of all values, to check "unchanged".
std::map<std::string, std::vector<double>> Snapshot(const nn::Module& m) {
  std::map<std::string, std::vector<double>> out;
  for (const auto& [name, t] : m.StateDict()) out[name] = ToVector(t);
  return out;
}

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(Crc32, KnownValue) {
  EXPECT_EQ(nn::Crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(nn::Crc32("", 0), 0u);
}

TEST(StateDict, NamesAndRoundTrip) {
  auto a = MakeNet(1), b = MakeNet(2);
  const nn::TensorDict sd = a->StateDict();
  std::vector<std::string> names;
  for (const auto& e : sd) names.push_back(e.first);
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("0.weight", "0.bias", "1.weight", "1.bias",
                                                     "1.running_mean", "1.running_var", "4.weight",
                                                     "4.bias"));
  EXPECT_NE(Snapshot(*a), Snapshot(*b));
  const Tensor b_weight = b->NamedParameters()[0].second;
  ASSERT_THAT(b->LoadStateDict(sd), IsOk());
  EXPECT_EQ(Snapshot(*a), Snapshot(*b));
  // Handles stay valid (optimizers keep working after a load).
  EXPECT_TRUE(b->NamedParameters()[0].second.is_same(b_weight));
  Tensor x = RandNormal({2, 2, 4, 4}, 0, 1, *std::make_unique<Generator>(3));
  a->Eval();
  b->Eval();
  EXPECT_EQ(ToVector(a->Forward(x)), ToVector(b->Forward(x)));
}

TEST(StateDict, MismatchesAreRefusedNamingTheEntryAndChangeNothing) {
  auto a = MakeNet(1), b = MakeNet(2);
  const auto before = Snapshot(*b);
  nn::TensorDict sd = a->StateDict();
  // Wrong shape of one parameter (all others valid, and sorted before it).
  nn::TensorDict wrong = sd;
  wrong["4.weight"] = Zeros({3, 48});
  EXPECT_THAT(b->LoadStateDict(wrong),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("parameter '4.weight' has shape [2, 48] but the state "
                                 "dict has [3, 48]")));
  EXPECT_EQ(Snapshot(*b), before);
  nn::TensorDict bad_dtype = sd;
  bad_dtype["0.bias"] = Zeros({3}, DType::kFloat32);
  EXPECT_THAT(b->LoadStateDict(bad_dtype),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'0.bias' has dtype float64 but the state dict has float32")));
  nn::TensorDict missing = sd;
  missing.erase("1.running_var");
  EXPECT_THAT(b->LoadStateDict(missing),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("buffer '1.running_var' of Sequential is missing")));
  nn::TensorDict extra = sd;
  extra["5.weight"] = Zeros({1});
  EXPECT_THAT(b->LoadStateDict(extra),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unexpected key '5.weight'")));
  EXPECT_EQ(Snapshot(*b), before);
}

TEST(SaveLoad, RoundTripIncludingBuffers) {
  auto a = MakeNet(1);
  // Train-mode forward moves the BatchNorm running statistics off 0 / 1.
  Generator gen(4);
  a->Forward(RandNormal({3, 2, 4, 4}, 1.0, 2.0, gen));
  const std::string path = TempPath("roundtrip.bin");
  ASSERT_THAT(a->Save(path), IsOk());
  auto b = MakeNet(2);
  ASSERT_THAT(b->Load(path), IsOk());
  EXPECT_EQ(Snapshot(*a), Snapshot(*b));
  // float32 modules round-trip too.
  Generator g32(5);
  nn::Linear f32(3, 2, g32, true, DType::kFloat32), g(3, 2, g32, true, DType::kFloat32);
  ASSERT_THAT(f32.Save(TempPath("f32.bin")), IsOk());
  ASSERT_THAT(g.Load(TempPath("f32.bin")), IsOk());
  EXPECT_EQ(ToVector(f32.weight()), ToVector(g.weight()));
}

TEST(SaveLoad, TruncatedFilesAreRefusedAndModuleUnchanged) {
  auto a = MakeNet(1), b = MakeNet(2);
  const std::string path = TempPath("full.bin");
  ASSERT_THAT(a->Save(path), IsOk());
  const std::string bytes = ReadAll(path);
  const auto before = Snapshot(*b);
  for (size_t keep : {bytes.size() - 1, bytes.size() / 2, size_t{30}, size_t{10}, size_t{0}}) {
    const std::string cut = TempPath("cut.bin");
    WriteAll(cut, bytes.substr(0, keep));
    EXPECT_THAT(b->Load(cut), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")))
        << "kept " << keep << " of " << bytes.size() << " bytes";
    EXPECT_EQ(Snapshot(*b), before);
  }
  WriteAll(TempPath("long.bin"), bytes + "x");
  EXPECT_THAT(b->Load(TempPath("long.bin")),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("trailing bytes")));
  EXPECT_EQ(Snapshot(*b), before);
}

TEST(SaveLoad, CorruptedFilesAreRefusedAndModuleUnchanged) {
  auto a = MakeNet(1), b = MakeNet(2);
  const std::string path = TempPath("good.bin");
  ASSERT_THAT(a->Save(path), IsOk());
  const std::string bytes = ReadAll(path);
  const auto before = Snapshot(*b);
  // One flipped bit anywhere in the payload: names, shapes or data.
  for (size_t pos : {nn::kTensorFileHeaderBytes + 3, nn::kTensorFileHeaderBytes + 20,
                     bytes.size() / 2, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[pos] ^= 0x10;
    WriteAll(TempPath("bad.bin"), bad);
    EXPECT_THAT(b->Load(TempPath("bad.bin")),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("checksum mismatch")))
        << "flipped byte " << pos;
    EXPECT_EQ(Snapshot(*b), before);
  }
  std::string bad_magic = bytes;
  bad_magic[0] = 'X';
  WriteAll(TempPath("magic.bin"), bad_magic);
  EXPECT_THAT(b->Load(TempPath("magic.bin")),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("bad magic")));
  std::string bad_version = bytes;
  bad_version[8] = 7;
  WriteAll(TempPath("version.bin"), bad_version);
  EXPECT_THAT(b->Load(TempPath("version.bin")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("format version 7")));
  EXPECT_THAT(b->Load(TempPath("does_not_exist.bin")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("cannot open")));
  EXPECT_EQ(Snapshot(*b), before);
}

TEST(SaveLoad, WrongParameterShapeIsRefusedNamingIt) {
  auto a = MakeNet(1, /*out=*/2), b = MakeNet(2, /*out=*/5);
  ASSERT_THAT(a->Save(TempPath("out2.bin")), IsOk());
  const auto before = Snapshot(*b);
  EXPECT_THAT(
      b->Load(TempPath("out2.bin")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("parameter '4.weight' has shape [5, 48] but the state dict has [2, 48]")));
  EXPECT_EQ(Snapshot(*b), before);
}

TEST(SaveLoad, UnwritablePathIsAnError) {
  auto a = MakeNet(1);
  EXPECT_THAT(a->Save("/nonexistent-dir/x/y.bin"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("cannot open")));
}

}  // namespace
}  // namespace acaode
