#include "envs/observation.h"

#include <cstdio>

#include "envs/public_tests.h"
#include "envs/safe_text.h"

namespace proctor::envs {
namespace {

namespace task = grader::task;

void AppendBlock(std::string* text, const std::string& body, std::string_view fence_language = "") {
  *text += "```" + std::string(fence_language) + "\n" + body;
  if (body.empty() || body.back() != '\n') *text += "\n";
  *text += "```\n";
}

void AppendPublicTests(std::string* text, const nlohmann::json& tests) {
  if (tests.empty()) return;
  *text += "\n## Public tests\n";
  for (const nlohmann::json& t : tests) {
    const std::string name = t["name"], kind = t["kind"], input = t["input"],
                      expected = t["expected"];
    if (kind == "call") {
      *text += "- " + name + ": `" + input + "` should return `" + expected + "`\n";
    } else if (kind == "stdio") {
      *text += "- " + name + ": with standard input\n";
      AppendBlock(text, input);
      *text += "  the program should print\n";
      AppendBlock(text, expected);
    } else {
      *text += "- " + name + ": this test code must pass\n";
      AppendBlock(text, input);
    }
  }
}

std::string Field(const nlohmann::json& fb, const char* key) {
  return fb[key].is_string() ? fb[key].get<std::string>() : std::string();
}

void AppendFeedback(std::string* text, const nlohmann::json& fb) {
  char reward[32];
  std::snprintf(reward, sizeof reward, "%.2f", fb["reward"].get<double>());
  *text += "\n## Feedback on attempt " + std::to_string(fb["attempt"].get<int>()) + " (reward " +
           reward + ")\n";
  if (!fb["compiled"].get<bool>()) {
    const std::string why = Field(fb, "compile_error");
    // No code found in the answer (verdict no_code, docs/extraction.md) is not a compile error.
    *text += why.rfind("no code:", 0) == 0 ? "No program was found in the answer:\n"
                                           : "The program did not compile:\n";
    AppendBlock(text, why);
  }
  if (fb["name"].is_string()) {
    *text += "Public test " + Field(fb, "name") + " failed: " + Field(fb, "verdict") + "\n";
    for (const char* key : {"input", "expected", "got", "message"}) {
      const std::string value = Field(fb, key);
      if (!value.empty()) *text += std::string(key) + ": " + value + "\n";
    }
    if (fb["stderr_tail"].is_string()) {
      *text += "stderr (end):\n";
      AppendBlock(text, Field(fb, "stderr_tail"));
    }
  } else if (fb["compiled"].get<bool>() && fb.value("public_tests", 0) > 0) {
    *text += "Every public test passed.\n";
  } else if (fb["compiled"].get<bool>()) {
    *text += "This task has no public tests.\n";
  }
  const int hidden = fb["hidden_failed"].get<int>();
  if (hidden > 0) *text += std::to_string(hidden) + " hidden test(s) failed.\n";
}

}  // namespace

nlohmann::json MakeObservation(const ObservationParts& p) {
  const std::string language(task::LanguageName(p.language));
  nlohmann::json obs = {{"task_id", p.task.id},
                        {"pack", p.pack.name},
                        {"language", language},
                        {"prompt", ValidUtf8(p.task.prompt)},
                        {"public_tests", PublicTestsJson(p.task)},
                        {"turn", p.turn},
                        {"max_turns", p.max_turns},
                        {"feedback", p.feedback}};

  std::string text = "# " + ValidUtf8(p.task.title) + " (task " + p.task.id + ", pack " +
                     p.pack.name + ")\n\n" + obs["prompt"].get<std::string>();
  if (!text.empty() && text.back() != '\n') text += "\n";
  AppendPublicTests(&text, obs["public_tests"]);
  for (const task::Solution& starter : p.task.starter) {
    if (starter.language != p.language) continue;
    text += "\n## Starter code\n";
    AppendBlock(&text, ValidUtf8(starter.code.text), language);
    break;
  }
  if (p.feedback.is_object()) AppendFeedback(&text, p.feedback);
  text += "\n";
  if (p.over) {
    text += "The episode is over.\n";
  } else {
    text += "Attempt " + std::to_string(p.turn + 1) + " of " + std::to_string(p.max_turns) +
            ": answer with the complete " + language + " source of your solution.\n";
  }
  obs["text"] = std::move(text);
  return obs;
}

}  // namespace proctor::envs
