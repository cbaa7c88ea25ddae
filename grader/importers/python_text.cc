#include "grader/importers/python_text.h"

#include <nlohmann/json.hpp>

namespace proctor::grader::importers {

std::string PythonStringLiteral(std::string_view text) {
  // JSON escapes (\" \\ \n \t \uXXXX for controls) are Python escapes with the same meaning;
  // nlohmann never writes "\/". Non-ASCII stays UTF-8, which Python source is by default.
  return nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::strict);
}

std::string RunnableStarter(std::string_view starter) {
  std::string text(starter);
  // Drop the trailing blank "cursor" line the published starters end with.
  size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  text.resize(end + 1);
  size_t line_start = text.rfind('\n');
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  std::string last = text.substr(line_start);
  std::string indent = last.substr(0, last.find_first_not_of(" \t"));
  text += '\n';
  if (last.back() == ':') text += indent + "    pass\n";
  return text;
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
