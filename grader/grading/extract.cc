#include "grader/grading/extract.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "grader/languages/language.h"

namespace proctor::grader {
namespace {

constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string NormalizeNewlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The opening line of a fence: three or more ` or ~, at any indentation, then an info string
// (for backtick fences without backticks: "```x```" on one line is inline code).
struct Opener {
  char mark = '`';
  size_t length = 0;
  size_t indent = 0;
  std::string tag;  // the info string's first word, lowercased; empty: untagged
};

std::optional<Opener> FenceOpener(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i == line.size() || (line[i] != '`' && line[i] != '~')) return std::nullopt;
  const char mark = line[i];
  size_t j = i;
  while (j < line.size() && line[j] == mark) ++j;
  if (j - i < 3) return std::nullopt;
  std::string_view info = TrimBlanks(line.substr(j));
  if (mark == '`' && info.find('`') != std::string_view::npos) return std::nullopt;
  // The tag is the first word, without pandoc's braces and dot or a file name after a
  // colon: "python", "{.python}", "python:solution.py", "py title=sol.py" all say python.
  std::string_view word = info.substr(0, std::min(info.size(), info.find_first_of(" \t:")));
  while (!word.empty() && (word.front() == '{' || word.front() == '.')) word.remove_prefix(1);
  while (!word.empty() && word.back() == '}') word.remove_suffix(1);
  return Opener{mark, j - i, i, Lower(word)};
}

bool IsCloser(std::string_view line, const Opener& open) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t j = i;
  while (j < line.size() && line[j] == open.mark) ++j;
  return j - i >= open.length && TrimBlanks(line.substr(j)).empty();
}

struct Fence {
  std::string tag;
  std::string body;
  bool terminated = false;
};

// Every fenced block of `text` (newlines already \n), in order. A block's lines lose up to
// the opening line's indentation (a fence inside a list item); an unclosed block runs to the
// end of the text (a model cut off by its token limit).
std::vector<Fence> ScanFences(std::string_view text) {
  std::vector<Fence> fences;
  std::optional<Opener> open;
  for (std::string_view line : SplitLines(text)) {
    if (!open) {
      open = FenceOpener(line);
      if (open) fences.push_back({open->tag, "", false});
      continue;
    }
    if (IsCloser(line, *open)) {
      fences.back().terminated = true;
      open.reset();
      continue;
    }
    size_t drop = 0;
    while (drop < open->indent && drop < line.size() && (line[drop] == ' ' || line[drop] == '\t'))
      ++drop;
    fences.back().body.append(line.substr(drop));
    fences.back().body += '\n';
  }
  return fences;
}

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `line` (any indentation) starts a Python definition of `name`.
bool DefinesPython(std::string_view line, std::string_view name, bool top_level_only) {
  if (top_level_only && !line.empty() && (line[0] == ' ' || line[0] == '\t')) return false;
  line = TrimBlanks(line);
  if (line.substr(0, 6) == "async ") line = TrimBlanks(line.substr(6));
  if (line.substr(0, 4) != "def ") return false;
  line = TrimBlanks(line.substr(4));
  if (line.substr(0, name.size()) != name) return false;
  line = TrimBlanks(line.substr(name.size()));
  return !line.empty() && line[0] == '(';
}

// Whether `code` contains `name` as a whole word followed by "(".
bool MentionsCall(std::string_view code, std::string_view name) {
  for (size_t at = code.find(name); at != std::string_view::npos; at = code.find(name, at + 1)) {
    if (at > 0 && IsIdentChar(code[at - 1])) continue;
    size_t after = at + name.size();
    while (after < code.size() && (code[after] == ' ' || code[after] == '\t')) ++after;
    if (after < code.size() && code[after] == '(') return true;
  }
  return false;
}

// Whether a fence's code has what the task will run: the entry point's definition, or for
// a C++ program without one, main().
bool DefinesWhatIsRun(std::string_view code, task::Language language,
                      std::string_view entry_point) {
  // "Solution().max_sum" (a method the tests call): the method's name is what is defined.
  if (size_t dot = entry_point.rfind('.'); dot != std::string_view::npos)
    entry_point.remove_prefix(dot + 1);
  if (language == task::Language::kPython) {
    if (entry_point.empty()) return false;
    for (std::string_view line : SplitLines(code))
      if (DefinesPython(line, entry_point, false)) return true;
    return false;
  }
  return MentionsCall(code, entry_point.empty() ? std::string_view("main") : entry_point);
}

// The answer after a reasoning block: the text after the first </think> (the opening tag may
// be in the prompt, as chat templates of reasoning models put it there). An answer that opens
// <think> and never closes it has no code.
struct Answer {
  std::string_view text;
  bool after_reasoning = false;
};

std::optional<Answer> AnswerOf(std::string_view text, std::string* error) {
  if (size_t close = text.find(kThinkClose); close != std::string_view::npos)
    return Answer{text.substr(close + kThinkClose.size()), true};
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text.substr(first, kThinkOpen.size()) == kThinkOpen) {
    *error = "no code: the answer is all reasoning (<think> is never closed; cut off by the "
             "token limit?)";
    return std::nullopt;
  }
  return Answer{text, false};
}

std::string FenceSource(const Fence& fence, size_t index, size_t count) {
  std::string s = "fence " + std::to_string(index + 1) + " of " + std::to_string(count) + " (" +
                  (fence.tag.empty() ? std::string("untagged") : fence.tag);
  if (!fence.terminated) s += ", unterminated";
  return s + ")";
}

std::string LanguageFenceExample(task::Language language) {
  return "```" + std::string(task::LanguageName(language));
}

// The starter of the task in `language`, or null.
const task::Solution* StarterFor(const task::Task& task, task::Language language) {
  for (const task::Solution& s : task.starter)
    if (s.language == language) return &s;
  return nullptr;
}

std::optional<task::Language> LanguageOf(const task::Task& task, const std::string& name) {
  if (name.empty()) return task.languages.empty() ? task::Language::kPython : task.languages[0];
  return task::Language::Find(name);
}

std::string_view FirstNonBlankLine(std::string_view text) {
  for (std::string_view line : SplitLines(text))
    if (!TrimBlanks(line).empty()) return line;
  return {};
}

// A completion that continues code: its first non-blank line is indented (a function body)
// and is not a fence. Returns it cut at its first fence line (models often close the fence
// the prompt opened, then explain), and the 1-based line of the cut (0: no cut).
std::optional<std::pair<std::string, size_t>> Continuation(std::string_view answer) {
  std::string_view first = FirstNonBlankLine(answer);
  if (first.empty() || (first[0] != ' ' && first[0] != '\t') || FenceOpener(first))
    return std::nullopt;
  std::string normalized = NormalizeNewlines(answer);
  std::string code;
  size_t number = 0;
  for (std::string_view line : SplitLines(normalized)) {
    ++number;
    if (FenceOpener(line)) return std::make_pair(code, number);
    code.append(line);
    code += '\n';
  }
  // No fence: the completion as it was written, byte for byte.
  return std::make_pair(std::string(answer), size_t{0});
}

// Whether a raw completion already is the whole program: it defines the entry point at the
// top level (Python), or it starts by repeating the starter's first line.
bool IsWholeProgram(std::string_view code, const task::Task& task, const task::Solution& starter,
                    task::Language language) {
  if (language == task::Language::kPython && !task.entry_point.empty())
    for (std::string_view line : SplitLines(code))
      if (DefinesPython(line, task.entry_point, true)) return true;
  std::string_view starter_first = TrimBlanks(FirstNonBlankLine(starter.code.text));
  return !starter_first.empty() && TrimBlanks(FirstNonBlankLine(code)) == starter_first;
}

// The name a top-level Python line defines with `def` / `async def`, or "".
std::string_view TopLevelDef(std::string_view line) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t') return {};
  std::string_view t = TrimBlanks(line);
  if (t.substr(0, 6) == "async ") t = TrimBlanks(t.substr(6));
  if (t.substr(0, 4) != "def ") return {};
  t = TrimBlanks(t.substr(4));
  size_t end = 0;
  while (end < t.size() && IsIdentChar(t[end])) ++end;
  return t.substr(0, end);
}

// "ListNode" for "class ListNode:" or "class ListNode(Base):" at the top level, else "".
std::string_view TopLevelClass(std::string_view line) {
  if (line.empty() || line[0] == ' ' || line[0] == '\t' || line.substr(0, 6) != "class ")
    return {};
  std::string_view t = TrimBlanks(line.substr(6));
  size_t end = 0;
  while (end < t.size() && IsIdentChar(t[end])) ++end;
  std::string_view rest = TrimBlanks(t.substr(end));
  if (end == 0 || rest.empty() || (rest[0] != ':' && rest[0] != '(')) return {};
  return t.substr(0, end);
}

// "inf" for a one-line top-level assignment "inf = float('inf')", else "" (also for lines
// that continue on the next one, whose block this does not follow).
std::string_view TopLevelAssignment(std::string_view line) {
  if (line.empty() || !IsIdentChar(line[0]) || (line[0] >= '0' && line[0] <= '9')) return {};
  size_t end = 0;
  while (end < line.size() && IsIdentChar(line[end])) ++end;
  std::string_view rest = TrimBlanks(line.substr(end));
  if (rest.size() < 2 || rest[0] != '=' || rest[1] == '=') return {};
  char last = TrimBlanks(line).back();
  if (last == '(' || last == '[' || last == '{' || last == '\\' || last == ',') return {};
  std::string_view name = line.substr(0, end);
  static constexpr std::string_view kKeywords[] = {"if", "for", "while", "with", "return"};
  for (std::string_view k : kKeywords)
    if (name == k) return {};
  return name;
}

bool DefinesTopLevel(const std::vector<std::string_view>& lines, std::string_view name) {
  for (std::string_view line : lines)
    if (TopLevelDef(line) == name || TopLevelClass(line) == name ||
        TopLevelAssignment(line) == name)
      return true;
  return false;
}

// Whether `name` appears in `code` as a whole identifier (an annotation, a call, a base).
bool MentionsName(std::string_view code, std::string_view name) {
  for (size_t at = code.find(name); at != std::string_view::npos; at = code.find(name, at + 1)) {
    size_t after = at + name.size();
    if ((at == 0 || !IsIdentChar(code[at - 1])) &&
        (after >= code.size() || !IsIdentChar(code[after])))
      return true;
  }
  return false;
}

// What whole code for a task with a starter gets put before it, from the starter: the import
// lines it lacks (Python `import x` / `from x import y` at the top level, C++ `#include`), and
// for Python the starter's helper functions (HumanEval/38's encode_cyclic) that the code
// calls but does not define. Chat models answering a HumanEval-style prompt often leave out
// both, and would fail with a NameError for no fault of their algorithm. Nothing is added
// that the code does not lack, and nothing before a `from __future__` import, which must stay
// first.
std::string StarterPrelude(std::string_view code, const task::Task& task,
                           const task::Solution& starter, task::Language language) {
  const std::string normalized = NormalizeNewlines(code);
  const std::vector<std::string_view> have = SplitLines(normalized);
  const bool python = language == task::Language::kPython;
  if (python)
    for (std::string_view line : have)
      if (TrimBlanks(line).substr(0, 16) == "from __future__ ") return "";
  const std::string starter_text = NormalizeNewlines(starter.code.text);
  const std::vector<std::string_view> lines = SplitLines(starter_text);
  std::string imports, helpers;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    std::string_view t = TrimBlanks(line);
    if (python) {
      // A one-line constant of the starter's preamble (LeetCode's `inf = float('inf')`).
      if (std::string_view name = TopLevelAssignment(line);
          !name.empty() && !DefinesTopLevel(have, name) && MentionsName(normalized, name)) {
        helpers += std::string(line) + "\n";
        continue;
      }
      std::string_view def = TopLevelDef(line);
      std::string_view cls = def.empty() ? TopLevelClass(line) : std::string_view();
      // A helper function the code calls, or a class it names (LeetCode's ListNode and
      // TreeNode in annotations and constructors), that it does not define itself.
      if (std::string_view name = def.empty() ? cls : def;
          !name.empty() && name != task.entry_point && !DefinesTopLevel(have, name) &&
          (def.empty() ? MentionsName(normalized, name) : MentionsCall(normalized, name))) {
        // The helper's block: its decorators, the def, and every line up to the next
        // top-level statement.
        size_t first = i;
        while (first > 0 && lines[first - 1].substr(0, 1) == "@") --first;
        size_t last = i + 1;
        while (last < lines.size() &&
               (TrimBlanks(lines[last]).empty() || lines[last][0] == ' ' ||
                lines[last][0] == '\t' || lines[last][0] == '#'))
          ++last;
        for (size_t k = first; k < last; ++k) helpers += std::string(lines[k]) + "\n";
        i = last - 1;
        continue;
      }
    }
    bool is_import;
    if (python) {
      const bool simple = line.substr(0, 7) == "import " ||
                          (line.substr(0, 5) == "from " && t.find(" import ") != t.npos);
      is_import = simple && t.back() != '(' && t.back() != '\\';
    } else {
      is_import = t.substr(0, 8) == "#include";
    }
    if (!is_import) continue;
    bool present = false;
    for (std::string_view h : have) present |= TrimBlanks(h) == t;
    if (!present) imports += std::string(t) + "\n";
  }
  return helpers.empty() ? imports : imports + helpers + "\n";
}

}  // namespace

std::string_view ExtractModeName(ExtractMode mode) {
  switch (mode) {
    case ExtractMode::kAuto: return "auto";
    case ExtractMode::kFenced: return "fenced";
    case ExtractMode::kRaw: return "raw";
  }
  return "auto";
}

std::optional<ExtractMode> ExtractModeFromName(std::string_view name) {
  for (ExtractMode m : {ExtractMode::kAuto, ExtractMode::kFenced, ExtractMode::kRaw})
    if (ExtractModeName(m) == name) return m;
  return std::nullopt;
}

bool TagMatches(std::string_view tag, task::Language language) {
  // The language's name and the aliases of its definition (languages/*.yaml).
  const Language* found = FindLanguageByTag(std::string(tag));
  return found != nullptr && found->name == task::LanguageName(language);
}

std::optional<Extracted> ExtractCode(std::string_view text, task::Language language,
                                     ExtractMode mode, std::string_view entry_point,
                                     std::string* error) {
  if (mode == ExtractMode::kRaw) return Extracted{std::string(text), "raw text", false};
  std::optional<Answer> answer = AnswerOf(text, error);
  if (!answer) return std::nullopt;
  const std::string after = answer->after_reasoning ? ", after </think>" : "";

  const std::vector<Fence> fences = ScanFences(NormalizeNewlines(answer->text));
  // Fences tagged with the language win over untagged ones; a fence tagged with another
  // language (bash, text, output) is never graded. Empty fences are skipped.
  std::vector<size_t> tagged, untagged;
  std::vector<std::string> other_tags;
  for (size_t i = 0; i < fences.size(); ++i) {
    const Fence& f = fences[i];
    if (f.body.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    if (TagMatches(f.tag, language)) {
      tagged.push_back(i);
    } else if (f.tag.empty()) {
      untagged.push_back(i);
    } else if (std::find(other_tags.begin(), other_tags.end(), f.tag) == other_tags.end()) {
      other_tags.push_back(f.tag);
    }
  }
  const std::vector<size_t>& candidates = tagged.empty() ? untagged : tagged;
  if (!candidates.empty()) {
    // The last candidate wins (the model's final answer, as most RL graders take it), but
    // one that defines what the task runs beats a later usage example that does not.
    size_t pick = candidates.back();
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
      if (DefinesWhatIsRun(fences[*it].body, language, entry_point)) {
        pick = *it;
        break;
      }
    }
    return Extracted{fences[pick].body, FenceSource(fences[pick], pick, fences.size()) + after,
                     true};
  }
  if (mode == ExtractMode::kFenced) {
    std::string found;
    for (const std::string& t : other_tags) found += (found.empty() ? "" : ", ") + t;
    *error = "no code: extract mode \"fenced\" needs a markdown code fence (" +
             std::string(LanguageFenceExample(language)) + " ... ```) and the answer has " +
             (fences.empty()   ? std::string("none")
              : found.empty() ? std::string("only empty ones")
                              : "only fences of other languages (" + found + ")");
    return std::nullopt;
  }
  return Extracted{std::string(answer->text), "raw text" + after, false};
}

std::optional<GradedCode> BuildProgram(const task::Task& task, const Submission& s,
                                       std::string* error) {
  std::optional<task::Language> language = LanguageOf(task, s.language);
  if (!language) {
    *error = "unknown language \"" + s.language + "\"";
    return std::nullopt;
  }
  GradedCode out;
  std::string_view text;
  std::string where;  // prefix of the source
  if (s.code) {
    out.input = "code";
    text = *s.code;
  } else if (s.completion) {
    out.input = "completion";
    text = *s.completion;
  } else if (s.messages) {
    out.input = "messages";
    const std::vector<ChatMessage>& m = *s.messages;
    size_t last = m.size();
    for (size_t i = m.size(); i-- > 0;)
      if (m[i].role == "assistant") {
        last = i;
        break;
      }
    if (last == m.size()) {
      *error = "no code: the messages have no assistant message";
      return std::nullopt;
    }
    text = m[last].content;
    where = "messages[" + std::to_string(last) + "]: ";
  } else {
    *error = "no code: the submission has no code, completion or messages";
    return std::nullopt;
  }

  const task::Solution* starter = StarterFor(task, *language);
  // A completion (and a chat answer) continues the starter when there is one; code is whole.
  const bool may_continue = starter != nullptr && !s.code;
  if (may_continue && s.extract == ExtractMode::kRaw) {
    out.program = starter->code.text + std::string(text);
    out.source = where + "raw text, continuing the starter";
    out.continues_starter = true;
    return out;
  }
  if (may_continue && s.extract == ExtractMode::kAuto) {
    std::optional<Answer> answer = AnswerOf(text, error);
    if (!answer) return std::nullopt;
    if (auto cont = Continuation(answer->text)) {
      out.program = starter->code.text + cont->first;
      out.source = where + "continuation of the starter";
      if (cont->second > 0)
        out.source += ", cut at the fence on line " + std::to_string(cont->second);
      if (answer->after_reasoning) out.source += ", after </think>";
      out.continues_starter = true;
      return out;
    }
  }
  std::optional<Extracted> e = ExtractCode(text, *language, s.extract, task.entry_point, error);
  if (!e) return std::nullopt;
  out.source = where + e->source;
  if (may_continue && !e->from_fence && !IsWholeProgram(e->code, task, *starter, *language)) {
    out.program = starter->code.text + e->code;
    out.source += ", continuing the starter";
    out.continues_starter = true;
    return out;
  }
  // A fence holding only the function's body (its first line indented, which no whole
  // Python program can be) continues the starter too.
  if (may_continue && e->from_fence && *language == task::Language::kPython) {
    std::string_view first = FirstNonBlankLine(e->code);
    if (!first.empty() && (first[0] == ' ' || first[0] == '\t')) {
      out.program = starter->code.text + e->code;
      out.source += ", continuing the starter";
      out.continues_starter = true;
      return out;
    }
  }
  out.program = std::move(e->code);
  // Whole code for a task with a starter: what it lacks of the starter goes first (see
  // StarterPrelude), bare code too: LiveCodeBench's and LeetCode's own harnesses run every
  // program after their import header, so `List[int]` without `from typing import List` is
  // correct there. Only `raw` grades the text exactly as sent.
  if (starter != nullptr && s.extract != ExtractMode::kRaw) {
    std::string prelude = StarterPrelude(out.program, task, *starter, *language);
    if (!prelude.empty()) {
      out.program = prelude + out.program;
      out.starter_prelude = true;
    }
  }
  return out;
}

}  // namespace proctor::grader
