// What grading one submission produced: per-test verdicts with usage, feedback for public
// tests only, the reward, and everything needed to reproduce it. docs/results.md lists the
// JSON keys.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "grader/grading/verdict.h"

namespace proctor::grader {

// Shown to the model for public tests only; every field is capped.
struct Feedback {
  std::string input;
  std::string expected;
  std::string got;
  std::string message;      // why it failed (comparison reason, exception, assertion)
  std::string stderr_tail;
};

struct TestOutcome {
  std::string name;
  std::string kind;                 // "call", "stdio", "unit"
  bool is_public = false;
  bool counted = true;              // counts towards the reward
  double weight = 1.0;
  Verdict verdict = Verdict::kInfraError;
  TimeLimitKind time_limit = TimeLimitKind::kNone;  // time_limit: which limit stopped the run
  double wall_seconds = 0;
  double cpu_seconds = 0;
  uint64_t peak_memory_bytes = 0;
  std::optional<Feedback> feedback;  // public tests only
  std::string infra_reason;          // kInfraError: what failed
};

// A second grading made because a time limit of the first is one the machine's load can
// explain (LoadCanExplain: a wall-clock kill of a run that got little CPU): at most one per
// submission.
struct Rerun {
  std::string reason;                  // which limit, and why load can explain it
  std::optional<double> first_reward;  // of the first grading
  int first_time_limits = 0;           // tests with time_limit in the first grading
  bool reported_first = false;         // the re-run itself failed (Proctor's failure): the
                                       // first grading is reported
};

// Which code was graded and how it was found in the submission (docs/extraction.md).
struct ExtractionInfo {
  std::string mode;                // "auto", "fenced", "raw"
  std::string input;               // "code", "completion", "messages"
  std::string source;              // e.g. "fence 2 of 3 (python)", "raw text"
  bool continues_starter = false;  // the program is the task's starter + the completion
  bool starter_prelude = false;    // the starter's imports / helpers were put before it
  std::string graded_code;         // the whole program (capped in the JSON)
  std::string error;               // set when no code was found (verdict no_code)
};

struct SubmissionReport {
  std::string task_id;
  std::string language;
  std::optional<double> reward;      // unset: ungradeable (Proctor failed twice)
  std::string ungradeable_reason;
  bool compiled = true;
  std::string compile_message;       // capped compiler diagnostics when it did not compile
  std::vector<TestOutcome> tests;
  std::string scoring;
  // Reproducibility.
  std::string pack_name, pack_version, pack_hash;
  std::vector<std::pair<std::string, std::string>> python_packages;  // name, dpkg version
  nlohmann::json limits;
  double wall_seconds = 0;           // of the whole grading
  std::optional<Rerun> rerun;        // set when the submission was graded twice
  std::optional<ExtractionInfo> extraction;  // set by Grader::Grade
  // The compile step's time limit when it stopped the compile, and its usage (not in the JSON).
  TimeLimitKind compile_time_limit = TimeLimitKind::kNone;
  double compile_wall_seconds = 0, compile_cpu_seconds = 0;

  bool HasInfraError() const;
  // Whether a limit of time decided anything: a time_limit test, or a compile stopped by
  // its time limit.
  bool HasTimeLimit() const;
  // Why the machine's load can explain a time limit of this grading (the first such test, or
  // the compile), so that grading again may change the reward; nullopt when none can be.
  std::optional<std::string> LoadExplainedTimeLimit() const;
  nlohmann::json ToJson() const;
};

// The head of the graded program that a report's "extraction" carries (its sha256 and
// size cover all of it).
inline constexpr size_t kGradedCodeCap = 8 * 1024;

// Caps text for feedback: keeps the head, marks the cut.
std::string CapText(const std::string& text, size_t max_bytes);
// Keeps the last `max_bytes` of text.
std::string TailText(const std::string& text, size_t max_bytes);

}  // namespace proctor::grader
