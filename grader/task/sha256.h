// SHA-256 (FIPS 180-4), for pack content hashes. Incremental: Update() any number of times,
// then HexDigest() once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace proctor::grader::task {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The digest as 64 lowercase hex characters. Call once; the object is spent afterwards.
  std::string HexDigest();

 private:
  void Block(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;  // bytes in buffer_
  uint64_t total_bytes_ = 0;
};

// One-shot helper.
std::string Sha256Hex(std::string_view data);

}  // namespace proctor::grader::task
