#include "grader/importers/contest_pack.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <utility>

#include "grader/compare/float_close.h"
#include "grader/importers/yaml_writer.h"

namespace proctor::grader::importers {

const std::string kBigIntMarker = std::string("\x01proctor-bigint:");
const std::string kFloatMarker = std::string("\x01proctor-float:");

namespace {

using nlohmann::json;

// The most a published per-test limit becomes for a task's whole call-test session.
constexpr double kMaxCallSessionSeconds = 30;

std::string Number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", value);
  return buf;
}

const char* LanguageName(SolutionLanguage language) {
  return language == SolutionLanguage::kCpp ? "cpp" : "python";
}

void WriteSolutions(YamlWriter& w, const char* key, const std::vector<ContestSolution>& list) {
  if (list.empty()) return;
  w.BeginList(key);
  for (const ContestSolution& s : list) {
    w.BeginItem();
    w.Flow("language", LanguageName(s.language));
    w.String("code", s.code);
    w.End();
  }
  w.End();
}

// A JSON string as a YAML double-quoted scalar: JSON's escapes are YAML's; DEL is escaped
// too, since YAML does not allow it raw.
std::string QuotedJsonString(const std::string& text) {
  std::string dumped = json(text).dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  for (char c : dumped) {
    if (c == '\x7f') {
      out += "\\u007f";
    } else {
      out += c;
    }
  }
  return out;
}

bool IsIntegerText(const std::string& text) {
  static const std::regex kInteger("-?[0-9]+");
  return std::regex_match(text, kInteger);
}

// Where APPS' harness turns a dict's integer-string keys into ints: in the first argument
// (kDict) and in the expected value, also when wrapped as the first item of a list.
enum class IntKeys { kNone, kDict, kDictOrFirstItem };

// A JSON value as a YAML flow value that LoadPack reads back as the same Python value
// (docs/task-format.md, "Values"); a dict whose keys are all integer strings gets int keys
// where `int_keys` says so.
void AppendValue(const json& v, IntKeys int_keys, std::string& out) {
  switch (v.type()) {
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      out += v.dump();
      return;
    case json::value_t::number_float: {
      double f = v.get<double>();
      if (std::isnan(f)) {
        out += ".nan";
      } else if (std::isinf(f)) {
        out += f < 0 ? "-.inf" : ".inf";
      } else {
        std::string text = v.dump();
        if (text.find_first_of(".eE") == std::string::npos) text += ".0";
        out += text;
      }
      return;
    }
    case json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      if (s.rfind(kBigIntMarker, 0) == 0) {  // an integer too long for a JSON number here
        out += "{$int: \"" + s.substr(kBigIntMarker.size()) + "\"}";
      } else if (s.rfind(kFloatMarker, 0) == 0) {  // NaN, Infinity, -Infinity
        std::string word = s.substr(kFloatMarker.size());
        out += word == "NaN" ? ".nan" : word == "Infinity" ? ".inf" : "-.inf";
      } else {
        out += QuotedJsonString(s);
      }
      return;
    }
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& item : v) {
        if (!first) out += ", ";
        // APPS also converts the keys of an expected dict wrapped in a list ([{"1": x}]).
        AppendValue(
            item, int_keys == IntKeys::kDictOrFirstItem && first ? IntKeys::kDict : IntKeys::kNone,
            out);
        first = false;
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      bool all_int = !v.empty();
      bool dollar = v.size() == 1 && v.begin().key().rfind('$', 0) == 0;
      for (auto it = v.begin(); it != v.end(); ++it) all_int = all_int && IsIntegerText(it.key());
      bool convert = int_keys != IntKeys::kNone && all_int;
      if (convert || dollar) {
        out += "{$dict: [";
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (!first) out += ", ";
          first = false;
          out += '[';
          out += convert ? it.key() : QuotedJsonString(it.key());
          out += ", ";
          AppendValue(it.value(), IntKeys::kNone, out);
          out += ']';
        }
        out += "]}";
        return;
      }
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        out += QuotedJsonString(it.key()) + ": ";
        AppendValue(it.value(), IntKeys::kNone, out);
      }
      out += '}';
      return;
    }
    default:
      out += QuotedJsonString(v.dump());
  }
}

// The task's limits: only what the record published (scaled); nothing when it published
// nothing, so the pack default applies and `pack check --calibrate` may set them. Call tests
// of a task run in one session: a published per-test limit is multiplied by their number
// (at most kMaxCallSessionSeconds, never below one test's limit).
std::string LimitsFlow(const ContestProblem& p) {
  std::vector<std::string> parts;
  std::optional<double> cpu = p.cpu_seconds;
  if (cpu && !p.calls.empty()) {
    cpu = std::max(*cpu,
                   std::min(kMaxCallSessionSeconds, *cpu * static_cast<double>(p.calls.size())));
  }
  if (cpu) {
    parts.push_back("cpu_seconds: " + Number(*cpu));
    parts.push_back("wall_seconds: " + Number(2 * *cpu + 2));
  }
  if (p.memory_mb) parts.push_back("memory_mb: " + std::to_string(*p.memory_mb));
  if (parts.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + "}";
}

bool StartsWithWord(std::string_view line, std::string_view word) {
  if (line.substr(0, word.size()) != word) return false;
  return line.size() == word.size() || line[word.size()] == ' ' || line[word.size()] == '\t' ||
         line[word.size()] == '(' || line[word.size()] == ';' || line[word.size()] == ':';
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

// Lines that begin inside a triple-quoted string (so their indentation means nothing).
std::vector<bool> InsideStrings(const std::vector<std::string_view>& lines) {
  std::vector<bool> inside(lines.size(), false);
  std::string_view open;  // the delimiter of the open string, or empty
  for (size_t i = 0; i < lines.size(); ++i) {
    inside[i] = !open.empty();
    std::string_view line = lines[i];
    for (size_t j = 0; j < line.size(); ++j) {
      if (open.empty()) {
        if (line[j] == '#') break;
        if (line.substr(j, 3) == "\"\"\"" || line.substr(j, 3) == "'''") {
          open = line.substr(j, 3);
          j += 2;
        } else if (line[j] == '"' || line[j] == '\'') {
          char quote = line[j];  // a one-line string: skip it
          for (++j; j < line.size() && line[j] != quote; ++j)
            if (line[j] == '\\') ++j;
        }
      } else if (line[j] == '\\') {
        ++j;
      } else if (line.substr(j, 3) == open) {
        open = {};
        j += 2;
      }
    }
  }
  return inside;
}

size_t Indent(std::string_view line) {
  size_t n = 0;
  for (char c : line) {
    if (c == ' ') {
      ++n;
    } else if (c == '\t') {
      n = (n / 8 + 1) * 8;
    } else {
      break;
    }
  }
  return n;
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `if x: return` (or for/while/else/...: return) on one line.
bool HasInlineReturn(std::string_view body) {
  static constexpr std::string_view kCompound[] = {"if",  "elif",   "else",    "for", "while",
                                                   "try", "except", "finally", "with"};
  bool compound = false;
  for (std::string_view word : kCompound) compound = compound || StartsWithWord(body, word);
  if (!compound) return false;
  size_t comment = body.find('#');
  for (size_t colon = body.find(':'); colon < comment && colon != std::string_view::npos;
       colon = body.find(':', colon + 1)) {
    size_t next = body.find_first_not_of(" \t", colon + 1);
    if (next == std::string_view::npos) return false;
    std::string_view rest = body.substr(next);
    if (rest.substr(0, 6) == "return" && (rest.size() == 6 || !IsNameChar(rest[6]))) return true;
  }
  return false;
}

}  // namespace

std::string_view FloatTokenChecker() {
  return R"PY(# Proctor's token checker for outputs with decimal numbers (docs/importers.md, "apps"):
# run as `checker.py input expected output`; exit 0 accepts. The outputs are split on
# whitespace and compared token by token: an integer printed where an integer is
# expected must be exactly that token (any size; "007" is not "7"); two numbers of which
# one is not an integer ("0.5" and "2", "1e-9" and "0") within the judges' absolute or
# relative error 1e-6, |got - expected| <= 1e-6 * max(1, |expected|) (an infinity only
# equals itself); any other token exactly.
import math
import re
import sys

INTEGER = re.compile(r"[+-]?[0-9]+\Z")
DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")


def same(want, got):
    if want == got:
        return True
    if INTEGER.match(want) and INTEGER.match(got):
        return False  # integers as written: 7 is not 8, nor 007
    if DECIMAL.match(want) and DECIMAL.match(got):
        a, b = float(got), float(want)
        if not (math.isfinite(a) and math.isfinite(b)):
            return a == b
        return abs(a - b) <= 1e-6 * max(1.0, abs(b))
    return False


def main(expected_path, output_path):
    with open(expected_path, "rb") as f:
        want = f.read().decode("latin-1").split()
    with open(output_path, "rb") as f:
        got = f.read().decode("latin-1").split()
    for i, (w, g) in enumerate(zip(want, got), 1):
        if not same(w, g):
            print("token %d: expected %r, got %r" % (i, w[:60], g[:60]))
            return 1
    if len(want) != len(got):
        print("expected %d tokens, got %d" % (len(want), len(got)))
        return 1
    return 0


sys.exit(main(sys.argv[2], sys.argv[3]))
)PY";
}

bool HasFloatToken(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view token = text.substr(start, i - start);
    if (token.empty()) continue;
    bool has_digit = token.find_first_of("0123456789") != std::string_view::npos;
    bool fraction = token.find_first_of(".eE") != std::string_view::npos;
    if (has_digit && fraction && compare::ParseNumberToken(token)) return true;
  }
  return false;
}

double ScaledSeconds(double seconds, double time_scale) {
  return std::ceil(seconds * time_scale * 1000.0 - 1e-6) / 1000.0;
}

int MemoryMb(double megabytes) {
  return std::max(16, static_cast<int>(std::ceil(megabytes - 1e-9)));
}

bool HasTopLevelReturn(std::string_view code) {
  std::vector<std::string_view> lines = Lines(code);
  std::vector<bool> in_string = InsideStrings(lines);
  std::vector<size_t> functions;  // indentation of the enclosing `def` lines
  bool continued = false;         // the previous line ended with a backslash or open bracket
  int depth = 0;                  // open brackets
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t indent = Indent(line);
    std::string_view body = line.substr(std::min(line.size(), line.find_first_not_of(" \t")));
    bool logical_start = !in_string[i] && !continued && depth == 0;
    if (logical_start && !body.empty() && body[0] != '#') {
      while (!functions.empty() && indent <= functions.back()) functions.pop_back();
      if (StartsWithWord(body, "def") || body.rfind("async def ", 0) == 0) {
        functions.push_back(indent);
      } else if (StartsWithWord(body, "return") && functions.empty()) {
        return true;
      } else if (functions.empty() && HasInlineReturn(body)) {
        return true;
      }
    }
    if (in_string[i] && !continued) continue;
    // Track brackets and continuations outside strings (roughly: quotes on one line).
    bool in_quote = false;
    char quote = 0;
    for (size_t j = 0; j < body.size(); ++j) {
      char c = body[j];
      if (in_quote) {
        if (c == '\\') {
          ++j;
        } else if (c == quote) {
          in_quote = false;
        }
      } else if (c == '#') {
        break;
      } else if (c == '"' || c == '\'') {
        in_quote = true;
        quote = c;
      } else if (c == '(' || c == '[' || c == '{') {
        ++depth;
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    }
    continued = !body.empty() && body.back() == '\\';
  }
  return false;
}

std::string WrapInFunction(std::string_view code) {
  std::vector<std::string_view> lines = Lines(code);
  if (lines.size() > 1 && lines.back().empty()) lines.pop_back();  // the final newline
  std::vector<bool> in_string = InsideStrings(lines);
  bool tabs = false;
  for (std::string_view line : lines) tabs = tabs || (!line.empty() && line[0] == '\t');
  const std::string indent = tabs ? "\t" : "    ";
  std::string hoisted, body;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    bool import = !in_string[i] && (StartsWithWord(line, "import") || StartsWithWord(line, "from"));
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' '))
      trimmed.remove_suffix(1);
    bool continues = !trimmed.empty() &&
                     (trimmed.back() == '\\' || trimmed.back() == '(' || trimmed.back() == ',');
    if (import && !continues) {
      hoisted += std::string(line) + "\n";
    } else if (in_string[i]) {
      body += std::string(line) + "\n";  // inside a string: kept byte for byte
    } else {
      body += (line.empty() ? "" : indent) + std::string(line) + "\n";
    }
  }
  return hoisted + "\n\ndef _proctor_main():\n" + body + indent + "pass\n\n\n_proctor_main()\n";
}

std::string_view AppsHeader() {
  return "# The imports APPS' test harness puts before every solution.\n"
         "import sys\n"
         "import time\n"
         "import itertools\n"
         "from itertools import accumulate, product, permutations, combinations\n"
         "import collections\n"
         "from collections import Counter, OrderedDict, deque, defaultdict, ChainMap\n"
         "from functools import lru_cache\n"
         "import math\n"
         "from math import sqrt, sin, cos, tan, ceil, fabs, floor, gcd, exp, log, log2\n"
         "import fractions\n"
         "from typing import List, Tuple\n"
         "import random\n"
         "import heapq\n"
         "from heapq import *\n";
}

bool UsesMissingModule(std::string_view code) {
  static constexpr std::string_view kMissing[] = {
      "numpy", "scipy", "sympy", "pandas", "sortedcontainers", "networkx"};
  auto missing = [](std::string_view name) {
    name.remove_prefix(std::min(name.size(), name.find_first_not_of(" \t(")));
    for (std::string_view module : kMissing) {
      if (name.substr(0, module.size()) == module &&
          (name.size() == module.size() || !IsNameChar(name[module.size()]))) {
        return true;
      }
    }
    return false;
  };
  for (std::string_view line : Lines(code)) {
    size_t at = line.find_first_not_of(" \t");
    if (at == std::string_view::npos) continue;
    line.remove_prefix(at);
    if (StartsWithWord(line, "from")) {
      if (missing(line.substr(4))) return true;
    } else if (StartsWithWord(line, "import")) {
      line.remove_prefix(6);  // `import a, numpy as np`: every name
      for (size_t comma = 0; comma != std::string_view::npos; comma = line.find(',')) {
        if (comma) line.remove_prefix(comma + 1);
        if (missing(line)) return true;
        if (line.find(',') == std::string_view::npos) break;
      }
    }
  }
  return false;
}

bool ReadJsonOrJsonString(const JsonlRecord& record, const std::string& key,
                          std::optional<json>* out, std::string* error) {
  out->reset();
  auto it = record.value.find(key);
  if (it == record.value.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *out = *it;
    return true;
  }
  const std::string& text = it->get_ref<const std::string&>();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return true;  // "" is missing
  // Integers of 19 digits or more may become floats in nlohmann::json; they are kept as
  // marked strings instead and written back as exact ints.
  std::string marked;
  marked.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      marked += c;
      if (c == '\\' && i + 1 < text.size()) {
        marked += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      marked += c;
      continue;
    }
    bool after_separator =
        i == 0 || std::string_view(",[:{ \t\r\n").find(text[i - 1]) != std::string_view::npos;
    // Python's json writes NaN, Infinity and -Infinity (not JSON); its json.loads reads them.
    std::string_view rest = std::string_view(text).substr(i);
    if (after_separator && (rest.rfind("NaN", 0) == 0 || rest.rfind("Infinity", 0) == 0 ||
                            rest.rfind("-Infinity", 0) == 0)) {
      std::string_view word = rest[0] == 'N' ? "NaN" : rest[0] == 'I' ? "Infinity" : "-Infinity";
      marked += "\"\\u0001proctor-float:" + std::string(word) + "\"";
      i += word.size() - 1;
      continue;
    }
    bool starts_number = (c == '-' || (c >= '0' && c <= '9')) && after_separator;
    if (starts_number) {
      size_t end = i + (c == '-' ? 1 : 0);
      while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
      bool plain_integer =
          end == text.size() || std::string_view(".eE").find(text[end]) == std::string_view::npos;
      size_t digits = end - i - (c == '-' ? 1 : 0);
      if (plain_integer && digits >= 19) {
        marked += "\"\\u0001proctor-bigint:" + std::string(text.substr(i, end - i)) + "\"";
        i = end - 1;
        continue;
      }
    }
    marked += c;
  }
  try {
    json parsed = json::parse(marked);
    *out = std::move(parsed);
  } catch (const json::exception& e) {
    *error = record.Error("field \"" + key + "\" is not valid JSON: " + e.what());
    return false;
  }
  return true;
}

void Note(const JsonlRecord& record, const std::string& message, ImportReport* report) {
  report->notes.push_back(record.Error(message));
}

std::string ContestPackYaml(std::string_view name, std::string_view version,
                            std::string_view description) {
  return PackYaml(name, version, description) +
         "defaults:\n"
         "  limits: {cpu_seconds: " +
         Number(kDefaultCpuSeconds) + ", wall_seconds: " + Number(2 * kDefaultCpuSeconds + 2) +
         ", memory_mb: " + std::to_string(kDefaultMemoryMb) +
         "}\n"
         "  stdio_compare: tokens\n"
         "  call_compare: {kind: json, unwrap: true, rel_tol: 1e-9}\n";
}

bool WriteContestProblem(const ContestProblem& p, PackWriter* writer, std::string* error) {
  const std::string stem = FileStem(p.id);
  YamlWriter w;
  w.String("id", p.id);
  if (!p.title.empty()) w.String("title", p.title);
  w.String("source", p.source);
  if (!p.source_id.empty()) w.String("source_id", p.source_id);
  w.String("prompt", p.prompt);
  w.Flow("languages", p.allow_cpp && p.calls.empty() ? "[python, cpp]" : "[python]");
  std::string limits = LimitsFlow(p);
  if (!limits.empty()) w.Flow("limits", limits);
  if (!p.calls.empty()) w.Flow("entry_point", p.entry_point);
  if (!p.python_starter.empty()) {
    w.BeginList("starter");
    w.BeginItem();
    w.Flow("language", "python");
    w.String("code", p.python_starter);
    w.End();
    w.End();
  }
  WriteSolutions(w, "reference_solutions", p.references);
  WriteSolutions(w, "wrong_solutions", p.wrongs);
  // Outputs with decimal numbers go to the float token checker; the others compare as
  // tokens (the pack default).
  std::vector<std::vector<bool>> float_tests;
  bool any_float = false;
  for (const StdioGroup& group : p.stdio) {
    float_tests.emplace_back();
    for (const StdioCase& c : group.cases) {
      float_tests.back().push_back(p.python_checker.empty() && HasFloatToken(c.output));
      any_float = any_float || float_tests.back().back();
    }
  }
  if (!p.python_checker.empty() || any_float) {
    w.BeginMap("checker");
    w.Flow("language", "python");
    w.String("code", p.python_checker.empty() ? FloatTokenChecker() : p.python_checker);
    w.End();
    if (!p.python_checker.empty()) w.Flow("stdio_compare", "checker");
  }
  w.BeginList("tests");
  for (size_t g = 0; g < p.stdio.size(); ++g) {
    const StdioGroup& group = p.stdio[g];
    for (size_t i = 0; i < group.cases.size(); ++i) {
      const StdioCase& c = group.cases[i];
      std::string name = group.origin + "-" + std::to_string(i + 1);
      std::string base = stem + "/tests/" + name;
      w.BeginItem();
      w.String("name", name);
      w.BeginMap("stdio");
      w.String("stdin_file", base + ".in");
      w.String("expected_stdout_file", base + ".out");
      if (float_tests[g][i]) w.Flow("compare", "checker");
      w.End();
      w.End();
      if (!writer->Add({"tasks/" + base + ".in", c.input}, error) ||
          !writer->Add({"tasks/" + base + ".out", c.output}, error)) {
        return false;
      }
    }
  }
  for (size_t i = 0; i < p.calls.size(); ++i) {
    const CallCase& c = p.calls[i];
    w.BeginItem();
    w.String("name", "call-" + std::to_string(i + 1));
    w.BeginMap("call");
    w.Flow("function", p.call_function);
    std::string args = "[";
    for (size_t a = 0; a < c.args.size(); ++a) {
      if (a) args += ", ";
      AppendValue(c.args[a], a == 0 ? IntKeys::kDict : IntKeys::kNone, args);
    }
    w.Flow("args", args + "]");
    std::string expected;
    AppendValue(c.expected, IntKeys::kDictOrFirstItem, expected);
    w.Flow("expected", expected);
    w.End();
    w.End();
  }
  w.End();
  return writer->Add({"tasks/" + stem + ".yaml", w.Take()}, error);
}

std::string SplitOfFile(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  std::string split;
  std::string word;
  for (size_t i = 0; i <= name.size(); ++i) {
    char c = i < name.size() ? static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])))
                             : '.';
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += c;
      continue;
    }
    std::string found = word == "train"                           ? "train"
                        : word == "test"                          ? "test"
                        : word == "valid" || word == "validation" ? "valid"
                                                                  : "";
    if (!found.empty()) {
      if (!split.empty() && split != found) return "";  // "train_test": not one split
      split = found;
    }
    word.clear();
  }
  return split;
}

bool ImportContestPack(const ImportRequest& request, std::string_view format,
                       std::string_view description, const ContestRecordReader& read,
                       ImportReport* report, std::string* error) {
  try {
    PackWriter writer;
    if (!writer.Open(request.out_dir, error)) return false;
    TaskIds ids;
    int64_t index = 0;
    std::string split = SplitOfFile(request.input);
    const std::string source = std::string(format) + (split.empty() ? "" : "/" + split);
    auto visit = [&](const JsonlRecord& record, std::string* visit_error) {
      ContestProblem problem;
      problem.source = source;
      std::string skip = read(record, index++, &problem, report);
      if (!skip.empty()) {
        ++report->skipped;
        Note(record, "skipped: " + skip, report);
        return true;
      }
      if (!ids.Add(record, problem.id, visit_error)) return false;
      if (!WriteContestProblem(problem, &writer, visit_error)) return false;
      ++report->tasks;
      return true;
    };
    int64_t records = 0;
    JsonlStreamOptions options;
    if (request.progress) options.progress_label = std::string(format);
    if (!ForEachJsonl(request.input, visit, error, options, &records)) return false;
    report->records = static_cast<int>(records);
    if (report->tasks == 0) {
      *error = request.input + ": no record could be imported (see the notes)";
      return false;
    }
    std::string name = request.pack_name.empty() ? std::string(format) : request.pack_name;
    std::string text = std::string(description) + "\nImported from " +
                       std::filesystem::path(request.input).filename().string() + ": " +
                       std::to_string(report->tasks) + " tasks.\n";
    if (!writer.Add({"pack.yaml", ContestPackYaml(name, request.version, text)}, error))
      return false;
    return writer.Finish(error);
  } catch (const std::exception& e) {
    *error = request.input + ": import failed: " + e.what();
    return false;
  }
}

}  // namespace proctor::grader::importers
