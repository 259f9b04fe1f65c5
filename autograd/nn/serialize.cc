#include "autograd/nn/serialize.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/creation.h"

namespace acaode {
namespace nn {
namespace {

static_assert(sizeof(double) == 8 && sizeof(float) == 4, "IEEE floats expected");

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

bool HostIsLittleEndian() {
  const uint32_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

template <class T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

// Bounds-checked reader over the payload.
class Reader {
 public:
  Reader(const char* data, size_t size) : data_(data), size_(size) {}
  template <class T>
  bool Get(T* v) {
    if (size_ - pos_ < sizeof(T)) return false;
    std::memcpy(v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool GetBytes(size_t n, const char** p) {
    if (size_ - pos_ < n) return false;
    *p = data_ + pos_;
    pos_ += n;
    return true;
  }
  size_t remaining() const { return size_ - pos_; }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

absl::Status Corrupt(const std::string& path, const std::string& what) {
  return absl::DataLossError(absl::StrCat("ReadTensorFile: '", path, "' is corrupted: ", what));
}

}  // namespace

uint32_t Crc32(const void* data, size_t size) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  const auto* p = static_cast<const unsigned char*>(data);
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

absl::Status WriteTensorFile(const std::string& path, const NamedTensors& tensors) {
  if (!HostIsLittleEndian()) {
    return absl::UnimplementedError("WriteTensorFile: big-endian hosts are not supported");
  }
  std::string payload;
  Put<uint64_t>(&payload, tensors.size());
  for (const auto& [name, t] : tensors) {
    if (!t.defined() || t.device() != Device::kCpu) {
      return absl::InvalidArgumentError(
          absl::StrCat("WriteTensorFile: tensor '", name, "' is undefined or not on the CPU"));
    }
    Put<uint32_t>(&payload, static_cast<uint32_t>(name.size()));
    payload.append(name);
    Put<uint8_t>(&payload, t.dtype() == DType::kFloat32 ? 0 : 1);
    Put<uint32_t>(&payload, static_cast<uint32_t>(t.dim()));
    for (int64_t d : t.shape()) Put<int64_t>(&payload, d);
    payload.append(static_cast<const char*>(t.raw_data()), t.nbytes());
  }
  std::string header(kTensorFileMagic, sizeof(kTensorFileMagic));
  Put<uint32_t>(&header, kTensorFileVersion);
  Put<uint32_t>(&header, Crc32(payload.data(), payload.size()));
  Put<uint64_t>(&header, payload.size());

  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      return absl::PermissionDeniedError(
          absl::StrCat("WriteTensorFile: cannot open '", tmp, "' for writing"));
    }
    f.write(header.data(), static_cast<std::streamsize>(header.size()));
    f.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      return absl::DataLossError(absl::StrCat("WriteTensorFile: writing '", tmp, "' failed"));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::PermissionDeniedError(
        absl::StrCat("WriteTensorFile: cannot rename '", tmp, "' to '", path, "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<TensorDict> ReadTensorFile(const std::string& path) {
  if (!HostIsLittleEndian()) {
    return absl::UnimplementedError("ReadTensorFile: big-endian hosts are not supported");
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    return absl::NotFoundError(absl::StrCat("ReadTensorFile: cannot open '", path, "'"));
  }
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() < kTensorFileHeaderBytes) {
    return Corrupt(path, absl::StrCat("truncated: ", bytes.size(), " bytes, shorter than the ",
                                      kTensorFileHeaderBytes, "-byte header"));
  }
  if (std::memcmp(bytes.data(), kTensorFileMagic, sizeof(kTensorFileMagic)) != 0) {
    return Corrupt(path, "bad magic (not an acaode tensor file)");
  }
  Reader header(bytes.data() + 8, kTensorFileHeaderBytes - 8);
  uint32_t version = 0, crc = 0;
  uint64_t payload_size = 0;
  header.Get(&version);
  header.Get(&crc);
  header.Get(&payload_size);
  if (version != kTensorFileVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("ReadTensorFile: '", path, "' has format version ", version,
                     "; this build reads version ", kTensorFileVersion));
  }
  const size_t have = bytes.size() - kTensorFileHeaderBytes;
  if (have < payload_size) {
    return Corrupt(
        path, absl::StrCat("truncated: payload has ", have, " bytes, header says ", payload_size));
  }
  if (have > payload_size) {
    return Corrupt(path, absl::StrCat("trailing bytes: payload has ", have, " bytes, header says ",
                                      payload_size));
  }
  const char* payload = bytes.data() + kTensorFileHeaderBytes;
  const uint32_t actual = Crc32(payload, payload_size);
  if (actual != crc) {
    return Corrupt(path,
                   absl::StrCat("checksum mismatch (stored ", crc, ", computed ", actual, ")"));
  }
  Reader r(payload, payload_size);
  uint64_t count = 0;
  if (!r.Get(&count)) return Corrupt(path, "missing entry count");
  TensorDict out;
  for (uint64_t e = 0; e < count; ++e) {
    uint32_t name_len = 0;
    const char* name_ptr = nullptr;
    if (!r.Get(&name_len) || !r.GetBytes(name_len, &name_ptr)) {
      return Corrupt(path, absl::StrCat("entry ", e, ": bad name"));
    }
    std::string name(name_ptr, name_len);
    uint8_t dtype_code = 0;
    uint32_t ndim = 0;
    if (!r.Get(&dtype_code) || dtype_code > 1 || !r.Get(&ndim) || ndim > 64) {
      return Corrupt(path, absl::StrCat("entry '", name, "': bad dtype or rank"));
    }
    Shape shape(ndim);
    uint64_t numel = 1;
    for (uint32_t d = 0; d < ndim; ++d) {
      if (!r.Get(&shape[d]) || shape[d] < 0) {
        return Corrupt(path, absl::StrCat("entry '", name, "': bad shape"));
      }
      if (shape[d] != 0 && numel > r.remaining() / static_cast<uint64_t>(shape[d])) {
        return Corrupt(path, absl::StrCat("entry '", name, "': shape too large"));
      }
      numel *= static_cast<uint64_t>(shape[d]);
    }
    const DType dtype = dtype_code == 0 ? DType::kFloat32 : DType::kFloat64;
    const uint64_t nbytes = numel * DTypeSize(dtype);
    const char* data = nullptr;
    if (!r.GetBytes(nbytes, &data)) {
      return Corrupt(path, absl::StrCat("entry '", name, "': data cut short"));
    }
    Tensor t = Empty(shape, dtype);
    if (nbytes > 0) std::memcpy(t.raw_data(), data, nbytes);
    if (!out.emplace(std::move(name), t).second) {
      return Corrupt(path, absl::StrCat("duplicate entry at index ", e));
    }
  }
  if (r.remaining() != 0) {
    return Corrupt(path, absl::StrCat(r.remaining(), " unparsed bytes after ", count, " entries"));
  }
  return out;
}

}  // namespace nn
}  // namespace acaode
