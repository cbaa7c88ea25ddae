// The extraction step (grader/grading/extract.h, docs/extraction.md) as a specification: which
// code is graded for each shape of answer a model writes. Pure functions: no sandbox.
#include "grader/grading/extract.h"

#include <gtest/gtest.h>

#include "grader/grading/submission_json.h"

namespace proctor::grader {
namespace {

using task::Language;

constexpr auto kPy = Language::kPython;
constexpr auto kCpp = Language::kCpp;

Extracted Extract(std::string_view text, Language language = kPy,
                  ExtractMode mode = ExtractMode::kAuto, std::string_view entry_point = "") {
  std::string error;
  std::optional<Extracted> e = ExtractCode(text, language, mode, entry_point, &error);
  EXPECT_TRUE(e.has_value()) << "no code: " << error << "\nin: " << text;
  return e.value_or(Extracted{});
}

std::string NoCode(std::string_view text, Language language = kPy,
                   ExtractMode mode = ExtractMode::kAuto) {
  std::string error;
  std::optional<Extracted> e = ExtractCode(text, language, mode, "", &error);
  EXPECT_FALSE(e.has_value()) << "extracted: " << (e ? e->code : "");
  return error;
}

TEST(ExtractCode, RawCodeWithoutAFenceIsGradedAsWritten) {
  const std::string code = "import sys\r\nprint(sum(map(int, sys.stdin.read().split())))\r\n";
  Extracted e = Extract(code);
  EXPECT_EQ(e.code, code);  // byte for byte, CRLF kept
  EXPECT_EQ(e.source, "raw text");
  EXPECT_FALSE(e.from_fence);
}

TEST(ExtractCode, TheFenceIsTakenAndTheProseAroundItIgnored) {
  Extracted e = Extract("Sure! Here is the solution:\n\n```python\ndef f(x):\n    return x\n```\n\n"
                        "This runs in O(1).\n");
  EXPECT_EQ(e.code, "def f(x):\n    return x\n");
  EXPECT_EQ(e.source, "fence 1 of 1 (python)");
  EXPECT_TRUE(e.from_fence);
}

TEST(ExtractCode, LanguageTagsMatchInAnySpelling) {
  for (const char* tag : {"python", "py", "python3", "py3", "Python", "PY", "{.python}",
                          "python title=sol.py", "python:solution.py", "{.py}"})
    EXPECT_EQ(Extract(std::string("x\n```") + tag + "\nprint(1)\n```\n").code, "print(1)\n")
        << tag;
  for (const char* tag : {"cpp", "c++", "cc", "cxx", "C++", "CPP"})
    EXPECT_EQ(Extract(std::string("```") + tag + "\nint main(){}\n```\n", kCpp).code,
              "int main(){}\n")
        << tag;
  EXPECT_TRUE(TagMatches("Py", kPy));
  EXPECT_FALSE(TagMatches("python", kCpp));
  EXPECT_FALSE(TagMatches("c", kCpp));
  EXPECT_FALSE(TagMatches("pycon", kPy));
}

TEST(ExtractCode, AFenceTaggedWithTheLanguageBeatsUntaggedAndOtherFences) {
  Extracted e = Extract("```bash\npython3 sol.py < in.txt\n```\n```python\nprint(2)\n```\n"
                        "```\n3 4\n```\n```text\n7\n```\n");
  EXPECT_EQ(e.code, "print(2)\n");
  EXPECT_EQ(e.source, "fence 2 of 4 (python)");
  // For a C++ task the same answer's C++ fence wins over a later Python one.
  e = Extract("```cpp\nint main() { return 0; }\n```\n```python\nprint(1)\n```\n", kCpp);
  EXPECT_EQ(e.code, "int main() { return 0; }\n");
}

TEST(ExtractCode, UntaggedFencesAreAcceptedWhenNoneIsTagged) {
  Extracted e = Extract("Code:\n```\nprint(3)\n```\n");
  EXPECT_EQ(e.code, "print(3)\n");
  EXPECT_EQ(e.source, "fence 1 of 1 (untagged)");
}

TEST(ExtractCode, OnlyFencesOfOtherLanguagesMeansTheTextItselfInAutoMode) {
  // Code that merely holds a markdown string: a fence of another language is never graded,
  // so the text is graded as written.
  const std::string code = "HELP = '''\n```bash\nls\n```\n'''\nprint(HELP)\n";
  Extracted e = Extract(code);
  EXPECT_EQ(e.code, code);
  EXPECT_EQ(e.source, "raw text");
  EXPECT_NE(NoCode(code, kPy, ExtractMode::kFenced).find("only fences of other languages (bash)"),
            std::string::npos);
}

TEST(ExtractCode, TheLastMatchingFenceWins) {
  Extracted e = Extract("First try:\n```python\nprint('slow')\n```\nBetter:\n```python\n"
                        "print('fast')\n```\n");
  EXPECT_EQ(e.code, "print('fast')\n");
  EXPECT_EQ(e.source, "fence 2 of 2 (python)");
}

TEST(ExtractCode, AFenceDefiningTheEntryPointBeatsALaterUsageExample) {
  const std::string answer =
      "```python\ndef add(a, b):\n    return a + b\n```\nUsage:\n```python\nprint(add(1, 2))\n```\n";
  EXPECT_EQ(Extract(answer, kPy, ExtractMode::kAuto, "add").code,
            "def add(a, b):\n    return a + b\n");
  // Without an entry point to look for, the last fence wins.
  EXPECT_EQ(Extract(answer).code, "print(add(1, 2))\n");
  // When several define it, the last of those (the revised version) wins.
  EXPECT_EQ(Extract("```python\ndef add(a, b):\n    return 0\n```\n```python\nasync def x(): pass\n"
                    "def add (a, b):\n    return a + b\n```\n```python\nadd(1, 2)\n```\n",
                    kPy, ExtractMode::kAuto, "add")
                .source,
            "fence 2 of 3 (python)");
  // A method the tests call on a class: the fence defining the method wins.
  EXPECT_EQ(Extract("```python\nclass Solution:\n    def max_sum(self, xs):\n        return "
                    "sum(xs)\n```\n```python\nprint(Solution().max_sum([1]))\n```\n",
                    kPy, ExtractMode::kAuto, "Solution().max_sum")
                .source,
            "fence 1 of 2 (python)");
  // C++ programs read from stdin: the fence with main() wins over a later snippet.
  EXPECT_EQ(Extract("```cpp\n#include <cstdio>\nint main() { puts(\"1\"); }\n```\n"
                    "```cpp\nsolve(3);\n```\n", kCpp)
                .source,
            "fence 1 of 2 (cpp)");
}

TEST(ExtractCode, AnUnterminatedFinalFenceRunsToTheEnd) {
  Extracted e = Extract("```python\nimport sys\nprint(len(sys.argv))\n");
  EXPECT_EQ(e.code, "import sys\nprint(len(sys.argv))\n");
  EXPECT_EQ(e.source, "fence 1 of 1 (python, unterminated)");
}

TEST(ExtractCode, TildeFencesAndLongerFencesHoldingBackticks) {
  EXPECT_EQ(Extract("~~~python\nprint(1)\n~~~\n").code, "print(1)\n");
  // A four-backtick fence closes only at four: the ``` lines inside are code.
  EXPECT_EQ(Extract("````python\nDOC = '''\n```\nx\n```\n'''\n````\n").code,
            "DOC = '''\n```\nx\n```\n'''\n");
  // "```python" cannot close a fence (a closer has no info string).
  EXPECT_EQ(Extract("```\nprint(1)\n```python\nprint(2)\n```\n").code,
            "print(1)\n```python\nprint(2)\n");
  // ```x``` on one line is inline code, not a fence.
  EXPECT_EQ(Extract("Run ```print(1)``` then:\n```python\nprint(2)\n```\n").code, "print(2)\n");
}

TEST(ExtractCode, AnIndentedFenceLosesItsIndentation) {
  Extracted e = Extract("1. Read the input.\n2. Print:\n\n   ```python\n   def f():\n       "
                        "return 1\n   print(f())\n   ```\n");
  EXPECT_EQ(e.code, "def f():\n    return 1\nprint(f())\n");
}

TEST(ExtractCode, CrlfLineEndsAreNormalizedInsideFences) {
  EXPECT_EQ(Extract("Here:\r\n```python\r\nprint(1)\r\nprint(2)\r\n```\r\nDone.\r\n").code,
            "print(1)\nprint(2)\n");
}

TEST(ExtractCode, FencesInsideAThinkBlockAreNotGraded) {
  Extracted e = Extract("<think>\nMaybe:\n```python\nprint('draft')\n```\nNo, better.\n</think>\n"
                        "```python\nprint('final')\n```\n");
  EXPECT_EQ(e.code, "print('final')\n");
  EXPECT_EQ(e.source, "fence 1 of 1 (python), after </think>");
  // The chat template may have put <think> in the prompt: the closing tag alone counts.
  EXPECT_EQ(Extract("draft ```python\nprint(0)\n```\n</think>\nprint('answer')\n").code,
            "\nprint('answer')\n");
  // Reasoning cut off by the token limit: there is no answer.
  EXPECT_NE(NoCode("  <think>\nLet me write\n```python\nprint(1)\n```\n").find("all reasoning"),
            std::string::npos);
}

TEST(ExtractCode, EmptyFencesAreSkipped) {
  EXPECT_EQ(Extract("```python\nprint(1)\n```\n```python\n\n```\n").code, "print(1)\n");
}

TEST(ExtractCode, RawModeTakesNothingOut) {
  const std::string text = "<think>x</think>\n```python\nprint(1)\n```\n";
  Extracted e = Extract(text, kPy, ExtractMode::kRaw);
  EXPECT_EQ(e.code, text);
  EXPECT_EQ(e.source, "raw text");
}

TEST(ExtractCode, FencedModeRejectsAnAnswerWithoutAFence) {
  EXPECT_EQ(NoCode("print(1)\n", kPy, ExtractMode::kFenced),
            "no code: extract mode \"fenced\" needs a markdown code fence (```python ... ```) "
            "and the answer has none");
  EXPECT_NE(NoCode("```python\n```\n", kPy, ExtractMode::kFenced).find("only empty ones"),
            std::string::npos);
  EXPECT_EQ(Extract("```python\nprint(1)\n```", kPy, ExtractMode::kFenced).code, "print(1)\n");
  EXPECT_NE(NoCode("int main(){}", kCpp, ExtractMode::kFenced).find("```cpp"), std::string::npos);
}

TEST(ExtractMode, NamesRoundTrip) {
  for (ExtractMode m : {ExtractMode::kAuto, ExtractMode::kFenced, ExtractMode::kRaw})
    EXPECT_EQ(ExtractModeFromName(ExtractModeName(m)), m);
  EXPECT_FALSE(ExtractModeFromName("Auto"));
  EXPECT_EQ(kDefaultExtractMode, ExtractMode::kAuto);
}

// --- BuildProgram: the completion rules -------------------------------------------------

const std::string kStarter =
    "from typing import List\n\n\ndef running_max(numbers: List[int]) -> List[int]:\n"
    "    \"\"\" Largest so far. \"\"\"\n";
const std::string kBody =
    "    out, best = [], None\n    for n in numbers:\n        best = n if best is None else "
    "max(best, n)\n        out.append(best)\n    return out\n";
const std::string kWholeWithoutImport =
    "def running_max(numbers: List[int]) -> List[int]:\n" + kBody;

task::Task StarterTask() {
  task::Task t;
  t.id = "running-max";
  t.prompt = "Write running_max.\n";
  t.languages = {kPy};
  t.entry_point = "running_max";
  task::Solution starter;
  starter.language = kPy;
  starter.code.text = kStarter;
  t.starter = {starter};
  return t;
}

task::Task StdioTask() {
  task::Task t;
  t.id = "sum";
  t.prompt = "Read two integers from standard input and print their sum.\n";
  t.languages = {kPy, kCpp};
  return t;
}

GradedCode Build(const task::Task& t, Submission s) {
  std::string error;
  std::optional<GradedCode> g = BuildProgram(t, s, &error);
  EXPECT_TRUE(g.has_value()) << error;
  return g.value_or(GradedCode{});
}

Submission Completion(std::string text, ExtractMode mode = ExtractMode::kAuto) {
  Submission s;
  s.completion = std::move(text);
  s.extract = mode;
  return s;
}

TEST(BuildProgram, ABareCompletionContinuesTheStarter) {
  GradedCode g = Build(StarterTask(), Completion(kBody));
  EXPECT_EQ(g.program, kStarter + kBody);
  EXPECT_EQ(g.input, "completion");
  EXPECT_EQ(g.source, "continuation of the starter");
  EXPECT_TRUE(g.continues_starter);
  // Raw mode: the HumanEval rule exactly.
  EXPECT_EQ(Build(StarterTask(), Completion(kBody, ExtractMode::kRaw)).program, kStarter + kBody);
}

TEST(BuildProgram, AContinuationIsCutWhereItClosesTheFence) {
  GradedCode g = Build(StarterTask(), Completion(kBody + "```\n\nThis keeps the maximum.\n"
                                                 "```python\nprint(running_max([1]))\n```\n"));
  EXPECT_EQ(g.program, kStarter + kBody);
  EXPECT_EQ(g.source, "continuation of the starter, cut at the fence on line 6");
}

TEST(BuildProgram, AFencedCompletionIsWholeCodeWithTheStarterImports) {
  GradedCode g = Build(StarterTask(), Completion("Here you go:\n```python\n" + kWholeWithoutImport +
                                                 "```\n"));
  EXPECT_EQ(g.program, "from typing import List\n" + kWholeWithoutImport);
  EXPECT_FALSE(g.continues_starter);
  EXPECT_TRUE(g.starter_prelude);
  EXPECT_EQ(g.source, "fence 1 of 1 (python)");
  // Imports the code already has are not repeated.
  g = Build(StarterTask(),
            Completion("```python\nfrom typing import List\n" + kWholeWithoutImport + "```\n"));
  EXPECT_EQ(g.program, "from typing import List\n" + kWholeWithoutImport);
  EXPECT_FALSE(g.starter_prelude);
  // A __future__ import must stay first: nothing is put before it.
  const std::string future = "from __future__ import annotations\n" + kWholeWithoutImport;
  EXPECT_EQ(Build(StarterTask(), Completion("```python\n" + future + "```\n")).program, future);
}

TEST(BuildProgram, AFenceHoldingOnlyTheBodyContinuesTheStarter) {
  GradedCode g = Build(StarterTask(), Completion("The body:\n```python\n" + kBody + "```\n"));
  EXPECT_EQ(g.program, kStarter + kBody);
  EXPECT_TRUE(g.continues_starter);
  EXPECT_EQ(g.source, "fence 1 of 1 (python), continuing the starter");
}

TEST(BuildProgram, HelpersOfTheStarterThatTheCodeCallsAreKept) {
  task::Task t = StarterTask();
  t.entry_point = "decode";
  t.starter[0].code.text =
      "import math\n\n\n@staticmethod_like\ndef encode(s: str):\n    \"\"\"Shifts.\"\"\"\n"
      "    return s[::-1]\n\n# a comment\n\ndef decode(s: str):\n    \"\"\" Undoes encode. \"\"\"\n";
  const std::string answer = "def decode(s: str):\n    return encode(s)\n";
  GradedCode g = Build(t, Completion("```python\n" + answer + "```"));
  EXPECT_EQ(g.program,
            "import math\n@staticmethod_like\ndef encode(s: str):\n    \"\"\"Shifts.\"\"\"\n"
            "    return s[::-1]\n\n# a comment\n\n\n" + answer);
  EXPECT_TRUE(g.starter_prelude);
  // A helper the code defines itself, or does not call, is not copied.
  const std::string own = "def encode(s):\n    return s\n\n" + answer;
  EXPECT_EQ(Build(t, Completion("```python\n" + own + "```")).program, "import math\n" + own);
  const std::string alone = "def decode(s: str):\n    return s[::-1]\n";
  EXPECT_EQ(Build(t, Completion("```python\n" + alone + "```")).program, "import math\n" + alone);
}

TEST(BuildProgram, ACompletionThatIsAlreadyTheWholeFunctionIsNotAppended) {
  GradedCode g = Build(StarterTask(), Completion(kWholeWithoutImport));
  EXPECT_EQ(g.program, "from typing import List\n" + kWholeWithoutImport);
  EXPECT_FALSE(g.continues_starter);
  EXPECT_EQ(g.source, "raw text");
  // The model repeated the whole starter.
  g = Build(StarterTask(), Completion(kStarter + kBody));
  EXPECT_EQ(g.program, kStarter + kBody);
  EXPECT_FALSE(g.continues_starter);
}

TEST(BuildProgram, ACompletionForATaskWithoutAStarterIsWholeCodeNeverAfterThePrompt) {
  const std::string code = "a, b = map(int, input().split())\nprint(a + b)\n";
  for (const std::string& text : {code, "```python\n" + code + "```\n"}) {
    for (ExtractMode mode : {ExtractMode::kAuto, ExtractMode::kRaw}) {
      if (mode == ExtractMode::kRaw && text != code) continue;
      GradedCode g = Build(StdioTask(), Completion(text, mode));
      EXPECT_EQ(g.program, code);
      EXPECT_FALSE(g.continues_starter);
      EXPECT_EQ(g.program.find("standard input"), std::string::npos);
    }
  }
  // A starter in another language does not count.
  task::Task t = StdioTask();
  task::Solution cpp_starter;
  cpp_starter.language = kCpp;
  cpp_starter.code.text = "#include <iostream>\n";
  t.starter = {cpp_starter};
  Submission s = Completion(code);
  s.language = "python";
  EXPECT_EQ(Build(t, s).program, code);
}

// Bare code gets the starter's imports it lacks, as LiveCodeBench and LeetCode put their
// import header before every program; only `raw` grades the text exactly as sent.
TEST(BuildProgram, CodeIsAlwaysWholeAndGetsTheStartersImportsUnlessRaw) {
  Submission s;
  s.code = kWholeWithoutImport;
  GradedCode g = Build(StarterTask(), s);
  EXPECT_EQ(g.program, "from typing import List\n" + kWholeWithoutImport);
  EXPECT_TRUE(g.starter_prelude);
  EXPECT_EQ(g.input, "code");
  s.extract = ExtractMode::kRaw;
  g = Build(StarterTask(), s);
  EXPECT_EQ(g.program, kWholeWithoutImport);  // raw: nothing added
  EXPECT_FALSE(g.starter_prelude);
  s.extract = kDefaultExtractMode;
  s.code = "    return 1\n";  // indented, but code is never a continuation
  EXPECT_EQ(Build(StarterTask(), s).program, "from typing import List\n    return 1\n");
}

// LeetCode's preamble defines ListNode and `inf` for every program: code that uses them
// without defining them gets the starter's definitions, and never the starter's own
// Solution stub, which the code defines.
TEST(BuildProgram, ClassesAndConstantsOfTheStarterThatTheCodeUsesGoFirst) {
  task::Task t = StarterTask();
  t.entry_point = "Solution.reverseList";
  t.starter[0].code.text =
      "from typing import *\n\ninf = float('inf')\nunused = 3\n\n"
      "class ListNode:\n    def __init__(self, val=0, next=None):\n"
      "        self.val = val\n        self.next = next\n\n"
      "class TreeNode:\n    pass\n\n"
      "class Solution:\n    def reverseList(self, head: Optional[ListNode]) -> Optional[ListNode]:\n"
      "        pass\n";
  Submission s;
  s.code = "class Solution:\n    def reverseList(self, head: Optional[ListNode]):\n        return inf\n";
  GradedCode g = Build(t, s);
  EXPECT_EQ(g.program,
            "from typing import *\ninf = float('inf')\n"
            "class ListNode:\n    def __init__(self, val=0, next=None):\n"
            "        self.val = val\n        self.next = next\n\n\n" + *s.code);
  EXPECT_TRUE(g.starter_prelude);
  s.code = "inf = 10**18\nclass ListNode:\n    pass\n" + *s.code;  // its own: nothing added
  EXPECT_EQ(Build(t, s).program, "from typing import *\n" + *s.code);
}

TEST(BuildProgram, TheLastAssistantMessageOfAChatIsGraded) {
  Submission s;
  s.messages = std::vector<ChatMessage>{
      {"system", "You write Python."},
      {"user", "Sum two numbers.\n```python\nprint('not this')\n```"},
      {"assistant", "```python\na, b = map(int, input().split())\nprint(a + b)\n```"},
      {"user", "thanks"}};
  GradedCode g = Build(StdioTask(), s);
  EXPECT_EQ(g.program, "a, b = map(int, input().split())\nprint(a + b)\n");
  EXPECT_EQ(g.input, "messages");
  EXPECT_EQ(g.source, "messages[2]: fence 1 of 1 (python)");
  s.messages = std::vector<ChatMessage>{{"user", "hi"}};
  std::string error;
  EXPECT_FALSE(BuildProgram(StdioTask(), s, &error));
  EXPECT_NE(error.find("no assistant message"), std::string::npos);
}

TEST(BuildProgram, TheSubmissionLanguageChoosesTheFence) {
  Submission s;
  s.language = "cpp";
  s.code = "```python\nprint(1)\n```\n```cpp\n#include <cstdio>\nint main() { puts(\"1\"); }\n```\n";
  EXPECT_EQ(Build(StdioTask(), s).program, "#include <cstdio>\nint main() { puts(\"1\"); }\n");
  s.language = "";  // the task's first language: python
  EXPECT_EQ(Build(StdioTask(), s).program, "print(1)\n");
}

TEST(BuildProgram, FencedModeRejectsAStarterContinuation) {
  std::string error;
  EXPECT_FALSE(BuildProgram(StarterTask(), Completion(kBody, ExtractMode::kFenced), &error));
  EXPECT_EQ(error.rfind("no code: extract mode \"fenced\"", 0), 0u) << error;
}

// --- the JSON form ---------------------------------------------------------------------------

TEST(SubmissionJson, ReadsEachFormAndTheExtractMode) {
  Submission s;
  EXPECT_FALSE(ReadSubmissionBody({{"code", "x"}}, ExtractMode::kFenced, &s));
  EXPECT_EQ(s.code, "x");
  EXPECT_EQ(s.extract, ExtractMode::kFenced);  // the caller's default
  s = {};
  EXPECT_FALSE(ReadSubmissionBody({{"completion", "y"}, {"extract", "raw"}}, ExtractMode::kAuto,
                                  &s));
  EXPECT_EQ(s.completion, "y");
  EXPECT_EQ(s.extract, ExtractMode::kRaw);
  s = {};
  nlohmann::json chat = {{"messages",
                          {{{"role", "user"}, {"content", "q"}},
                           {{"role", "assistant"},
                            {"content", {{{"type", "text"}, {"text", "a"}},
                                         {{"type", "image_url"}, {"image_url", "u"}},
                                         {{"type", "text"}, {"text", "b"}}}}}}}};
  EXPECT_FALSE(ReadSubmissionBody(chat, ExtractMode::kAuto, &s));
  ASSERT_TRUE(s.messages);
  ASSERT_EQ(s.messages->size(), 2u);
  EXPECT_EQ((*s.messages)[1].content, "ab");
}

TEST(SubmissionJson, BadBodiesSayWhatAndWhere) {
  auto error = [](const nlohmann::json& j) {
    Submission s;
    std::optional<BodyError> e = ReadSubmissionBody(j, ExtractMode::kAuto, &s);
    EXPECT_TRUE(e) << j.dump();
    return e.value_or(BodyError{});
  };
  EXPECT_EQ(error(nlohmann::json::object()).message.rfind("give exactly one of", 0), 0u);
  EXPECT_EQ(error({{"code", "x"}, {"messages", nlohmann::json::array()}}).key, "");
  EXPECT_EQ(error({{"code", 1}}).key, "code");
  EXPECT_EQ(error({{"code", "x"}, {"extract", "fence"}}).message,
            "\"extract\" must be \"auto\", \"fenced\" or \"raw\", not \"fence\"");
  EXPECT_EQ(error({{"messages", "hi"}}).key, "messages");
  EXPECT_EQ(error({{"messages", {{{"role", "user"}, {"content", "q"}}}}}).message,
            "\"messages\" has no message with role \"assistant\" (the answer to grade)");
  EXPECT_EQ(error({{"messages", {{{"role", "assistant"}, {"content", 3}}}}}).key,
            "messages[0].content");
  EXPECT_EQ(error({{"messages", {{{"content", "x"}}}}}).key, "messages[0]");
}

TEST(SubmissionJson, KeysDifferWhenGradingWould) {
  Submission a, b;
  a.code = "x";
  b.code = "x";
  EXPECT_EQ(SubmissionKey(a), SubmissionKey(b));
  b.extract = ExtractMode::kRaw;
  EXPECT_NE(SubmissionKey(a), SubmissionKey(b));
  Submission c;
  c.completion = "x";
  EXPECT_NE(SubmissionKey(a), SubmissionKey(c));
  Submission m1, m2;
  m1.messages = std::vector<ChatMessage>{{"assistant", "ab"}};
  m2.messages = std::vector<ChatMessage>{{"assistanta", "b"}};
  EXPECT_NE(SubmissionKey(m1), SubmissionKey(m2));
}

}  // namespace
}  // namespace proctor::grader
