#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "cli/commands.h"
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
  grader::SubmissionReport report;
};

// Parses one submission line: task_id, exactly one of code/completion/messages, optional
// language and extract (default: --extract).
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
  for (const auto& [key, _] : j.items()) {
    if (key != "task_id" && key != "language" && !grader::IsBodyKey(key)) {
      line->error = "unknown key \"" + key +
                    "\" (expected task_id, code or completion or messages, language, extract)";
      return;
    }
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

}  // namespace

int GradeCommand(const std::vector<std::string>& args) {
  std::vector<FlagSpec> specs = {
      {"pack", true, false, "task pack folder (required)", "DIR"},
      {"submissions", true, false,
       "JSONL: task_id, code or completion or messages, optional language and extract", "FILE"},
      {"extract", true, false,
       "how code is found in each submission when its line has no \"extract\": auto (default: "
       "a markdown fence of the language if any, else the text), fenced (a fence is required), "
       "raw (the text as it is); docs/extraction.md", "MODE"},
      {"out", true, false, "results JSONL, one line per submission in input order (default: "
                           "stdout)", "FILE"},
      {"junit", true, false, "also write JUnit XML", "FILE"},
      {"summary-json", true, false, "also write the summary as JSON", "FILE"},
      {"jobs", true, false, "submissions graded at once (default: number of cores)", "N"},
      {"k", true, false, "pass@k values to report (default 1,10)", "LIST"},
      {"no-progress", false, false, "no progress bar even on a terminal"},
      {"help", false, false, "show this help"},
  };
  for (const FlagSpec& s : SandboxFlags()) specs.push_back(s);
  Flags flags;
  std::string error;
  if (!flags.Parse(specs, args, &error)) {
    std::cerr << "proctor grade: " << error << "\n";
    return 2;
  }
  if (flags.Has("help")) {
    std::cout << HelpText(
        "proctor grade --pack DIR --submissions FILE.jsonl [--out FILE] [--junit FILE] "
        "[--jobs N] [--k 1,10] [--extract auto|fenced|raw]",
        "Grades every submission in the sandbox and writes one JSON result per line (format:\n"
        "docs/results.md), then a summary (verdict counts, pass@k) on stderr.\nExit code: 0 "
        "when every line was graded, whatever the scores; 1 when a submission was\nungradeable "
        "(Proctor failed twice); 2 on bad usage or bad input lines (named on stderr).",
        specs);
    return 0;
  }
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

  grader::ExtractMode extract = grader::kDefaultExtractMode;
  if (auto e = flags.Get("extract")) {
    std::optional<grader::ExtractMode> mode = grader::ExtractModeFromName(*e);
    if (!mode) {
      std::cerr << "proctor grade: --extract: '" << *e << "' is not auto, fenced or raw\n";
      return 2;
    }
    extract = *mode;
  }

  auto pack = task::LoadPack(*flags.Get("pack"));
  if (!pack) {
    std::cerr << "proctor grade: " << pack.error().ToString() << "\n";
    return 2;
  }
  const std::string path = *flags.Get("submissions");
  std::ifstream in(path);
  if (!in) {
    std::cerr << "proctor grade: cannot read " << path << "\n";
    return 2;
  }
  auto sb = MakeSandbox(flags, true);
  if (!sb) return 1;
  grader::Grader grader(*sb, *pack, {});

  std::vector<Line> lines;
  std::string text;
  int bad_lines = 0;
  for (int number = 1; std::getline(in, text); ++number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    Line line;
    line.number = number;
    ParseSubmission(text, grader, extract, &line);
    if (!line.error.empty()) {
      std::cerr << "proctor grade: " << path << ":" << number << ": " << line.error << "\n";
      ++bad_lines;
    }
    lines.push_back(std::move(line));
  }

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

  std::ofstream out_file;
  if (auto out = flags.Get("out")) {
    out_file.open(*out);
    if (!out_file) {
      std::cerr << "proctor grade: cannot write " << *out << "\n";
      return 2;
    }
  }
  std::ostream& out = flags.Get("out") ? out_file : std::cout;
  std::vector<const grader::SubmissionReport*> reports;
  std::vector<std::string> names;
  for (const Line& line : lines) {
    nlohmann::json j;
    if (line.submission) {
      j = line.report.ToJson();
      reports.push_back(&line.report);
      names.push_back("line " + std::to_string(line.number));
    } else {
      j = {{"error", line.error}};
    }
    j["line"] = line.number;
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  out.flush();

  grader::GradingSummary summary = grader::Summarize(reports, bad_lines, ks);
  std::cerr << summary.ToText();
  std::fprintf(stderr, "graded %zu submissions in %.2f s (%.1f/s, %d jobs)\n", reports.size(),
               seconds, seconds > 0 ? reports.size() / seconds : 0.0,
               static_cast<int>(jobs_value));
  if (auto junit = flags.Get("junit")) {
    std::ofstream x(*junit);
    x << grader::JUnitXml(reports, names);
  }
  if (auto s = flags.Get("summary-json")) {
    std::ofstream x(*s);
    nlohmann::json j = summary.ToJson();
    j["seconds"] = seconds;
    x << j.dump(2) << "\n";
  }
  if (bad_lines > 0) return 2;
  return summary.ungradeable > 0 ? 1 : 0;
}

}  // namespace proctor::cli
