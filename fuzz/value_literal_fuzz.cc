// libFuzzer target: the value literals of task files (docs/task-format.md): a YAML node read by
// grader/task/yaml_value.h (ReadValue), and the same text as JSON by grader/value.h
// (ParseJsonLiteral). For any bytes: a Value, or a failure that says what is wrong (the YAML
// reader's LoadFailure names file:line:col); never a crash, a sanitizer report, a hang or any
// other exception escaping. A value read is one the wire format carries: its encoding decodes.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "grader/task/yaml_reader.h"
#include "grader/task/yaml_value.h"
#include "grader/value.h"

namespace {

namespace grader = proctor::grader;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "value_literal_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void CheckEncodes(const grader::Value& value, const char* from) {
  const std::string wire = grader::ToWire(value);
  auto again = grader::ParseWire(wire);
  if (!again) Fail(from, "its encoding does not decode: " + wire + "\n" + again.error().message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  // As the pack loader reads it (grader/task/yaml_reader.cc LoadYaml: YAML::Load of the file).
  YAML::Node node;
  bool parsed = true;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception&) {
    parsed = false;  // a syntax error: LoadYaml reports it with its position
  }
  if (parsed) {
    const grader::task::yaml::YamlFile file{"/fuzz-pack", "tasks/value.yaml"};
    try {
      CheckEncodes(grader::task::yaml::ReadValue(file, node), "a YAML literal");
    } catch (const grader::task::yaml::LoadFailure& failure) {
      if (failure.error.message.empty()) Fail("a LoadFailure without a message", text);
    }
  }

  auto literal = grader::ParseJsonLiteral(text);
  if (literal) {
    CheckEncodes(*literal, "a JSON literal");
  } else if (literal.error().message.empty()) {
    Fail("a WireError without a message", text);
  }
  return 0;
}
