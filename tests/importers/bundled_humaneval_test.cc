// The HumanEval copy that ships in data/humaneval: its content is upstream's file unchanged
// (the sha256 its README states, and byte for byte ../shared/data/humaneval/HumanEval.jsonl
// when that is present), it carries its MIT licence, and it imports into the 164-task pack
// the main command serves.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "grader/importers/humaneval.h"
#include "grader/task/pack_loader.h"
#include "grader/task/sha256.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

namespace fs = std::filesystem;

const std::string kBundled = std::string(PROCTOR_SOURCE_DIR) + "/data/humaneval";
const std::string kShared = std::string(PROCTOR_SHARED_DIR) + "/data/humaneval/HumanEval.jsonl";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Gunzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return "";
  std::string out;
  char buffer[1 << 16];
  int n;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) out.append(buffer, n);
  gzclose(file);
  return out;
}

TEST(BundledHumanEvalTest, ContentIsUpstreamsFile) {
  std::string content = Gunzip(kBundled + "/HumanEval.jsonl.gz");
  EXPECT_EQ(content.size(), 214438u);
  EXPECT_EQ(task::Sha256Hex(content),
            "1d49078ba3e2b196b9344535bef34a43021f038fad9561d6ee7c53450609a6a2");
  EXPECT_NE(ReadFile(kBundled + "/README.md").find(task::Sha256Hex(content)), std::string::npos)
      << "the README states the content's sha256";
}

TEST(BundledHumanEvalTest, SameBytesAsTheSharedCopy) {
  if (!fs::exists(kShared)) GTEST_SKIP() << kShared << " not present";
  EXPECT_TRUE(Gunzip(kBundled + "/HumanEval.jsonl.gz") == ReadFile(kShared))
      << "data/humaneval/HumanEval.jsonl.gz differs from " << kShared;
}

TEST(BundledHumanEvalTest, CarriesItsLicence) {
  std::string licence = ReadFile(kBundled + "/LICENSE");
  EXPECT_NE(licence.find("The MIT License"), std::string::npos);
  EXPECT_NE(licence.find("Copyright (c) OpenAI"), std::string::npos);
}

class BundledHumanEvalImportTest : public TempDirTest {};

TEST_F(BundledHumanEvalImportTest, ImportsIntoTheServedPack) {
  std::string error;
  ASSERT_TRUE(ImportHumanEval(kBundled + "/HumanEval.jsonl.gz", Out(), &error)) << error;
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->name, "humaneval");
  EXPECT_EQ(pack->tasks.size(), 164u);
}

}  // namespace
}  // namespace proctor::grader::importers
