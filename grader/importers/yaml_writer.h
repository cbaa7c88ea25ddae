// Writing task-pack YAML by hand: a small indentation-tracking builder whose string scalars
// always read back byte for byte through yaml-cpp (the parser LoadPack uses). Multi-line text
// is written as a literal block (`|`, `|-`, `|+`, with an indentation indicator when needed)
// so code stays readable; anything a block cannot hold exactly is double-quoted.
//
//   YamlWriter w;
//   w.String("id", "HumanEval/0");
//   w.BeginList("tests");
//   w.BeginItem();
//   w.BeginMap("unit");
//   w.Flow("style", "humaneval");
//   w.String("code", test_code);
//   w.End(); w.End(); w.End();
//   std::string text = w.Take();
#pragma once

#include <string>
#include <string_view>

namespace proctor::grader::importers {

// `text` as a double-quoted YAML scalar ("a\nb"); printable UTF-8 is kept as is.
std::string QuoteYaml(std::string_view text);

class YamlWriter {
 public:
  // `key: <text>` with `text` as a string (quoted, or a literal block when multi-line).
  void String(std::string_view key, std::string_view text);
  // `key: <flow>` with `flow` written verbatim: a number, a name, `[python]`, `{...}`.
  void Flow(std::string_view key, std::string_view flow);
  // `key:` then a nested mapping, until End().
  void BeginMap(std::string_view key);
  // `key:` then a list, until End(); each item starts with BeginItem().
  void BeginList(std::string_view key);
  // Starts a mapping item of the current list (`- ` before its first key), until End().
  void BeginItem();
  void End();

  // The document; the writer is empty afterwards.
  std::string Take();

 private:
  void KeyPrefix(std::string_view key);

  std::string out_;
  int indent_ = 0;             // column of keys at the current level
  bool pending_dash_ = false;  // the next key opens a list item
  std::string open_;           // one char per open level: 'm' map, 'l' list, 'i' item
};

}  // namespace proctor::grader::importers
