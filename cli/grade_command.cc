#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/grade_files.h"
#include "cli/junit_xml.h"
#include "cli/parallel.h"
#include "grader/grading/grader.h"
#include "grader/grading/submission_json.h"
#include "grader/grading/summary.h"
#include "grader/task/pack_loader.h"

namespace proctor::cli {
namespace task = grader::task;
namespace {

struct Line {
  int number = 0;
  std::optional<grader::Submission> submission;
  const task::Task* task = nullptr;
  std::string error;  // why the line cannot be graded
  nlohmann::json carried = nlohmann::json::object();  // "id", "meta": copied to the result
  grader::SubmissionReport report;
};

// pass@1 of a run below this much under --fail-under counts as equal (float rounding).
constexpr double kFailUnderSlack = 1e-9;
// The exit code when pass@1 is below --fail-under (0, 1 and 2 keep their meanings).
constexpr int kBelowFailUnder = 3;

// Parses one submission line: task_id, exactly one of code/completion/messages, optional
// language, extract (default: --extract) and pack (the loaded pack's name); the carried keys
// id and meta. Any other key is an error: a typo must not change the grading silently.
void ParseSubmission(const std::string& text, const grader::Grader& g,
                     grader::ExtractMode default_mode, Line* line) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    line->error = "not valid JSON";
    return;
  }
  if (!j.is_object()) {
    line->error = "expected a JSON object";
    return;
  }
  // The carried keys first, so that a line with another mistake still carries its id.
  if (auto e = grader::ReadCarriedKeys(j, &line->carried)) {
    line->error = e->message;
    return;
  }
  for (const auto& [key, _] : j.items()) {
    if (key != "task_id" && key != "language" && key != "pack" && !grader::IsBodyKey(key) &&
        !grader::IsCarriedKey(key)) {
      line->error = "unknown key \"" + key +
                    "\" (expected task_id, code or completion or messages, language, extract, "
                    "pack; carried to the result: id, meta)";
      return;
    }
  }
  if (j.contains("pack") && (!j["pack"].is_string() || j["pack"] != g.pack().name)) {
    line->error = "\"pack\" is " +
                  j["pack"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                  ", not the loaded pack \"" + g.pack().name + "\" (--pack)";
    return;
  }
  if (!j.contains("task_id") || !j["task_id"].is_string()) {
    line->error = "missing string \"task_id\"";
    return;
  }
  grader::Submission s;
  s.task_id = j["task_id"];
  line->task = g.FindTask(s.task_id);
  if (line->task == nullptr) {
    line->error = "unknown task_id \"" + s.task_id + "\" in pack " + g.pack().name;
    return;
  }
  if (auto e = grader::ReadSubmissionBody(j, default_mode, &s)) {
    line->error = e->message;
    return;
  }
  if (j.contains("language")) {
    if (!j["language"].is_string()) {
      line->error = "\"language\" must be a string";
      return;
    }
    s.language = j["language"];
    bool allowed = false;
    std::string names;
    for (task::Language l : line->task->languages) {
      allowed |= task::LanguageName(l) == s.language;
      names += (names.empty() ? "" : ", ") + std::string(task::LanguageName(l));
    }
    if (!allowed) {
      line->error = "language \"" + s.language + "\" not allowed for task " + s.task_id +
                    " (allowed: " + names + ")";
      return;
    }
  }
  line->submission = std::move(s);
}

void Progress(size_t done, size_t total, double seconds) {
  const int width = 30;
  int filled = total ? static_cast<int>(width * done / total) : width;
  std::string bar(filled, '=');
  bar.resize(width, ' ');
  std::fprintf(stderr, "\r[%s] %zu/%zu  %.1f/s ", bar.c_str(), done, total,
               seconds > 0 ? done / seconds : 0.0);
  std::fflush(stderr);
}

// --fail-under: a number from 0 to 1.
bool ParseFailUnder(const std::string& text, double* out) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < 0 || v > 1)
    return false;
  *out = v;
  return true;
}

// The pack folder's pack.yaml must be readable: says why not with the system's reason
// (LoadPack would only say "not found").
bool CheckPackReadable(const std::string& dir, std::string* error) {
  const std::string file = dir + "/pack.yaml";
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot read " + file + ": " + std::strerror(errno);
    return false;
  }
  ::close(fd);
  return true;
}

std::string JsonLine(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

CommandLine GradeCommandLine() {
  std::vector<FlagSpec> specs = {
      {"pack", true, false, "task pack folder (required)", "DIR"},
      {"submissions", true, false,
       "JSONL, one submission per line: task_id, code or completion or messages, optional "
       "language, extract and pack; optional id and meta, carried to the result and JUnit. "
       "'-' reads standard input",
       "FILE"},
      {"extract", true, false,
       "how code is found in each submission when its line has no \"extract\": auto (default: "
       "a markdown fence of the language if any, else the text), fenced (a fence is required), "
       "raw (the text as it is); docs/extraction.md",
       "MODE"},
      {"out", true, false,
       "results JSONL, one line per submission in input order (default: "
       "stdout)",
       "FILE"},
      {"junit", true, false,
       "also write JUnit XML: a testcase per submission, named by its id (else \"line N\")",
       "FILE"},
      {"summary-json", true, false, "also write the summary as JSON", "FILE"},
      {"fail-under", true, false,
       "exit 3 when pass@1 (as the summary computes it, whatever --k) is below this number "
       "from 0 to 1, or when nothing was graded",
       "PASS_AT_1"},
      {"jobs", true, false, "submissions graded at once (default: number of cores)", "N"},
      {"k", true, false, "pass@k values to report (default 1,10)", "LIST"},
      {"no-progress", false, false, "no progress bar even on a terminal"},
      HelpFlag(),
  };
  for (const FlagSpec& s : SandboxFlags()) specs.push_back(s);
  return {
      "proctor grade --pack DIR --submissions FILE.jsonl|- [--out FILE] [--junit FILE] "
      "[--summary-json FILE] [--fail-under PASS_AT_1] [--jobs N] [--k 1,10] "
      "[--extract auto|fenced|raw]",
      "Grades every submission in the sandbox and writes one JSON result per line (format:\n"
      "docs/results.md), then a summary (verdict counts, pass@k) on stderr. --submissions -\n"
      "reads the submissions from standard input.\nExit code (the first that applies): 2 on "
      "bad usage, an unreadable or unwritable file, or\nbad input lines (named on stderr); 1 "
      "when a submission was ungradeable (Proctor\nfailed twice); 3 when pass@1 is below "
      "--fail-under; else 0, whatever the scores.",
      specs};
}

int GradeCommand(const Flags& flags) {
  std::string error;
  if (!flags.Get("pack") || !flags.Get("submissions")) {
    std::cerr << "proctor grade: --pack and --submissions are required (see --help)\n";
    return 2;
  }
  double jobs_value = std::max(1u, std::thread::hardware_concurrency());
  if (!flags.GetDouble("jobs", &jobs_value, &error)) {
    std::cerr << "proctor grade: " << error << "\n";
    return 2;
  }
  std::vector<int> ks = {1, 10};
  if (auto k = flags.Get("k")) {
    ks.clear();
    std::stringstream in(*k);
    std::string item;
    while (std::getline(in, item, ',')) {
      char* end = nullptr;
      long v = std::strtol(item.c_str(), &end, 10);
      if (item.empty() || *end != '\0' || v < 1) {
        std::cerr << "proctor grade: --k: '" << item << "' is not a positive integer\n";
        return 2;
      }
      ks.push_back(static_cast<int>(v));
    }
  }
  std::optional<double> fail_under;
  if (auto f = flags.Get("fail-under")) {
    double v = 0;
    if (!ParseFailUnder(*f, &v)) {
      std::cerr << "proctor grade: --fail-under: '" << *f
                << "' is not a number from 0 to 1 (a pass@1)\n";
      return 2;
    }
    fail_under = v;
  }

  grader::ExtractMode extract = grader::kDefaultExtractMode;
  if (auto e = flags.Get("extract")) {
    std::optional<grader::ExtractMode> mode = grader::ExtractModeFromName(*e);
    if (!mode) {
      std::cerr << "proctor grade: --extract: '" << *e << "' is not auto, fenced or raw\n";
      return 2;
    }
    extract = *mode;
  }

  if (!CheckPackReadable(*flags.Get("pack"), &error)) {
    std::cerr << "proctor grade: " << error << "\n";
    return 2;
  }
  auto pack = task::LoadPack(*flags.Get("pack"));
  if (!pack) {
    std::cerr << "proctor grade: " << pack.error().ToString() << "\n";
    return 2;
  }
  const std::string path = *flags.Get("submissions");
  const std::string where = path == "-" ? "<stdin>" : path;  // in FILE:LINE messages
  std::optional<std::string> input = ReadWholeFile(path, &error);
  if (!input) {
    std::cerr << "proctor grade: " << error << "\n";
    return 2;
  }
  // Every output is opened before any grading: a bad path fails at once.
  OutputFile out, junit_file, summary_file;
  if (auto o = flags.Get("out")) {
    if (!out.Open(*o, &error)) {
      std::cerr << "proctor grade: " << error << "\n";
      return 2;
    }
  } else {
    out.UseStdout();
  }
  for (auto [flag, file] : {std::pair{"junit", &junit_file}, {"summary-json", &summary_file}}) {
    if (auto name = flags.Get(flag); name && !file->Open(*name, &error)) {
      std::cerr << "proctor grade: " << error << "\n";
      return 2;
    }
  }
  auto sb = MakeSandbox(flags, true);
  if (!sb) return 1;
  grader::Grader grader(*sb, *pack, {});

  std::vector<Line> lines;
  int bad_lines = 0;
  {
    std::istringstream in(*input);
    std::string text;
    for (int number = 1; std::getline(in, text); ++number) {
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      Line line;
      line.number = number;
      ParseSubmission(text, grader, extract, &line);
      if (!line.error.empty()) {
        std::cerr << "proctor grade: " << where << ":" << number << ": " << line.error << "\n";
        ++bad_lines;
      }
      lines.push_back(std::move(line));
    }
  }
  input.reset();

  const bool progress = !flags.Has("no-progress") && ::isatty(2);
  std::atomic<size_t> done{0};
  std::mutex progress_mutex;
  auto start = std::chrono::steady_clock::now();
  ParallelFor(lines.size(), static_cast<int>(jobs_value), [&](size_t i) {
    Line& line = lines[i];
    if (line.submission) line.report = grader.Grade(*line.task, *line.submission);
    size_t d = ++done;
    if (progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      Progress(d, lines.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (progress) std::fprintf(stderr, "\n");

  bool written = true;
  auto report_write_error = [&] {
    std::cerr << "proctor grade: " << error << "\n";
    written = false;
  };
  std::vector<const grader::SubmissionReport*> reports;
  std::vector<JUnitCase> cases;
  for (const Line& line : lines) {
    nlohmann::json j;
    if (line.submission) {
      j = line.report.ToJson();
      reports.push_back(&line.report);
      cases.push_back({&line.report, line.number, line.carried});
    } else {
      j = {{"error", line.error}};
    }
    j["line"] = line.number;
    // Carried keys are never keys of a result (docs/results.md), so nothing is overwritten.
    for (const auto& [key, value] : line.carried.items()) j[key] = value;
    if (written && !out.Write(JsonLine(j), &error)) report_write_error();
  }
  if (written && !out.Close(&error)) report_write_error();

  grader::GradingSummary summary = grader::Summarize(reports, bad_lines, ks);
  std::cerr << summary.ToText();
  std::fprintf(stderr, "graded %zu submissions in %.2f s (%.1f/s, %d jobs)\n", reports.size(),
               seconds, seconds > 0 ? reports.size() / seconds : 0.0,
               static_cast<int>(jobs_value));
  if (junit_file.is_open() &&
      (!junit_file.Write(JUnitXml(cases), &error) || !junit_file.Close(&error)))
    report_write_error();
  if (summary_file.is_open()) {
    nlohmann::json j = summary.ToJson();
    j["seconds"] = seconds;
    if (!summary_file.Write(j.dump(2) + "\n", &error) || !summary_file.Close(&error))
      report_write_error();
  }

  bool below = false;
  if (fail_under) {
    const grader::GradingSummary one = grader::Summarize(reports, bad_lines, {1});
    if (one.tasks_for_k.count(1) == 0 || one.tasks_for_k.at(1) == 0) {
      std::fprintf(stderr, "proctor grade: --fail-under %g: no submission was graded\n",
                   *fail_under);
      below = true;
    } else {
      const double pass1 = one.pass_at_k.at(1);
      below = pass1 < *fail_under - kFailUnderSlack;
      std::fprintf(stderr, "proctor grade: pass@1 %.4f is %s --fail-under %g\n", pass1,
                   below ? "below" : "at or above", *fail_under);
    }
  }
  if (!written || bad_lines > 0) return 2;
  if (summary.ungradeable > 0) return 1;
  return below ? kBelowFailUnder : 0;
}

}  // namespace proctor::cli
