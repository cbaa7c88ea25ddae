#include "grader/task/sha256.h"

#include <openssl/evp.h>

#include <new>
#include <stdexcept>

namespace proctor::grader::task {
namespace {

// EVP's digest calls fail only when the library is broken or out of memory; neither is a
// condition a caller could handle better than by the exception.
void Require(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("libcrypto ") + what + " failed (SHA-256)");
}

}  // namespace

void Sha256::FreeContext::operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (!context_) throw std::bad_alloc();
  Require(EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr), "EVP_DigestInit_ex");
}

void Sha256::Update(std::string_view data) {
  if (data.empty()) return;
  Require(EVP_DigestUpdate(context_.get(), data.data(), data.size()), "EVP_DigestUpdate");
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  Require(EVP_DigestFinal_ex(context_.get(), digest, &size), "EVP_DigestFinal_ex");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  Sha256 hash;
  hash.Update(data);
  return hash.HexDigest();
}

}  // namespace proctor::grader::task
