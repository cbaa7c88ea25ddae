// LiveCodeBench's compressed test cases: its releases store `private_test_cases` as
// base64(zlib(pickle(json_string))). This decodes exactly that, never unpickling anything:
// the pickle may hold one str and nothing else.
//
//   std::string json;
//   if (!DecodeLcbCompressed(field, &json, &error)) ...   // error: "pickle: opcode GLOBAL ..."
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace proctor::grader::importers {

// Standard base64 (RFC 4648 alphabet, '=' padding, length a multiple of 4; ASCII
// whitespace between groups, as line-wrapped encoders write it, is skipped).
bool DecodeBase64(std::string_view text, std::string* out, std::string* error);

// A zlib stream (RFC 1950) inflated; more than `max_bytes` of output is an error (a
// decompression bomb), and so is anything after the end of the stream.
bool InflateZlib(std::string_view data, size_t max_bytes, std::string* out, std::string* error);

// The str that pickle.dumps(some_str, protocol=1..5) wrote: PROTO, FRAME, one
// SHORT_BINUNICODE / BINUNICODE / BINUNICODE8, memo opcodes (MEMOIZE, BINPUT,
// LONG_BINPUT), STOP. Any other opcode (GLOBAL, REDUCE, ... anything that could build an
// object) is refused with its name and offset; so is text that is not UTF-8.
bool UnpickleString(std::string_view data, std::string* out, std::string* error);

// The three together: `text` -> the JSON text it holds. Errors start with the layer
// ("base64: ...", "zlib: ...", "pickle: ...").
bool DecodeLcbCompressed(std::string_view text, std::string* json, std::string* error);

}  // namespace proctor::grader::importers
