// Importing MBPP (Mostly Basic Python Problems, github.com/google-research/google-research,
// mbpp/mbpp.jsonl, CC BY 4.0) as a task pack.
//
//   std::string error;
//   if (!ImportMbpp("mbpp.jsonl", "packs/mbpp", &error)) std::cerr << error << "\n";
//
// The pack is named `mbpp`; each problem becomes tasks/mbpp-NNN.yaml with:
//   id           "mbpp/<task_id>" (task_id is a number or a string)
//   prompt       `text`, then the first assert of `test_list` as an example
//   entry_point  the first function called by that assert that `code` defines (else the
//                first called name that is not a builtin)
//   languages    [python]
//   reference    `code` (\r\n line ends become \n)
//   tests        unit tests of style asserts, each assert its own `# --- test:` block after
//                a setup block (`from solution import <entry_point>`, imports of modules the
//                asserts use such as math, then `test_setup_code`):
//                  example    public, the first assert (already shown in the prompt)
//                  tests      hidden, every assert of test_list
//                  challenge  hidden, challenge_test_list, when present and not empty
#pragma once

#include <string>

namespace proctor::grader::importers {

struct MbppOptions {
  std::string version = "1";  // the pack's version
};

// Reads `jsonl_path` (fields task_id, text, code, test_list, and optionally test_setup_code
// and challenge_test_list) and writes the pack into `out_dir`, which must be absent or empty.
// Checks the whole input before writing anything, and the written pack with LoadPack. On
// failure returns false and sets *error to "file:line: what is wrong". Never throws.
[[nodiscard]] bool ImportMbpp(const std::string& jsonl_path, const std::string& out_dir,
                              std::string* error, const MbppOptions& options = {});

}  // namespace proctor::grader::importers
