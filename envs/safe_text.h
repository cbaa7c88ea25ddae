// Text that goes into observations: capped and always valid UTF-8, so a submission that
// prints arbitrary bytes cannot make an observation unserializable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace proctor::envs {

// Invalid UTF-8 sequences become U+FFFD.
std::string ValidUtf8(std::string_view bytes);
// The first `max_bytes` bytes (grader::CapText marks the cut), then ValidUtf8.
std::string HeadText(std::string_view bytes, size_t max_bytes);
// The last `max_bytes` bytes (grader::TailText marks the cut), then ValidUtf8.
std::string LastText(std::string_view bytes, size_t max_bytes);

}  // namespace proctor::envs
