// Writing task-pack YAML through yaml-cpp's YAML::Emitter (the library LoadPack reads with),
// so every string scalar reads back byte for byte. Multi-line text that a literal block
// (`|`) holds exactly is written as one so code stays readable; everything else is
// double-quoted with escapes.
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
//
// Strings must be valid UTF-8 (JSON strings always are): the emitter writes an invalid
// sequence as U+FFFD.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace YAML {
class Emitter;
}

namespace proctor::grader::importers {

// `text` as a double-quoted YAML scalar ("a\nb").
std::string QuoteYaml(std::string_view text);

class YamlWriter {
 public:
  YamlWriter();
  ~YamlWriter();
  YamlWriter(const YamlWriter&) = delete;
  YamlWriter& operator=(const YamlWriter&) = delete;

  // `key: <text>` with `text` as a string (a literal block when it holds it exactly,
  // else double-quoted).
  void String(std::string_view key, std::string_view text);
  // `key: <flow>` where `flow` is YAML text: a number, a name, `[python]`, `{...}`, JSON.
  // It is parsed and re-emitted with the same meaning (quoted scalars stay quoted, plain
  // ones plain, collections in flow style); spacing may differ. Throws
  // std::invalid_argument when `flow` is not one YAML value that can be re-emitted so.
  void Flow(std::string_view key, std::string_view flow);
  // `key:` then a nested mapping, until End().
  void BeginMap(std::string_view key);
  // `key:` then a list, until End(); each item starts with BeginItem().
  void BeginList(std::string_view key);
  // Starts a mapping item of the current list, until End().
  void BeginItem();
  void End();

  // The document (ending in a newline; "" when nothing was written); the writer is empty
  // afterwards.
  std::string Take();

 private:
  void Key(std::string_view key);

  std::unique_ptr<YAML::Emitter> out_;
  std::string open_;  // one char per open level: 'm' map, 'l' list, 'i' item
  bool started_ = false;  // the top-level mapping has begun
};

}  // namespace proctor::grader::importers
