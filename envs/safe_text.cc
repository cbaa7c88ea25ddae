#include "envs/safe_text.h"

#include <nlohmann/json.hpp>

#include "grader/grading/report.h"

namespace proctor::envs {

std::string ValidUtf8(std::string_view bytes) {
  // nlohmann's serializer already knows how to replace bad sequences; reusing it keeps the
  // rule the same as in report JSON (grader/grading/report.cc).
  const std::string quoted = nlohmann::json(std::string(bytes))
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

std::string HeadText(std::string_view bytes, size_t max_bytes) {
  return ValidUtf8(grader::CapText(std::string(bytes), max_bytes));
}

std::string LastText(std::string_view bytes, size_t max_bytes) {
  return ValidUtf8(grader::TailText(std::string(bytes), max_bytes));
}

}  // namespace proctor::envs
