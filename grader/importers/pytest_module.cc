#include "grader/importers/pytest_module.h"

#include <set>
#include <string_view>
#include <vector>

namespace proctor::grader::importers {
namespace {

// Line scans, not std::regex: libstdc++'s regex recurses per character and overflows the
// stack on the long modules real datasets have.

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string_view Stripped(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

// Whether `line` (stripped) starts with the word sequence `words` ("from pytest"), the last
// word ending at a non-identifier character.
bool StartsWithWords(std::string_view line, std::string_view first, std::string_view second) {
  if (line.substr(0, first.size()) != first) return false;
  line.remove_prefix(first.size());
  if (line.empty() || (line[0] != ' ' && line[0] != '\t')) return false;
  line = Stripped(line);
  if (line.substr(0, second.size()) != second) return false;
  return line.size() == second.size() || !IsIdentChar(line[second.size()]);
}

std::string_view IdentifierAt(std::string_view text, size_t at) {
  size_t end = at;
  while (end < text.size() && IsIdentChar(text[end])) ++end;
  return text.substr(at, end - at);
}

// Identifiers inside the quoted strings of `text`.
void QuotedWords(std::string_view text, std::set<std::string>* out) {
  for (size_t at = 0; at < text.size(); ++at) {
    char quote = text[at];
    if (quote != '"' && quote != '\'') continue;
    size_t close = text.find(quote, at + 1);
    if (close == std::string_view::npos) return;
    std::string_view inside = text.substr(at + 1, close - at - 1);
    for (size_t i = 0; i < inside.size();) {
      if (IsIdentChar(inside[i])) {
        std::string_view word = IdentifierAt(inside, i);
        out->insert(std::string(word));
        i += word.size();
      } else {
        ++i;
      }
    }
    at = close;
  }
}

// Parameter names of the module's parametrize decorators: "a, b" or ("a", "b").
std::set<std::string> ParametrizedNames(std::string_view module) {
  std::set<std::string> names;
  constexpr std::string_view kCall = "parametrize(";
  for (size_t at = module.find(kCall); at != std::string_view::npos;
       at = module.find(kCall, at + 1)) {
    size_t first = module.find_first_not_of(" \t\n", at + kCall.size());
    if (first == std::string_view::npos) break;
    char open = module[first];
    if (open == '"' || open == '\'') {
      size_t close = module.find(open, first + 1);
      if (close != std::string_view::npos) QuotedWords(module.substr(first, close - first + 1), &names);
    } else if (open == '(' || open == '[') {
      size_t close = module.find(open == '(' ? ')' : ']', first);
      if (close != std::string_view::npos) QuotedWords(module.substr(first, close - first), &names);
    }
  }
  return names;
}

// The first parameter of a test function that has no default, is not `self`/`cls` and is
// not given by parametrize: a pytest fixture. "" when there is none.
std::string FixtureParameter(std::string_view module) {
  const std::set<std::string> given = ParametrizedNames(module);
  size_t line_start = 0;
  for (std::string_view line : Lines(module)) {
    std::string_view code = Stripped(line);
    size_t offset = line_start + (code.data() - line.data());
    line_start += line.size() + 1;
    if (code.substr(0, 4) != "def " || code.empty()) continue;
    std::string_view rest = Stripped(code.substr(4));
    if (rest.substr(0, 4) != "test") continue;
    size_t open = module.find('(', offset);
    size_t close = open == std::string_view::npos ? open : module.find(')', open);
    if (close == std::string_view::npos) continue;
    std::string_view params = module.substr(open + 1, close - open - 1);
    size_t start = 0;
    for (int index = 0;; ++index) {
      size_t comma = params.find(',', start);
      std::string_view param = Stripped(params.substr(
          start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      param = Stripped(param.substr(0, param.find_first_of("\n")));
      std::string_view name = Stripped(param.substr(0, param.find(':')));  // an annotation
      bool receiver = index == 0 && (name == "self" || name == "cls");
      if (!name.empty() && !receiver && param.find('=') == std::string_view::npos &&
          name[0] != '*' && !given.count(std::string(name))) {
        return std::string(name);
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return "";
}

}  // namespace

std::string_view PytestStandIn() {
  static constexpr std::string_view kStandIn = R"PY(class _ProctorPytest:
    """The parts of pytest that test modules use without fixtures, for Proctor's harness
    (which runs test functions itself): raises, approx and mark.parametrize, as pytest
    defines them. Written in by the kodcode importer in place of `import pytest`."""

    class _Raises:
        def __init__(self, expected, match):
            self.expected, self.match = expected, match
            self.value = self.type = None

        def __enter__(self):
            return self

        def __exit__(self, kind, value, traceback):
            if kind is None:
                raise AssertionError("DID NOT RAISE %r" % (self.expected,))
            # The harness' own failures (a result that could not cross the wire, a dead
            # solution process) are not exceptions the solution raised: never expected ones.
            if any(c.__name__ in ("SolutionResultError", "SolutionCrashed") for c in kind.__mro__):
                return False
            if not issubclass(kind, self.expected):
                return False
            # An exception of the solution arrives as the harness' SolutionError; pytest's
            # excinfo.value is the exception itself: its builtin type with its own message.
            message = getattr(value, "solution_message", None)
            if message is not None:
                for base in kind.__mro__:
                    if base.__module__ == "builtins" and issubclass(base, BaseException):
                        try:
                            value = base(message)
                        except Exception:
                            pass
                        break
            if self.match is not None:
                import re
                if not re.search(self.match, str(value)):
                    raise AssertionError("Regex pattern did not match.\n Regex: %r\n Input: %r"
                                         % (self.match, str(value)))
            self.value, self.type = value, type(value)
            return True

    def raises(self, expected, *args, match=None, **kwargs):
        if args:  # the call form: pytest.raises(E, function, *args, **kwargs)
            with self._Raises(expected, match) as info:
                args[0](*args[1:], **kwargs)
            return info
        return self._Raises(expected, match)

    class _Approx:
        def __init__(self, expected, rel, abs_, nan_ok):
            self.expected, self.rel, self.abs, self.nan_ok = expected, rel, abs_, nan_ok

        def __repr__(self):
            return "approx(%r)" % (self.expected,)

        def _close(self, expected, actual):
            import math
            if isinstance(expected, dict):
                return (isinstance(actual, dict) and actual.keys() == expected.keys()
                        and all(self._close(expected[k], actual[k]) for k in expected))
            if isinstance(expected, (list, tuple)):
                return (isinstance(actual, (list, tuple)) and len(actual) == len(expected)
                        and all(map(self._close, expected, actual)))
            numbers = (int, float, complex)
            if (not isinstance(expected, numbers) or isinstance(expected, bool)
                    or not isinstance(actual, numbers) or isinstance(actual, bool)):
                return actual == expected
            if actual == expected:
                return True
            if isinstance(expected, float) and math.isnan(expected):
                return self.nan_ok and isinstance(actual, float) and math.isnan(actual)
            if math.isinf(abs(expected)):
                return False
            absolute = 1e-12 if self.abs is None else self.abs
            if self.rel is None and self.abs is not None:
                tolerance = absolute
            else:
                relative = (1e-6 if self.rel is None else self.rel) * abs(expected)
                tolerance = max(relative, absolute)
            return abs(expected - actual) <= tolerance

        def __eq__(self, actual):
            return self._close(self.expected, actual)

        def __ne__(self, actual):
            return not self == actual

        __hash__ = None

    def approx(self, expected, rel=None, abs=None, nan_ok=False):
        return self._Approx(expected, rel, abs, nan_ok)

    class _Mark:
        @staticmethod
        def parametrize(names, values, **options):
            if isinstance(names, str):
                names = [n.strip() for n in names.split(",") if n.strip()]
            names, values = list(names), list(values)

            def decorate(function):
                def run(**given):
                    for value in values:
                        args = tuple(value) if len(names) > 1 else (value,)
                        function(**given, **dict(zip(names, args)))
                run.__name__ = run.__qualname__ = function.__name__
                return run
            return decorate

    mark = _Mark()


pytest = _ProctorPytest()
)PY";
  return kStandIn;
}

bool AdaptPytestModule(std::string* module, std::string* why) {
  std::vector<std::string_view> lines = Lines(*module);
  std::vector<size_t> imports;  // lines that are `import pytest`
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view code = Stripped(lines[i]);
    if (StartsWithWords(code, "from", "pytest") ||
        (code.substr(0, 12) == "from pytest." && !code.empty())) {
      *why = "imports names from pytest (`from pytest import ...`), which the harness does "
             "not provide";
      return false;
    }
    if (!StartsWithWords(code, "import", "pytest")) continue;
    std::string_view after = Stripped(Stripped(code.substr(6)).substr(6));
    if (!after.empty() && after[0] != '#') {
      *why = "imports pytest in a form other than `import pytest`";
      return false;
    }
    imports.push_back(i);
  }
  constexpr std::string_view kName = "pytest.";
  const std::string_view text = *module;
  for (size_t at = text.find(kName); at != std::string_view::npos;
       at = text.find(kName, at + 1)) {
    if (at > 0 && (IsIdentChar(text[at - 1]) || text[at - 1] == '.')) continue;
    std::string_view attribute = IdentifierAt(text, at + kName.size());
    if (attribute == "mark") {
      size_t next = at + kName.size() + attribute.size();
      std::string_view mark =
          next < text.size() && text[next] == '.' ? IdentifierAt(text, next + 1) : "";
      if (mark != "parametrize") {
        *why = "uses pytest.mark." + std::string(mark) + ", which the harness does not provide";
        return false;
      }
    } else if (attribute != "raises" && attribute != "approx") {
      *why = "uses pytest." + std::string(attribute) + ", which the harness does not provide";
      return false;
    }
  }
  if (std::string fixture = FixtureParameter(*module); !fixture.empty()) {
    *why = "has a test function that takes the pytest fixture `" + fixture +
           "`, which the harness does not provide";
    return false;
  }
  if (imports.empty()) return true;
  // `pass` keeps an indented import's block valid; the stand-in is defined first.
  std::string out = std::string(PytestStandIn()) + "\n\n";
  for (size_t i = 0, next = 0; i < lines.size(); ++i) {
    if (next < imports.size() && imports[next] == i) {
      std::string_view line = lines[i];
      out.append(line.substr(0, line.find_first_not_of(" \t")))
          .append("pass  # import pytest: the stand-in above");
      ++next;
    } else {
      out.append(lines[i]);
    }
    if (i + 1 < lines.size()) out += '\n';
  }
  *module = std::move(out);
  return true;
}

}  // namespace proctor::grader::importers
