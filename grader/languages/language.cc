#include "grader/languages/language.h"

namespace proctor::grader {
namespace {

std::vector<Language> MakeTable() {
  sandbox::Limits compile;
  compile.wall_seconds = 30;
  compile.cpu_seconds = 20;
  compile.memory_bytes = 1024 * sandbox::kMiB;
  compile.max_processes = 16;
  compile.stdout_bytes = 64 * 1024;
  compile.stderr_bytes = 64 * 1024;
  compile.disk_bytes = 128 * sandbox::kMiB;
  compile.disk_inodes = 256;
  compile.open_files = 128;

  Language python;
  python.name = "python";
  python.source_file = "solution.py";
  // -I: isolated (no env vars, no user site, script dir not trusted); -B: no bytecode
  // written. -X int_max_str_digits=0: no limit on int <-> str conversions (CPython 3.11
  // refuses more than 4,300 digits by default, a ValueError that would fail correct programs
  // printing or reading big integers). No -S: the site module defines the builtins exit()
  // and quit() that correct programs call; in the sandbox it adds no paths (no site-packages
  // is mounted). Proctor's own runners keep -S.
  python.run_argv = {"/usr/bin/python3", "-I", "-B", "-X", "int_max_str_digits=0", "{source}"};
  python.readonly_paths = {"/usr/bin/python3", "/usr/bin/python3.11", "/usr/lib/python3.11",
                           "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/etc/ld.so.cache"};

  Language cpp;
  cpp.name = "cpp";
  cpp.source_file = "solution.cpp";
  // One list of flags for the compile and its precompiled header (they must be identical).
  const std::vector<std::string> cpp_flags = {"-std=c++20", "-O2", "-pipe", "-pthread"};
  cpp.compile_argv = {"/usr/bin/g++"};
  cpp.compile_argv.insert(cpp.compile_argv.end(), cpp_flags.begin(), cpp_flags.end());
  cpp.compile_argv.insert(cpp.compile_argv.end(), {"-o", "solution", "solution.cpp"});
  cpp.pch_header = "bits/stdc++.h";
  cpp.pch_argv = {"/usr/bin/g++"};
  cpp.pch_argv.insert(cpp.pch_argv.end(), cpp_flags.begin(), cpp_flags.end());
  cpp.pch_argv.insert(cpp.pch_argv.end(), {"-x", "c++-header", "{header}", "-o", "{output}"});
  cpp.binary_file = "solution";
  cpp.run_argv = {"{binary}"};
  cpp.readonly_paths = {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/etc/ld.so.cache"};
  cpp.compile_readonly_paths = {"/usr/bin", "/usr/lib", "/usr/lib64", "/usr/libexec",
                                "/usr/include", "/etc/ld.so.cache"};
  cpp.compile_limits = compile;
  return {python, cpp};
}

}  // namespace

const std::vector<Language>& Languages() {
  static const std::vector<Language> table = MakeTable();
  return table;
}

const Language* FindLanguage(const std::string& name) {
  for (const Language& l : Languages())
    if (l.name == name) return &l;
  return nullptr;
}

std::string LanguageNames() {
  std::string out;
  for (const Language& l : Languages()) out += (out.empty() ? "" : ", ") + l.name;
  return out;
}

}  // namespace proctor::grader
