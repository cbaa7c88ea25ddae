// libFuzzer target: the task-pack loader (grader/task/pack_loader.h, LoadPack), through its
// public entry point on a real folder. The input is up to three files separated by NUL bytes:
//
//   <tasks/task.yaml> [\0 <pack.yaml> [\0 <calibrated_limits.yaml>]]
//
// (without a pack.yaml part a fixed minimal one is used). The folder also holds a few files a
// task may refer to (tasks/files/...). For any bytes: a pack, or a LoadError that says what is
// wrong and where; never a crash, a sanitizer report, a hang or an exception (LoadPack "never
// throws").
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "grader/task/pack_loader.h"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDefaultPackYaml =
    "name: fuzz\nversion: \"1\"\ndefaults:\n  languages: [python]\n";

fs::path& Root() {
  static fs::path root;
  return root;
}

void Write(const fs::path& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out) {
    std::fprintf(stderr, "pack_load_fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

void RemoveRoot() {
  std::error_code ec;
  fs::remove_all(Root(), ec);
}

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "pack_load_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* tmp = std::getenv("TMPDIR");
  Root() = fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") /
           ("proctor-pack-fuzz-" + std::to_string(::getpid()));
  RemoveRoot();
  fs::create_directories(Root() / "tasks" / "files");
  Write(Root() / "tasks" / "files" / "solution.py", "def f(x):\n    return x\n");
  Write(Root() / "tasks" / "files" / "solution.cpp", "int main() { return 0; }\n");
  Write(Root() / "tasks" / "files" / "input.txt", "1 2\n");
  Write(Root() / "tasks" / "files" / "output.txt", "3\n");
  Write(Root() / "tasks" / "files" / "prompt.md", "Add the numbers.\n");
  Write(Root() / "tasks" / "files" / "test_f.py", "def test_f():\n    assert f(1) == 1\n");
  std::atexit(RemoveRoot);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view parts[3] = {input, kDefaultPackYaml, {}};
  bool has_limits = false;
  if (size_t nul = input.find('\0'); nul != std::string_view::npos) {
    parts[0] = input.substr(0, nul);
    parts[1] = input.substr(nul + 1);
    if (size_t second = parts[1].find('\0'); second != std::string_view::npos) {
      parts[2] = parts[1].substr(second + 1);
      parts[1] = parts[1].substr(0, second);
      has_limits = true;
    }
  }
  Write(Root() / "tasks" / "task.yaml", parts[0]);
  Write(Root() / "pack.yaml", parts[1]);
  std::error_code ec;
  if (has_limits) {
    Write(Root() / "calibrated_limits.yaml", parts[2]);
  } else {
    fs::remove(Root() / "calibrated_limits.yaml", ec);
  }

  auto pack = proctor::grader::task::LoadPack(Root().string());
  if (!pack) {
    const auto& error = pack.error();
    if (error.message.empty() || error.where.file.empty())
      Fail("a LoadError without a message or a file", error.ToString());
    return 0;
  }
  if (pack->tasks.empty()) Fail("a pack without tasks was loaded", std::string(input));
  return 0;
}
