// libFuzzer target: the messages of sandbox/keeper_protocol.h. The first byte picks which:
// even, a KeeperRequest (CBOR; what the keeper reads on its fd 3, and the header of a zygote's
// and a warm slot holder's "S" start message); odd, a KeeperReply (JSON; what the supervisor
// reads from a run's reply pipe). For any bytes: decoded, or refused with an error that says
// so; never a crash, a sanitizer report (a float read into an int field included), a hang or
// an exception. A decoded message re-encodes to one that decodes to the same encoding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sandbox/keeper_protocol.h"

namespace {

namespace sandbox = proctor::sandbox;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "keeper_protocol_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void CheckRequest(const std::string& bytes) {
  sandbox::KeeperRequest request;
  std::string error;
  if (!sandbox::DecodeRequest(bytes, &request, &error)) {
    if (error.empty()) Fail("a request refused without an error", bytes);
    return;
  }
  const std::string encoded = sandbox::EncodeRequest(request);
  sandbox::KeeperRequest again;
  if (!sandbox::DecodeRequest(encoded, &again, &error))
    Fail("a re-encoded request does not decode", error);
  if (sandbox::EncodeRequest(again) != encoded) Fail("re-encoding changed a request", error);
}

void CheckReply(const std::string& text) {
  sandbox::KeeperReply reply;
  std::string error;
  if (!sandbox::DecodeReply(text, &reply, &error)) {
    if (error.empty()) Fail("a reply refused without an error", text);
    return;
  }
  const std::string encoded = sandbox::EncodeReply(reply);
  sandbox::KeeperReply again;
  if (!sandbox::DecodeReply(encoded, &again, &error))
    Fail("a re-encoded reply does not decode", encoded + "\n" + error);
  if (sandbox::EncodeReply(again) != encoded)
    Fail("re-encoding changed a reply", encoded + "\n" + sandbox::EncodeReply(again));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string message(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    CheckRequest(message);
  } else {
    CheckReply(message);
  }
  return 0;
}
