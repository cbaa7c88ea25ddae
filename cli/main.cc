// proctor: grade code from RL policies in a sandbox. One binary, one subcommand per job.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

struct Command {
  int (*run)(const std::vector<std::string>&);
  const char* summary;
};

const std::map<std::string, Command>& CommandTable() {
  static const std::map<std::string, Command> table = {
      {"doctor", {proctor::cli::DoctorCommand, "show which isolation layers are active here"}},
      {"run", {proctor::cli::RunCommand, "run one program in the sandbox, print JSON"}},
      {"grade", {proctor::cli::GradeCommand, "grade a JSONL file of submissions against a pack"}},
      {"pack", {proctor::cli::PackCommand, "check a task pack, or import one (humaneval, mbpp)"}},
      {"serve", {proctor::cli::ServeCommand, "serve envs and batch grading (JSON-RPC, HTTP)"}},
  };
  return table;
}

void Usage(std::ostream& out) {
  out << "usage: proctor COMMAND [flags]   (proctor COMMAND --help for details)\n\ncommands:\n";
  for (const auto& [name, cmd] : CommandTable()) {
    std::string padded = name;
    padded.resize(10, ' ');
    out << "  " << padded << cmd.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    Usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (std::string(argv[1]) == "--version") {
    std::cout << "proctor " << PROCTOR_VERSION << "\n";
    return 0;
  }
  auto it = CommandTable().find(argv[1]);
  if (it == CommandTable().end()) {
    std::cerr << "proctor: unknown command '" << argv[1] << "'\n";
    Usage(std::cerr);
    return 2;
  }
  return it->second.run(std::vector<std::string>(argv + 2, argv + argc));
}
