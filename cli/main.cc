// proctor: grade code from RL policies in a sandbox. One binary, one subcommand per job.
// The table below lists every subcommand; Invoke is the one preamble they share: parse
// the flags (CLI11, cli/flags.h), answer --help, and exit 2 on bad usage.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "grader/languages/language.h"

namespace proctor::cli {
namespace {

struct Command {
  const char* name;
  const char* summary;  // one line for `proctor --help`
  // A command: its command line (flags and --help text) and what runs it.
  CommandLine (*command_line)() = nullptr;
  int (*run)(const Flags&) = nullptr;
  // Or a group of commands under one name (proctor pack check|import), with its usage.
  const std::vector<Command>* subcommands = nullptr;
  const char* group_usage = nullptr;
};

const std::vector<Command> kPackCommands = {
    {.name = "check",
     .summary = "prove a pack's tests sound",
     .command_line = PackCheckCommandLine,
     .run = PackCheckCommand},
    {.name = "import",
     .summary = "build a pack from a public benchmark",
     .command_line = PackImportCommandLine,
     .run = PackImportCommand},
    {.name = "deps",
     .summary = "list (or install) the Debian packages a pack needs",
     .command_line = PackDepsCommandLine,
     .run = PackDepsCommand},
};

const std::vector<Command> kCommands = {
    {.name = "doctor",
     .summary = "show which isolation layers are active here",
     .command_line = DoctorCommandLine,
     .run = DoctorCommand},
    {.name = "grade",
     .summary = "grade a JSONL file of submissions against a pack",
     .command_line = GradeCommandLine,
     .run = GradeCommand},
    {.name = "pack",
     .summary = "check a task pack, or import one (humaneval, mbpp)",
     .subcommands = &kPackCommands,
     .group_usage = "usage: proctor pack check DIR [flags]\n"
                    "       proctor pack import FORMAT FILE --out DIR\n"
                    "       proctor pack deps DIR [--install]\n"
                    "(proctor pack SUBCOMMAND --help for details)\n"},
    {.name = "run",
     .summary = "run one program in the sandbox, print JSON",
     .command_line = RunCommandLine,
     .run = RunCommand},
    {.name = "serve",
     .summary = "serve envs and batch grading (JSON-RPC, HTTP)",
     .command_line = ServeCommandLine,
     .run = ServeCommand},
};

void Usage(std::ostream& out) {
  out << "usage: proctor COMMAND [flags]   (proctor COMMAND --help for details)\n\ncommands:\n";
  for (const Command& command : kCommands) {
    std::string padded = command.name;
    padded.resize(10, ' ');
    out << "  " << padded << command.summary << "\n";
  }
}

// Runs `command` (called `program` in messages: "proctor pack check") on its arguments.
int Invoke(const std::string& program, const Command& command,
           const std::vector<std::string>& args) {
  if (command.subcommands != nullptr) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      (args.empty() ? std::cerr : std::cout) << command.group_usage;
      return args.empty() ? 2 : 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const Command& sub : *command.subcommands)
      if (args[0] == sub.name) return Invoke(program + " " + sub.name, sub, rest);
    std::cerr << program << ": unknown subcommand '" << args[0] << "'\n" << command.group_usage;
    return 2;
  }
  const CommandLine line = command.command_line();
  Flags flags;
  std::string error;
  if (!flags.Parse(line.flags, args, &error)) {
    std::cerr << program << ": " << error << "\n";
    return 2;
  }
  if (flags.Has("help")) {
    std::cout << HelpText(line.usage, line.description, line.flags);
    return 0;
  }
  return command.run(flags);
}

}  // namespace
}  // namespace proctor::cli

int main(int argc, char** argv) {
  using proctor::cli::kCommands;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    proctor::cli::Usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (std::string(argv[1]) == "--version") {
    std::cout << "proctor " << PROCTOR_VERSION << "\n";
    return 0;
  }
  // Every command but doctor (which reports it) needs the language definitions to load.
  if (std::string(argv[1]) != "doctor" && !proctor::grader::LanguageRegistryError().empty()) {
    std::cerr << "proctor: refusing to run: the language definitions do not load (above)\n";
    return 2;
  }
  for (const proctor::cli::Command& command : kCommands) {
    if (argv[1] == std::string(command.name))
      return proctor::cli::Invoke(std::string("proctor ") + command.name, command,
                                  std::vector<std::string>(argv + 2, argv + argc));
  }
  std::cerr << "proctor: unknown command '" << argv[1] << "'\n";
  proctor::cli::Usage(std::cerr);
  return 2;
}
