// libFuzzer target: the value wire decoder (grader/value.h, ParseWire), which reads the lines a
// submission's process prints (docs/wire-format.md). For any bytes: a Value or a WireError with
// a message, never a crash, a sanitizer report or a hang. A decoded value keeps the depth cap,
// and its encoding decodes again to the same encoding (ToWire is a fixed point after one round),
// so what the grader compares is what was sent.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "grader/value.h"

namespace {

using proctor::grader::ParseWire;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "wire_decode_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto value = ParseWire(text);
  if (!value) {
    if (value.error().message.empty()) Fail("a WireError without a message", std::string(text));
    return 0;
  }
  if (proctor::grader::Depth(*value) > proctor::grader::kMaxWireDepth)
    Fail("a decoded value deeper than the cap", std::string(text));
  const std::string wire = proctor::grader::ToWire(*value);
  auto again = ParseWire(wire);
  if (!again) {
    Fail("the encoding of a decoded value does not decode", wire + "\n" + again.error().message);
  }
  if (proctor::grader::ToWire(*again) != wire)
    Fail("re-encoding changed the value", wire + "\n" + proctor::grader::ToWire(*again));
  (void)proctor::grader::Repr(*value);
  return 0;
}
