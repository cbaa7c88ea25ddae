#include "grader/importers/stream_import.h"
#include "grader/importers/livecodebench.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "grader/importers/jsonl.h"
#include "grader/importers/pack_writer.h"
#include "grader/importers/pickle_string.h"
#include "grader/importers/python_text.h"
#include "grader/importers/yaml_writer.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

// LiveCodeBench's harness gives every test this many seconds (lcb_runner's `timeout`).
constexpr double kLcbSecondsPerTest = 6.0;
// Tests whose input and output together are larger than this are written as files.
constexpr size_t kInlineBytes = 2048;

enum class TestType { kStdin, kFunctional };

struct TestCase {
  std::string input;
  std::string output;
  TestType type = TestType::kStdin;
};

struct Problem {
  std::string id;
  std::string source_id;  // question_id when `id` had to be mapped from it
  std::string title;
  std::string platform;
  std::string content;
  std::string starter;
  std::string func_name;  // empty: stdin problem
  std::vector<TestCase> public_tests;
  std::vector<TestCase> private_tests;
};

std::string StripExceptionId(std::string message) {
  if (!message.empty() && message[0] == '[') {
    size_t end = message.find("] ");
    if (end != std::string::npos) message.erase(0, end + 2);
  }
  return message;
}

// An optional string field; absent or null gives "".
bool OptionalString(const JsonlRecord& record, const std::string& key, std::string* out,
                    std::string* error) {
  auto it = record.value.find(key);
  if (it == record.value.end() || it->is_null()) return true;
  return record.GetString(key, out, error);
}

// Field `key` as JSON: upstream stores it as a JSON string; some copies hold the decoded
// value. `compressed_ok`: a string that is not JSON may be LCB's base64(zlib(pickle)).
bool JsonField(const JsonlRecord& record, const std::string& key, bool compressed_ok,
               json* out, std::string* error) {
  auto it = record.value.find(key);
  if (it == record.value.end()) {
    *error = record.Error("missing field \"" + key + "\"");
    return false;
  }
  if (!it->is_string()) {
    *out = *it;
    return true;
  }
  const std::string& text = it->get_ref<const std::string&>();
  size_t first = text.find_first_not_of(" \t\r\n");
  bool looks_json = first != std::string::npos && (text[first] == '[' || text[first] == '{');
  std::string decoded;
  if (!looks_json && compressed_ok && first != std::string::npos) {
    std::string why;
    if (!DecodeLcbCompressed(text, &decoded, &why)) {
      *error = record.Error("field \"" + key +
                            "\" is neither JSON nor base64(zlib(pickle(JSON))): " + why);
      return false;
    }
  }
  try {
    *out = json::parse(decoded.empty() ? text : decoded);
  } catch (const json::exception& e) {
    *error = record.Error("field \"" + key + "\" is not valid JSON: " +
                          StripExceptionId(e.what()));
    return false;
  }
  return true;
}

bool ReadTests(const JsonlRecord& record, const std::string& key, bool compressed_ok,
               std::vector<TestCase>* tests, std::string* error) {
  json list;
  if (!JsonField(record, key, compressed_ok, &list, error)) return false;
  if (!list.is_array()) {
    *error = record.Error("field \"" + key + "\" must hold a list of tests, not " +
                          DescribeJson(list));
    return false;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const json& item = list[i];
    std::string where = "field \"" + key + "\" item " + std::to_string(i + 1);
    if (!item.is_object()) {
      *error = record.Error(where + " must be an object, not " + DescribeJson(item));
      return false;
    }
    TestCase test;
    for (auto [name, out] : {std::pair{"input", &test.input}, std::pair{"output", &test.output}}) {
      auto it = item.find(name);
      if (it == item.end() || !it->is_string()) {
        *error = record.Error(where + ": \"" + name + "\" must be a string" +
                              (it == item.end() ? " (missing)" : ", not " + DescribeJson(*it)));
        return false;
      }
      *out = it->get<std::string>();
    }
    auto type = item.find("testtype");
    std::string type_name = type != item.end() && type->is_string() ? type->get<std::string>() : "";
    if (type_name != "stdin" && type_name != "functional") {
      *error = record.Error(where + ": \"testtype\" must be \"stdin\" or \"functional\"");
      return false;
    }
    test.type = type_name == "stdin" ? TestType::kStdin : TestType::kFunctional;
    tests->push_back(std::move(test));
  }
  return true;
}

// Reads the record; *skip gets the reason when it is well-formed but cannot be a task.
bool ReadProblem(const JsonlRecord& record, Problem* p, std::string* skip, std::string* error) {
  std::string question_id;
  if (!record.GetString("question_id", &question_id, error) ||
      !record.GetString("question_content", &p->content, error) ||
      !OptionalString(record, "question_title", &p->title, error) ||
      !OptionalString(record, "platform", &p->platform, error) ||
      !OptionalString(record, "starter_code", &p->starter, error)) {
    return false;
  }
  p->id = MapTaskId(question_id);
  if (p->id != question_id) p->source_id = question_id;
  json metadata = json::object();
  if (record.value.contains("metadata") && !record.value["metadata"].is_null() &&
      !JsonField(record, "metadata", false, &metadata, error)) {
    return false;
  }
  if (!metadata.is_object()) {
    *error = record.Error("field \"metadata\" must hold an object, not " + DescribeJson(metadata));
    return false;
  }
  if (auto fn = metadata.find("func_name"); fn != metadata.end() && !fn->is_null()) {
    if (!fn->is_string() || !IsIdentifier(fn->get<std::string>())) {
      *error = record.Error("field \"metadata\": func_name must be an identifier, not " +
                            (fn->is_string() ? "\"" + fn->get<std::string>() + "\""
                                             : DescribeJson(*fn)));
      return false;
    }
    p->func_name = fn->get<std::string>();
  }
  if (!ReadTests(record, "public_test_cases", false, &p->public_tests, error) ||
      !ReadTests(record, "private_test_cases", true, &p->private_tests, error)) {
    return false;
  }
  if (p->public_tests.empty() && p->private_tests.empty()) {
    *skip = "no tests (public_test_cases and private_test_cases are empty)";
    return true;
  }
  // LiveCodeBench decides by func_name; a test of the other kind is a broken record.
  TestType want = p->func_name.empty() ? TestType::kStdin : TestType::kFunctional;
  for (auto [key, list] : {std::pair{"public_test_cases", &p->public_tests},
                           std::pair{"private_test_cases", &p->private_tests}}) {
    for (size_t i = 0; i < list->size(); ++i) {
      if ((*list)[i].type != want) {
        *skip = std::string("field \"") + key + "\" item " + std::to_string(i + 1) +
                " is a " + (want == TestType::kStdin ? "functional" : "stdin") +
                " test, but metadata " +
                (want == TestType::kStdin ? "names no func_name" : "names func_name");
        return true;
      }
    }
  }
  return true;
}

std::string Prompt(const Problem& p) {
  std::string prompt = p.content;
  while (!prompt.empty() && (prompt.back() == '\n' || prompt.back() == ' ')) prompt.pop_back();
  if (p.func_name.empty()) {
    prompt += "\n\nRead the input from standard input and write the answer to standard output. "
              "Answer with the whole program in one ```python code block.\n";
  } else {
    prompt += "\n\nComplete this starter code; answer with the whole class in one ```python "
              "code block:\n\n```python\n" + p.starter;
    if (prompt.back() != '\n') prompt += '\n';
    prompt += "```\n";
  }
  return prompt;
}

// One functional test as a humaneval check: the arguments are the input's lines, each one
// JSON value; the result compares as LCB compares it (a tuple counts as a list, then Python's
// ==), and where that fails, floats within 1e-6 (LCB compares floats exactly, a false
// negative its own code marks as missing).
std::string FunctionalCheck(const TestCase& test) {
  return "import json as _json\nimport math as _math\n\n_INPUT = " +
         PythonStringLiteral(test.input) + "\n_OUTPUT = " + PythonStringLiteral(test.output) +
         "\n\n\n"
         "def _same(got, want):\n"
         "    if got == want:\n"
         "        return True\n"
         "    if isinstance(want, list) and type(got) in (list, tuple):\n"
         "        return len(got) == len(want) and all(map(_same, got, want))\n"
         "    if isinstance(want, dict) and type(got) is dict:\n"
         "        return got.keys() == want.keys() and all(_same(got[k], want[k]) for k in want)\n"
         "    numbers = (int, float)\n"
         "    if (isinstance(got, float) or isinstance(want, float)) and \\\n"
         "            type(got) in numbers and type(want) in numbers:\n"
         "        return _math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-6)\n"
         "    return False\n\n\n"
         "def check(candidate):\n"
         "    args = [_json.loads(line) for line in _INPUT.split(\"\\n\")]\n"
         "    want = _json.loads(_OUTPUT)\n"
         "    got = candidate(*args)\n"
         "    if isinstance(got, tuple):\n"
         "        got = list(got)\n"
         "    assert _same(got, want), \"expected %s, got %r\" % (_OUTPUT[:300], got)\n";
}

bool WriteTask(const Problem& p, const ImportRequest& request, PackWriter* writer,
               std::string* error) {
  const std::string stem = FileStem(p.id);
  std::vector<PackFile> files;
  YamlWriter w;
  w.String("id", p.id);
  if (!p.title.empty()) w.String("title", p.title);
  w.String("source", p.platform.empty() ? "livecodebench" : "livecodebench/" + p.platform);
  if (!p.source_id.empty()) w.String("source_id", p.source_id);
  w.String("prompt", Prompt(p));
  const bool functional = !p.func_name.empty();
  w.Flow("languages", functional ? "[python]" : "[python, cpp]");
  char limits[160];
  std::snprintf(limits, sizeof limits, "{cpu_seconds: %g, wall_seconds: %g, memory_mb: 1024}",
                kLcbSecondsPerTest * request.time_scale, 2 * kLcbSecondsPerTest * request.time_scale);
  w.Flow("limits", limits);
  // LCB passes a problem when every test passes, public ones included.
  w.Flow("scoring", "{mode: all_or_nothing, count_public: true}");
  if (functional) {
    w.String("entry_point", "Solution." + p.func_name);
    w.BeginList("starter");
    w.BeginItem();
    w.Flow("language", "python");
    w.String("code", std::string(LiveCodeBenchImports()) + "\n" + RunnableStarter(p.starter));
    w.End();
    w.End();
  } else {
    w.BeginMap("checker");
    w.Flow("language", "python");
    w.String("code", LiveCodeBenchChecker());
    w.End();
  }
  w.BeginList("tests");
  for (auto [origin, list] : {std::pair{"public", &p.public_tests},
                              std::pair{"private", &p.private_tests}}) {
    for (size_t i = 0; i < list->size(); ++i) {
      const TestCase& test = (*list)[i];
      const std::string name = std::string(origin) + "-" + std::to_string(i + 1);
      const std::string base = stem + "/" + name;
      const bool inline_ok = test.input.size() + test.output.size() <= kInlineBytes;
      w.BeginItem();
      w.String("name", name);
      // A pack needs a hidden test; a record with public tests only gets them all hidden
      // (they count either way, and its statement shows them anyway).
      const bool shown = std::string(origin) == "public" && !p.private_tests.empty();
      w.Flow("visibility", shown ? "public" : "hidden");
      if (functional) {
        w.BeginMap("unit");
        w.Flow("style", "humaneval");
        std::string code = FunctionalCheck(test);
        if (inline_ok) {
          w.String("code", code);
        } else {
          w.String("file", base + ".py");
          files.push_back({"tasks/" + base + ".py", std::move(code)});
        }
        w.End();
      } else {
        w.BeginMap("stdio");
        if (inline_ok) {
          w.String("stdin", test.input);
          w.String("expected_stdout", test.output);
        } else {
          w.String("stdin_file", base + ".in");
          w.String("expected_stdout_file", base + ".out");
          files.push_back({"tasks/" + base + ".in", test.input});
          files.push_back({"tasks/" + base + ".out", test.output});
        }
        w.Flow("compare", "checker");
        w.End();
      }
      w.End();
    }
  }
  w.End();
  files.push_back({"tasks/" + stem + ".yaml", w.Take()});
  for (const PackFile& file : files)
    if (!writer->Add(file, error)) return false;
  return true;
}

std::string Description(const std::string& input) {
  return "LiveCodeBench code_generation (Jain et al. 2024, \"LiveCodeBench: Holistic and "
         "Contamination Free Evaluation of Large Language Models for Code\").\n"
         "Source: huggingface.co/datasets/livecodebench/code_generation_lite, imported from " +
         std::filesystem::path(input).filename().string() +
         " by proctor's livecodebench importer (docs/importers.md).\n"
         "The release carries no reference solutions; tests judge as lcb_runner does.\n";
}

}  // namespace

const std::string& LiveCodeBenchChecker() {
  // lcb_runner's grade_stdio: the outputs stripped, split into lines, each line stripped;
  // a line passes when equal, or when both are lists of numbers equal as Decimals. Beyond
  // it: a number the expected output writes with a fraction or exponent also passes within
  // 1e-6 (absolute or relative), the tolerance such problems state; integers stay exact.
  static const std::string kChecker = R"(import sys
from decimal import Decimal, InvalidOperation


def lines(text):
    return [line.strip() for line in text.strip().split("\n")]


def numbers(line):
    try:
        return [Decimal(token) for token in line.split()]
    except (InvalidOperation, ValueError):
        return None


def close(token, want, got):
    if want == got:
        return True
    if not any(c in token for c in ".eE") or not want.is_finite() or not got.is_finite():
        return False
    return abs(want - got) <= Decimal("1e-6") * max(Decimal(1), abs(want))


def main():
    with open(sys.argv[2], encoding="utf-8", errors="surrogateescape") as f:
        want = lines(f.read())
    with open(sys.argv[3], encoding="utf-8", errors="surrogateescape") as f:
        got = lines(f.read())
    if len(want) != len(got):
        print("expected %d lines, got %d" % (len(want), len(got)))
        return 1
    for number, (w, g) in enumerate(zip(want, got), 1):
        if w == g:
            continue
        wn, gn = numbers(w), numbers(g)
        if wn is None or gn is None or len(wn) != len(gn) or not all(
                close(t, a, b) for t, a, b in zip(w.split(), wn, gn)):
            print("line %d: expected %r, got %r" % (number, w[:200], g[:200]))
            return 1
    return 0


sys.exit(main())
)";
  return kChecker;
}

bool RunLiveCodeBench(const ImportRequest& request, ImportReport* report, std::string* error) {
  char note[300];
  std::snprintf(note, sizeof note,
                "%s: no record has a time limit or reference solutions: every test gets "
                "LiveCodeBench's %g s (x time scale %g); the tasks have no references",
                request.input.c_str(), kLcbSecondsPerTest, request.time_scale);
  Problem p;
  StreamImportSpec spec{
      .format = "livecodebench",
      .description = Description(request.input),
      .read = [&](const JsonlRecord& record, std::string* id, std::string* skip,
                  std::string* err) {
        p = Problem{};
        if (!ReadProblem(record, &p, skip, err)) return false;
        *id = p.id;
        return true;
      },
      .write = [&](PackWriter* writer, std::string* err) {
        return WriteTask(p, request, writer, err);
      },
      .closing_note = note};
  return StreamImport(request, spec, report, error);
}

}  // namespace proctor::grader::importers
