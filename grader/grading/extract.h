// The extraction step before grading: which code a submission stands for. Models answer in
// markdown (```python ... ```), in chats, after a <think> block, or with bare code; this
// finds the program to grade in each. Pure functions of their inputs, no sandbox. The rules
// are docs/extraction.md; in short:
//
//   ExtractCode("Here:\n```py\nprint(1)\n```\n", kPython, kAuto, "")  -> "print(1)\n", fence 1
//   BuildProgram(task, submission)  -> starter + completion, or the extracted whole program
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grader/grading/submission.h"
#include "grader/task/model.h"

namespace proctor::grader {

// What ExtractCode took out of a model's text.
struct Extracted {
  std::string code;
  std::string source;       // how it was found: "raw text", "fence 2 of 3 (python)", ...
  bool from_fence = false;
};

// Finds the code for `language` in `text` under `mode`. `entry_point` (may be empty) is the
// function the task calls: among several fences of the language, the last one defining it
// wins. Returns nullopt, with `*error` saying why, when there is no code to grade (kFenced
// without a fence, or an answer that is all unfinished reasoning).
std::optional<Extracted> ExtractCode(std::string_view text, task::Language language,
                                     ExtractMode mode, std::string_view entry_point,
                                     std::string* error);

// Whether a fence's language tag (its info string's first word) names `language`:
// python, py, python3, py3; cpp, c++, cc, cxx (any case, "{.python}" too).
bool TagMatches(std::string_view tag, task::Language language);

// The program a submission stands for, and how it was found.
struct GradedCode {
  std::string program;            // the whole program that is compiled and run
  std::string input;              // "code", "completion" or "messages"
  std::string source;             // how the code was found ("messages[1]: fence 1 of 1 ...")
  bool continues_starter = false;  // program = the task's starter + the completion
  bool starter_prelude = false;    // the starter's imports / helpers were put before it
};

// Applies the submission's extract mode and the completion rules: a completion continues
// the task's starter in its language unless it came from a fence or already defines the
// starter's function; for a task without a starter it is whole code, never appended to the
// prompt. Returns nullopt with `*error` when there is no code (the verdict no_code).
std::optional<GradedCode> BuildProgram(const task::Task& task, const Submission& submission,
                                       std::string* error);

}  // namespace proctor::grader
