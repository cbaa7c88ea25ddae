#include "grader/importers/pytest_module.h"

#include <regex>
#include <set>
#include <vector>

namespace proctor::grader::importers {
namespace {

// Parameter names of the test functions' parametrize decorators: "a, b" or ("a", "b").
std::set<std::string> ParametrizedNames(const std::string& module) {
  std::set<std::string> names;
  static const std::regex kString(R"(parametrize\(\s*(["'])([^"']*)\1)");
  static const std::regex kSequence(R"(parametrize\(\s*[\[(]([^\])]*)[\])])");
  static const std::regex kWord(R"([A-Za-z_][A-Za-z0-9_]*)");
  std::vector<std::string> lists;
  for (auto it = std::sregex_iterator(module.begin(), module.end(), kString);
       it != std::sregex_iterator(); ++it) {
    lists.push_back((*it)[2].str());
  }
  for (auto it = std::sregex_iterator(module.begin(), module.end(), kSequence);
       it != std::sregex_iterator(); ++it) {
    lists.push_back((*it)[1].str());
  }
  for (const std::string& list : lists) {
    for (auto it = std::sregex_iterator(list.begin(), list.end(), kWord);
         it != std::sregex_iterator(); ++it) {
      names.insert(it->str());
    }
  }
  return names;
}

// The first parameter of a test function that has no default, is not `self`/`cls` and is
// not given by parametrize: a pytest fixture. "" when there is none.
std::string FixtureParameter(const std::string& module) {
  const std::set<std::string> given = ParametrizedNames(module);
  static const std::regex kTestDef(R"((^|\n)[ \t]*def[ \t]+test\w*[ \t]*\(([^)]*)\))");
  for (auto it = std::sregex_iterator(module.begin(), module.end(), kTestDef);
       it != std::sregex_iterator(); ++it) {
    std::string params = (*it)[2].str();
    size_t start = 0;
    for (int index = 0;; ++index) {
      size_t comma = params.find(',', start);
      std::string param = params.substr(start, comma == std::string::npos ? std::string::npos
                                                                           : comma - start);
      param.erase(0, param.find_first_not_of(" \t\n"));
      param.erase(param.find_last_not_of(" \t\n") + 1);
      size_t colon = param.find(':');  // an annotation
      std::string name = param.substr(0, colon == std::string::npos ? param.size() : colon);
      name.erase(name.find_last_not_of(" \t") + 1);
      bool receiver = index == 0 && (name == "self" || name == "cls");
      if (!name.empty() && !receiver && param.find('=') == std::string::npos &&
          name[0] != '*' && !given.count(name)) {
        return name;
      }
      if (comma == std::string::npos) break;
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
  static const std::regex kFromPytest(R"((^|\n)[ \t]*from[ \t]+pytest\b)");
  if (std::regex_search(*module, kFromPytest)) {
    *why = "imports names from pytest (`from pytest import ...`), which the harness does not "
           "provide";
    return false;
  }
  static const std::regex kImport(R"((^|\n)([ \t]*)import[ \t]+pytest\b([^\n]*))");
  static const std::regex kPlainRest(R"([ \t]*(#[^\n]*)?)");
  bool imports = false;
  for (auto it = std::sregex_iterator(module->begin(), module->end(), kImport);
       it != std::sregex_iterator(); ++it) {
    if (!std::regex_match((*it)[3].str(), kPlainRest)) {
      *why = "imports pytest in a form other than `import pytest`";
      return false;
    }
    imports = true;
  }
  static const std::regex kUse(R"(\bpytest\.([A-Za-z_][A-Za-z0-9_]*)(\.([A-Za-z_][A-Za-z0-9_]*))?)");
  for (auto it = std::sregex_iterator(module->begin(), module->end(), kUse);
       it != std::sregex_iterator(); ++it) {
    std::string attribute = (*it)[1].str();
    if (attribute == "mark" && (*it)[3].str() != "parametrize") {
      *why = "uses pytest.mark." + (*it)[3].str() + ", which the harness does not provide";
      return false;
    }
    if (attribute != "raises" && attribute != "approx" && attribute != "mark") {
      *why = "uses pytest." + attribute + ", which the harness does not provide";
      return false;
    }
  }
  if (std::string fixture = FixtureParameter(*module); !fixture.empty()) {
    *why = "has a test function that takes the pytest fixture `" + fixture +
           "`, which the harness does not provide";
    return false;
  }
  if (imports) {
    // `pass` keeps an indented import's block valid; the stand-in is defined first.
    *module = std::string(PytestStandIn()) + "\n\n" +
              std::regex_replace(*module, kImport, "$1$2pass  # import pytest: the stand-in above");
  }
  return true;
}

}  // namespace proctor::grader::importers
