// A subcommand's flags: declared as FlagSpecs, parsed by CLI11 (--name=value, --name value,
// boolean --name, positionals, -- ends the flags), printed by HelpText for --help.
// Unknown flags are errors (with the flag named), so typos never pass silently.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace proctor::cli {

struct FlagSpec {
  std::string name;         // without leading dashes
  bool takes_value = true;
  bool repeatable = false;
  std::string help;         // "--name VALUE  help text" line for --help
  std::string value_name = "VALUE";
};

// Every command's --help flag (the shared preamble in cli/main.cc answers it).
FlagSpec HelpFlag();

// A subcommand's command line: the flags CLI11 parses and what --help prints.
struct CommandLine {
  std::string usage;  // "proctor grade --pack DIR ...", printed after "usage: "
  std::string description;
  std::vector<FlagSpec> flags;
};

// The parsed flags of one command line.
class Flags {
 public:
  // Parses args (without the program and subcommand names) with CLI11. False with `error` set
  // ("unknown flag --x (see --help)", "flag --x needs a value", ...) on bad usage.
  bool Parse(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args,
             std::string* error);
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  // Numeric flags: error names the flag when the value is not a number.
  bool GetDouble(const std::string& name, double* out, std::string* error) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

std::string HelpText(const std::string& usage, const std::string& description,
                     const std::vector<FlagSpec>& specs);

}  // namespace proctor::cli
