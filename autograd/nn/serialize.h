// Binary files of named tensors (what nn::Module::Save / Load use).
//
//   absl::Status s = WriteTensorFile("/tmp/m.bin", module.NamedParameters());
//   absl::StatusOr<TensorDict> d = ReadTensorFile("/tmp/m.bin");
//
// Format (all integers little-endian; the host must be little-endian):
//   header (24 bytes)
//     char[8]  magic "ACAODENN"
//     uint32   format version (kTensorFileVersion = 1)
//     uint32   CRC-32 (IEEE 802.3, as zlib's crc32) of the payload
//     uint64   payload size in bytes
//   payload
//     uint64   number of entries
//     per entry:
//       uint32 name length, name bytes (UTF-8, no terminator)
//       uint8  dtype (0 = float32, 1 = float64)
//       uint32 number of dims, int64 sizes
//       raw element data, row-major (numel * dtype size bytes)
// Reading checks, in order: the file opens (NotFound), the header is whole
// and the magic matches (DataLoss), the version is known
// (FailedPrecondition), the file holds exactly header + payload size bytes
// (DataLoss "truncated" / "trailing bytes"), the CRC matches (DataLoss
// "checksum mismatch"), and every entry parses within the payload with
// sane sizes (DataLoss). Nothing is returned unless all checks pass.
#ifndef ACAODE_AUTOGRAD_NN_SERIALIZE_H_
#define ACAODE_AUTOGRAD_NN_SERIALIZE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "autograd/nn/module.h"

namespace acaode {
namespace nn {

inline constexpr char kTensorFileMagic[8] = {'A', 'C', 'A', 'O', 'D', 'E', 'N', 'N'};
inline constexpr uint32_t kTensorFileVersion = 1;
inline constexpr size_t kTensorFileHeaderBytes = 24;

// CRC-32 (polynomial 0xEDB88320, reflected, init and final xor 0xFFFFFFFF);
// Crc32("123456789") == 0xCBF43926.
uint32_t Crc32(const void* data, size_t size);

// Writes `tensors` (CPU tensors) to `path` via "<path>.tmp" and a rename.
absl::Status WriteTensorFile(const std::string& path, const NamedTensors& tensors);

// Reads a file written by WriteTensorFile (see the checks above).
absl::StatusOr<TensorDict> ReadTensorFile(const std::string& path);

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_SERIALIZE_H_
