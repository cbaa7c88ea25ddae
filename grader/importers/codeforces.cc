#include "grader/importers/codeforces.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "grader/importers/contest_pack.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

std::string StringField(const json& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Section(const std::string& heading, const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return "";
  return "\n\n## " + heading + "\n\n" + text;
}

std::string Prompt(const json& v) {
  std::string prompt = StringField(v, "title");
  prompt = prompt.empty() ? "" : "# " + prompt + "\n\n";
  prompt += StringField(v, "description");
  prompt += Section("Input", StringField(v, "input_format"));
  prompt += Section("Output", StringField(v, "output_format"));
  auto examples = v.find("examples");
  if (examples != v.end() && examples->is_array()) {
    int n = 0;
    for (const json& e : *examples) {
      if (!e.is_object()) continue;
      ++n;
      prompt += "\n\n## Example " + std::to_string(n) + "\n\nInput:\n\n```\n" +
                StringField(e, "input") + "\n```\n\nOutput:\n\n```\n" + StringField(e, "output") +
                "\n```";
    }
  }
  prompt += Section("Note", StringField(v, "note"));
  return prompt +
         "\n\nRead the input from standard input and print the answer to standard output.\n";
}

// [{input, output}] into `group`; a reason naming the field when it has another shape.
std::string ReadTestList(const json& tests, const std::string& field, StdioGroup* group) {
  if (!tests.is_array()) return "field \"" + field + "\" is not a list";
  for (size_t i = 0; i < tests.size(); ++i) {
    const json& t = tests[i];
    auto in = t.is_object() ? t.find("input") : t.end();
    auto out = t.is_object() ? t.find("output") : t.end();
    if (!t.is_object() || in == t.end() || out == t.end() || !in->is_string() ||
        !out->is_string()) {
      return "field \"" + field + "\" item " + std::to_string(i) +
             " is not {input: string, output: string}";
    }
    group->cases.push_back({in->get<std::string>(), out->get<std::string>()});
  }
  return "";
}

std::string ReadRecord(const JsonlRecord& record, const ImportRequest& request, ContestProblem* p,
                       ImportReport* report) {
  const json& v = record.value;
  auto id = v.find("id");
  if (id == v.end() || !id->is_string() || id->get<std::string>().empty())
    return "field \"id\" is missing or not a string";
  std::string own_id = id->get<std::string>();
  p->id = MapTaskId(own_id);
  if (p->id != own_id) p->source_id = own_id;
  p->title = StringField(v, "title");
  if (!StringField(v, "interaction_format").empty())
    return "field \"interaction_format\" is set: interactive problems are not supported";
  std::string mode = StringField(v, "input_mode");
  if (!mode.empty() && mode != "stdio")
    return "field \"input_mode\" is \"" + mode + "\": only stdio is supported";
  auto executable = v.find("executable");
  if (executable != v.end() && executable->is_boolean() && !executable->get<bool>())
    return "field \"executable\" is false: upstream marks the problem as not runnable";
  auto tests = v.find("official_tests");
  if (tests == v.end() || tests->is_null()) return "field \"official_tests\" is missing";
  StdioGroup official{"official", {}};
  std::string reason = ReadTestList(*tests, "official_tests", &official);
  if (!reason.empty()) return reason;
  if (official.cases.empty()) return "field \"official_tests\" is empty: no tests";
  p->stdio.push_back(std::move(official));
  // `generated_tests` is a count in the published rows; a copy that joined the generated
  // tests in (open-r1's scorer runs official_tests + generated_tests) has a list.
  auto generated = v.find("generated_tests");
  if (generated != v.end() && generated->is_array()) {
    StdioGroup group{"generated", {}};
    reason = ReadTestList(*generated, "generated_tests", &group);
    if (!reason.empty()) return reason;
    if (!group.cases.empty()) p->stdio.push_back(std::move(group));
  }
  auto complete = v.find("official_tests_complete");
  if (complete != v.end() && complete->is_boolean() && !complete->get<bool>())
    Note(record, "official_tests_complete is false: only the tests upstream has", report);
  std::string checker = StringField(v, "generated_checker");
  if (!checker.empty()) p->python_checker = CodeforcesCheckerWrapper(checker);
  p->allow_cpp = true;
  p->prompt = Prompt(v);

  auto time = v.find("time_limit");
  if (time != v.end() && time->is_number() && time->get<double>() > 0) {
    p->cpu_seconds = ScaledSeconds(time->get<double>(), request.time_scale);
  } else {
    Note(record, "no time_limit, default used", report);
  }
  auto memory = v.find("memory_limit");
  if (memory != v.end() && memory->is_number() && memory->get<double>() > 0) {
    p->memory_mb = MemoryMb(memory->get<double>());
  } else {
    Note(record, "no memory_limit, default used", report);
  }
  return "";
}

}  // namespace

std::string CodeforcesCheckerWrapper(std::string_view generated_checker) {
  // A JSON string literal is a valid Python string literal (nlohmann writes no "\/").
  std::string literal =
      json(std::string(generated_checker)).dump(-1, ' ', false, json::error_handler_t::replace);
  return "# Proctor's wrapper of open-r1/codeforces' generated checker (docs/importers.md):\n"
         "# runs it as `checker.py input expected output` and accepts (exit 0) only when it\n"
         "# printed 1 and did not fail.\n"
         "import contextlib\n"
         "import io\n"
         "import sys\n"
         "\n"
         "CHECKER = " +
         literal +
         "\n"
         "\n"
         "\n"
         "def main():\n"
         "    printed = io.StringIO()\n"
         "    sys.argv = [\"checker.py\"] + sys.argv[1:4]\n"
         "    status = 0\n"
         "    try:\n"
         "        with contextlib.redirect_stdout(printed):\n"
         "            # exit() and quit() exist without the site module, as under `python`.\n"
         "            exec(compile(CHECKER, \"checker.py\", \"exec\"),\n"
         "                 {\"__name__\": \"__main__\", \"__file__\": \"checker.py\",\n"
         "                  \"exit\": sys.exit, \"quit\": sys.exit})\n"
         "    except SystemExit as exc:\n"
         "        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None "
         "else 1)\n"
         "    verdict = printed.getvalue().strip()\n"
         "    if verdict == \"1\" and status == 0:\n"
         "        return 0\n"
         "    print(\"checker printed %r (exit %s): rejected\" % (verdict[:200], status))\n"
         "    return 1\n"
         "\n"
         "\n"
         "sys.exit(main())\n";
}

bool RunCodeforces(const ImportRequest& request, ImportReport* report, std::string* error) {
  auto read = [&](const JsonlRecord& record, int64_t, ContestProblem* problem,
                  ImportReport* notes) { return ReadRecord(record, request, problem, notes); };
  return ImportContestPack(request, "codeforces",
                           "Codeforces problems from open-r1/codeforces "
                           "(huggingface.co/datasets/open-r1/codeforces). Licence: CC BY 4.0.",
                           read, report, error);
}

}  // namespace proctor::grader::importers
