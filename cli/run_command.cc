#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "grader/languages/program.h"
#include "sandbox/policy_yaml.h"

namespace proctor::cli {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

CommandLine RunCommandLine() {
  std::vector<FlagSpec> specs = {
      {"language", true, false,
       "a language of languages/*.yaml: " + grader::LanguageNames() + " (required)", "LANG"},
      {"stdin", true, false, "file whose bytes are the program's stdin (default: empty)", "FILE"},
      {"policy", true, false, "YAML policy (limits, env, ...; see docs/sandbox.md)", "FILE"},
      {"wall-seconds", true, false, "wall-clock limit (default 10)", "S"},
      {"cpu-seconds", true, false, "CPU-time limit, all processes together (default 5)", "S"},
      {"memory-mb", true, false, "memory limit of the process tree (default 256)", "MB"},
      {"max-processes", true, false, "processes + threads (default 64)", "N"},
      {"stdout-kb", true, false, "stdout cap (default 1024)", "KB"},
      {"stderr-kb", true, false, "stderr cap (default 1024)", "KB"},
      {"disk-mb", true, false, "writable space: work dir + /tmp (default 16)", "MB"},
      HelpFlag(),
  };
  for (const FlagSpec& s : SandboxFlags()) specs.push_back(s);
  return {"proctor run --language LANG FILE [--stdin FILE] [limits]",
          "Runs one program in the sandbox (a compiled language is compiled inside it first) "
          "and prints\nthe result as JSON. Exit code 0 when the sandbox ran, whatever the program did; 1 when "
          "Proctor failed;\n2 on bad usage.",
          specs};
}

int RunCommand(const Flags& flags) {
  std::string error;
  if (flags.positionals().size() != 1 || !flags.Get("language")) {
    std::cerr << "proctor run: expected --language LANG and exactly one FILE (see --help)\n";
    return 2;
  }
  const grader::Language* language = grader::FindLanguage(*flags.Get("language"));
  if (language == nullptr) {
    std::cerr << "proctor run: unknown language '" << *flags.Get("language")
              << "' (expected one of " << grader::LanguageNames() << ")\n";
    return 2;
  }
  std::string source, stdin_data;
  const std::string& file = flags.positionals()[0];
  if (!ReadFile(file, &source)) {
    std::cerr << "proctor run: cannot read " << file << "\n";
    return 2;
  }
  if (auto in = flags.Get("stdin"); in && !ReadFile(*in, &stdin_data)) {
    std::cerr << "proctor run: cannot read --stdin file " << *in << "\n";
    return 2;
  }
  sandbox::Policy policy;
  if (auto p = flags.Get("policy"); p && !sandbox::LoadPolicyFile(*p, &policy, &error)) {
    std::cerr << "proctor run: " << error << "\n";
    return 2;
  }
  sandbox::Limits& limits = policy.limits;
  double v;
  struct NumericFlag {
    const char* name;
    std::function<void(double)> set;
  } numeric[] = {
      {"wall-seconds", [&](double d) { limits.wall_seconds = d; }},
      {"cpu-seconds", [&](double d) { limits.cpu_seconds = d; }},
      {"memory-mb", [&](double d) { limits.memory_bytes = d * sandbox::kMiB; }},
      {"max-processes", [&](double d) { limits.max_processes = static_cast<int>(d); }},
      {"stdout-kb", [&](double d) { limits.stdout_bytes = d * 1024; }},
      {"stderr-kb", [&](double d) { limits.stderr_bytes = d * 1024; }},
      {"disk-mb", [&](double d) { limits.disk_bytes = d * sandbox::kMiB; }},
  };
  for (const NumericFlag& f : numeric) {
    v = 0;
    if (!flags.GetDouble(f.name, &v, &error)) {
      std::cerr << "proctor run: " << error << "\n";
      return 2;
    }
    if (flags.Has(f.name)) f.set(v);
  }

  auto sb = MakeSandbox(flags, false);
  if (!sb) return 1;
  grader::CompileOutcome compile;
  auto program = grader::PreparedProgram::Prepare(*sb, *language, source, &compile);
  nlohmann::json out = {{"language", language->name}};
  if (!program) {
    out["status"] = compile.infra_error ? "sandbox_error" : "compile_error";
    out["compile"] = sandbox::ResultToJson(compile.result);
    out["message"] = compile.message;
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return compile.infra_error ? 1 : 0;
  }
  sandbox::RunSpec spec = program->MakeRunSpec(limits, stdin_data);
  spec.policy.env = policy.env;
  spec.policy.hostname = policy.hostname;
  if (flags.Has("policy")) spec.policy.readonly_paths = policy.readonly_paths;
  sandbox::Result r = sb->Run(spec);
  out.update(sandbox::ResultToJson(r));
  if (language->compile_argv.size()) out["compile"] = sandbox::ResultToJson(compile.result);
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return r.status == sandbox::Status::kSandboxError ? 1 : 0;
}

}  // namespace proctor::cli
