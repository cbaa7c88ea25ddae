#include "grader/importers/python_text.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace proctor::grader::importers {

std::string PythonStringLiteral(std::string_view text) {
  // JSON escapes (\" \\ \n \t \uXXXX for controls) are Python escapes with the same meaning;
  // nlohmann never writes "\/". Non-ASCII stays UTF-8, which Python source is by default.
  return nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::strict);
}

namespace {

size_t IndentOf(std::string_view line) {
  size_t n = line.find_first_not_of(" \t");
  return n == std::string_view::npos ? line.size() : n;
}

bool IsBlank(std::string_view line) { return IndentOf(line) == line.size(); }

// A line that opens a block: `def f(...) -> T:`, `class C:`, ... ending in ':' (comments and
// trailing blanks aside).
bool OpensBlock(std::string_view line) {
  if (line.substr(IndentOf(line), 1) == "#") return false;
  size_t end = line.find_last_not_of(" \t\r");
  return end != std::string_view::npos && line[end] == ':';
}

}  // namespace

std::string RunnableStarter(std::string_view starter) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < starter.size();) {
    size_t end = starter.find('\n', start);
    if (end == std::string_view::npos) end = starter.size();
    lines.push_back(starter.substr(start, end - start));
    start = end + 1;
  }
  while (!lines.empty() && IsBlank(lines.back())) lines.pop_back();  // the "cursor" line
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    out.append(IsBlank(lines[i]) ? std::string_view() : lines[i]).append("\n");
    if (!OpensBlock(lines[i])) continue;
    // An empty block (the next code line is not indented deeper) gets a `pass` body.
    size_t next = i + 1;
    while (next < lines.size() && (IsBlank(lines[next]) ||
                                   lines[next].substr(IndentOf(lines[next]), 1) == "#")) {
      ++next;
    }
    if (next == lines.size() || IndentOf(lines[next]) <= IndentOf(lines[i]))
      out.append(lines[i].substr(0, IndentOf(lines[i]))).append("    pass\n");
  }
  return out;
}

std::string_view LiveCodeBenchImports() {
  static constexpr std::string_view kImports =
      "from string import *\nfrom re import *\nfrom datetime import *\n"
      "from collections import *\nfrom heapq import *\nfrom bisect import *\n"
      "from copy import *\nfrom math import *\nfrom random import *\n"
      "from statistics import *\nfrom itertools import *\nfrom functools import *\n"
      "from operator import *\nfrom io import *\nfrom sys import *\nfrom json import *\n"
      "from builtins import *\nfrom typing import *\nimport string\nimport re\n"
      "import datetime\nimport collections\nimport heapq\nimport bisect\nimport copy\n"
      "import math\nimport random\nimport statistics\nimport itertools\nimport functools\n"
      "import operator\nimport io\nimport sys\nimport json\n";
  return kImports;
}

}  // namespace proctor::grader::importers
