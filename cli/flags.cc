#include "cli/flags.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <map>

namespace proctor::cli {
namespace {

// What CLI11 records for a flag given bare (--name); anything else came as --name=VALUE.
constexpr char kBareFlag[] = "bare";

std::string NameOf(const std::string& arg) { return arg.substr(2, arg.find('=') - 2); }

}  // namespace

FlagSpec HelpFlag() { return {"help", false, false, "show this help"}; }

// CLI11 parses; this function turns its results into the messages the commands have always
// given: an unknown flag first, then (in the order of the arguments) a flag given a value or
// given twice, then a flag missing its value (only possible at the end).
bool Flags::Parse(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args,
                  std::string* error) {
  CLI::App app;
  app.set_help_flag();  // --help is a FlagSpec like any other: its text is ours (HelpText)
  app.allow_extras();   // positionals and unknown flags arrive in order in remaining()
  std::map<const CLI::Option*, const FlagSpec*> spec_of;
  for (const FlagSpec& s : specs) {
    CLI::Option* option = s.takes_value ? app.add_option("--" + s.name)
                                              ->expected(1)
                                              ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
                                        : app.add_flag("--" + s.name + "{" + kBareFlag + "}");
    spec_of[option] = &s;
  }
  std::optional<std::string> missing_value;  // the flag whose value is missing
  try {
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
  } catch (const CLI::ArgumentMismatch& e) {
    // CLI11 names the option first: "--out: 1 required FILE missing".
    for (const auto& [option, spec] : spec_of)
      if (std::string(e.what()).rfind(option->get_name() + ":", 0) == 0) missing_value = spec->name;
    if (!missing_value) {
      *error = e.what();
      return false;
    }
  } catch (const CLI::ParseError& e) {
    *error = e.what();
    return false;
  }
  bool after_dashes = false;
  for (const std::string& arg : app.remaining()) {
    if (!after_dashes && arg == "--") {
      after_dashes = true;
    } else if (!after_dashes && arg.rfind("--", 0) == 0 && arg.size() > 2) {
      *error = "unknown flag --" + NameOf(arg) + " (see --help)";
      return false;
    } else {
      positionals_.push_back(arg);
    }
  }
  std::map<const CLI::Option*, size_t> seen;
  for (const CLI::Option* option : app.parse_order()) {
    const FlagSpec& spec = *spec_of.at(option);
    const std::string& value = option->results().at(seen[option]++);
    if (!spec.takes_value && value != kBareFlag) {
      *error = "flag --" + spec.name + " takes no value";
      return false;
    }
    if (values_.count(spec.name) && !spec.repeatable) {
      *error = "flag --" + spec.name + " given twice";
      return false;
    }
    values_[spec.name].push_back(spec.takes_value ? value : "");
  }
  if (missing_value) {
    *error = "flag --" + *missing_value + " needs a value";
    return false;
  }
  return true;
}
std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Flags::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool Flags::GetDouble(const std::string& name, double* out, std::string* error) const {
  auto v = Get(name);
  if (!v) return true;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !(d > 0)) {
    *error = "flag --" + name + ": '" + *v + "' is not a positive number";
    return false;
  }
  *out = d;
  return true;
}

std::string HelpText(const std::string& usage, const std::string& description,
                     const std::vector<FlagSpec>& specs) {
  std::string out = "usage: " + usage + "\n\n" + description + "\n";
  if (!specs.empty()) out += "\nflags:\n";
  for (const FlagSpec& s : specs) {
    std::string left = "  --" + s.name + (s.takes_value ? " " + s.value_name : "");
    if (left.size() < 34) left.resize(34, ' ');
    else left += "\n" + std::string(34, ' ');
    out += left + s.help + "\n";
  }
  return out;
}

}  // namespace proctor::cli
