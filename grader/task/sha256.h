// SHA-256 (FIPS 180-4), for pack content hashes, computed by OpenSSL's libcrypto (EVP).
// Incremental: Update() any number of times, then HexDigest() once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

typedef struct evp_md_ctx_st EVP_MD_CTX;  // <openssl/evp.h>, kept out of this header

namespace proctor::grader::task {

class Sha256 {
 public:
  // Throws std::bad_alloc when libcrypto cannot allocate its context.
  Sha256();
  void Update(std::string_view data);
  // The digest as 64 lowercase hex characters. Call once; the object is spent afterwards.
  std::string HexDigest();

 private:
  struct FreeContext {
    void operator()(EVP_MD_CTX* context) const;
  };
  std::unique_ptr<EVP_MD_CTX, FreeContext> context_;
};

// One-shot helper.
std::string Sha256Hex(std::string_view data);

}  // namespace proctor::grader::task
