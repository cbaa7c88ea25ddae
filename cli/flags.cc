#include "cli/flags.h"

#include <cstdlib>

namespace proctor::cli {

bool Flags::Parse(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args,
                  std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positionals_.insert(positionals_.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : specs)
      if (s.name == name) spec = &s;
    if (spec == nullptr) {
      *error = "unknown flag --" + name + " (see --help)";
      return false;
    }
    if (spec->takes_value && !has_value) {
      if (i + 1 >= args.size()) {
        *error = "flag --" + name + " needs a value";
        return false;
      }
      value = args[++i];
    } else if (!spec->takes_value && has_value) {
      *error = "flag --" + name + " takes no value";
      return false;
    }
    if (values_.count(name) && !spec->repeatable) {
      *error = "flag --" + name + " given twice";
      return false;
    }
    values_[name].push_back(value);
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
