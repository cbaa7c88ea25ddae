// Specification of grader/importers/pickle_string: LiveCodeBench's base64(zlib(pickle(str)))
// is decoded from bytes that Python's own pickle, zlib and base64 wrote
// (fixtures/pickle_cases.json, made by fixtures/make_livecodebench.py), and nothing but a
// pickled str is ever accepted.
#include "grader/importers/pickle_string.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace proctor::grader::importers {
namespace {

nlohmann::json Cases() {
  std::ifstream in(std::string(PROCTOR_IMPORTERS_TEST_DIR) + "/fixtures/pickle_cases.json");
  return nlohmann::json::parse(in);
}

std::string Decoded(const std::string& text, std::string* error) {
  std::string json;
  if (!DecodeLcbCompressed(text, &json, error)) return "(error)";
  return json;
}

std::string Zlib(const std::string& data) {
  uLongf size = compressBound(data.size());
  std::string out(size, '\0');
  EXPECT_EQ(compress(reinterpret_cast<Bytef*>(out.data()), &size,
                     reinterpret_cast<const Bytef*>(data.data()), data.size()),
            Z_OK);
  out.resize(size);
  return out;
}

TEST(PickleStringTest, DecodesWhatPythonWroteForEveryProtocol) {
  nlohmann::json cases = Cases();
  for (int protocol = 1; protocol <= 5; ++protocol) {
    std::string error;
    EXPECT_EQ(Decoded(cases["protocol" + std::to_string(protocol)], &error),
              cases["text"].get<std::string>())
        << "protocol " << protocol << ": " << error;
  }
  std::string error;
  EXPECT_EQ(Decoded(cases["long_protocol4"], &error), cases["long_text"].get<std::string>())
      << error;  // BINUNICODE (4-byte length), no FRAME
  EXPECT_EQ(Decoded(cases["unicode_protocol4"], &error), cases["unicode_text"].get<std::string>())
      << error;
}

TEST(PickleStringTest, RefusesObjectBuildingPickles) {
  nlohmann::json cases = Cases();
  std::string error;
  EXPECT_EQ(Decoded(cases["global_protocol2"], &error), "(error)");
  EXPECT_NE(error.find("pickle: refused GLOBAL at offset 2"), std::string::npos) << error;
  EXPECT_EQ(Decoded(cases["stack_global_protocol4"], &error), "(error)");
  EXPECT_NE(error.find("pickle: refused STACK_GLOBAL"), std::string::npos) << error;
  EXPECT_EQ(Decoded(cases["list_protocol4"], &error), "(error)");
  EXPECT_NE(error.find("pickle: refused EMPTY_LIST"), std::string::npos) << error;
  EXPECT_EQ(Decoded(cases["protocol0"], &error), "(error)");
  EXPECT_NE(error.find("UNICODE (protocol 0)"), std::string::npos) << error;
}

TEST(PickleStringTest, HandBuiltOpcodeStreams) {
  std::string out, error;
  // BINUNICODE8 (Python writes it only for strings over 4 GiB) and LONG_BINPUT.
  std::string p8("\x80\x04\x8d\x02\0\0\0\0\0\0\0hir\0\0\0\0.", 19);
  ASSERT_TRUE(UnpickleString(p8, &out, &error)) << error;
  EXPECT_EQ(out, "hi");
  EXPECT_FALSE(UnpickleString(std::string("\x80\x04\x8c\x02hi\x94.junk", 12), &out, &error));
  EXPECT_EQ(error, "pickle: 4 bytes after STOP");
  EXPECT_FALSE(UnpickleString(std::string("\x80\x04\x8c\x05hi.", 7), &out, &error));
  EXPECT_EQ(error, "pickle: truncated at offset 4");
  EXPECT_FALSE(UnpickleString(std::string("\x80\x04\x8c\x02hi", 6), &out, &error));
  EXPECT_EQ(error, "pickle: no STOP (truncated)");
  EXPECT_FALSE(UnpickleString(std::string("\x80\x04.", 3), &out, &error));
  EXPECT_EQ(error, "pickle: STOP at offset 2 with 0 strings pushed (expected exactly one)");
  EXPECT_FALSE(UnpickleString(std::string("\x80\x04\x8c\x01""a\x8c\x01""b.", 9), &out, &error));
  EXPECT_EQ(error, "pickle: STOP at offset 8 with 2 strings pushed (expected exactly one)");
  EXPECT_FALSE(UnpickleString(std::string("\x80\x09\x8c\x01""a.", 6), &out, &error));
  EXPECT_EQ(error, "pickle: PROTO 9 at offset 0 (expected protocol 1-5 first)");
  EXPECT_FALSE(UnpickleString(std::string("\x80\x04\x8c\x02\xff\xfe.", 7), &out, &error));
  EXPECT_EQ(error, "pickle: the string at offset 2 is not UTF-8");
  EXPECT_FALSE(UnpickleString(std::string("\x80\x04R.", 4), &out, &error));
  EXPECT_EQ(error, "pickle: refused REDUCE at offset 2 (only a pickled str is accepted; "
                   "nothing is unpickled)");
}

TEST(PickleStringTest, Base64) {
  std::string out, error;
  ASSERT_TRUE(DecodeBase64("aGk=", &out, &error)) << error;
  EXPECT_EQ(out, "hi");
  ASSERT_TRUE(DecodeBase64("aGVs\nbG8=\n", &out, &error)) << error;
  EXPECT_EQ(out, "hello");
  ASSERT_TRUE(DecodeBase64("", &out, &error)) << error;
  EXPECT_EQ(out, "");
  EXPECT_FALSE(DecodeBase64("aGk", &out, &error));
  EXPECT_EQ(error, "base64: length 3 is not a multiple of 4");
  EXPECT_FALSE(DecodeBase64("aG!=", &out, &error));
  EXPECT_EQ(error, "base64: character 0x21 is not in the base64 alphabet");
  EXPECT_FALSE(DecodeBase64("a=Gk", &out, &error));
  EXPECT_EQ(error, "base64: '=' before the end");
}

TEST(PickleStringTest, Zlib) {
  std::string out, error;
  std::string big(1 << 20, 'a');
  ASSERT_TRUE(InflateZlib(Zlib(big), big.size(), &out, &error)) << error;
  EXPECT_EQ(out, big);
  // A stream that inflates past the cap is refused (a small file can inflate to gigabytes).
  EXPECT_FALSE(InflateZlib(Zlib(big), 1000, &out, &error));
  EXPECT_EQ(error, "zlib: inflates to more than 1000 bytes");
  std::string stream = Zlib("hello");
  EXPECT_FALSE(InflateZlib(stream.substr(0, stream.size() - 3), 100, &out, &error));
  EXPECT_EQ(error, "zlib: the stream ends early");
  EXPECT_FALSE(InflateZlib(stream + "x", 100, &out, &error));
  EXPECT_EQ(error, "zlib: 1 bytes after the end of the stream");
  EXPECT_FALSE(InflateZlib("not zlib", 100, &out, &error));
  EXPECT_EQ(error.rfind("zlib: ", 0), 0u) << error;
}

}  // namespace
}  // namespace proctor::grader::importers
