#include "grader/task/yaml_value.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>

namespace proctor::grader::task::yaml {
namespace {

constexpr char kTagList[] = "$list, $tuple, $set, $dict, $int, $float, $bytes, $str";

bool IsQuoted(const YAML::Node& node) { return node.Tag() == "!"; }

// The YAML 1.2 core schema's resolution of plain scalars.
Value PlainScalar(const YamlFile& file, const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value::None();
  if (s == "true" || s == "True" || s == "TRUE") return Value::Bool(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value::Bool(false);
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex kInf("[-+]?\\.(inf|Inf|INF)");
  static const std::regex kNan("\\.(nan|NaN|NAN)");
  if (std::regex_match(s, kInt)) {
    auto decimal = NormalizeInt(s);
    if (!decimal) Fail(file, node, decimal.error().message);
    return Value::Int(std::move(*decimal));
  }
  if (std::regex_match(s, kFloat)) {
    std::string_view text = s;
    if (text[0] == '+') text.remove_prefix(1);
    double f = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), f);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(f)) {
      Fail(file, node, "float \"" + s + "\" is out of range");
    }
    return Value::Float(f);
  }
  if (std::regex_match(s, kInf)) return Value::Float(s[0] == '-' ? -HUGE_VAL : HUGE_VAL);
  if (std::regex_match(s, kNan)) return Value::Float(std::nan(""));
  return Value::Str(s);
}

Value ReadValueAt(const YamlFile& file, const YAML::Node& node, int depth);

// A container with `depth` containers around it: the caps allow kMaxWireDepth in all.
void CheckDepth(const YamlFile& file, const YAML::Node& node, int depth) {
  if (depth + 1 > kMaxWireDepth) {
    Fail(file, node, "value nested deeper than " + std::to_string(kMaxWireDepth));
  }
}

Value::Items ReadItems(const YamlFile& file, const YAML::Node& node, int depth,
                       std::string_view key) {
  RequireList(file, node, key);
  Value::Items items;
  for (const YAML::Node& item : node) items.push_back(ReadValueAt(file, item, depth + 1));
  return items;
}

Value ReadTagged(const YamlFile& file, const std::string& tag, const YAML::Node& body,
                 const YAML::Node& tag_node, int depth) {
  if (tag == "$list" || tag == "$tuple" || tag == "$set" || tag == "$dict") {
    CheckDepth(file, tag_node, depth);
  }
  if (tag == "$list") return Value::List(ReadItems(file, body, depth, tag));
  if (tag == "$tuple") return Value::Tuple(ReadItems(file, body, depth, tag));
  if (tag == "$set") return Value::Set(ReadItems(file, body, depth, tag));
  if (tag == "$dict") {
    RequireList(file, body, tag);
    Value::Entries entries;
    for (const YAML::Node& pair : body) {
      if (!pair.IsSequence() || pair.size() != 2) {
        Fail(file, pair, "$dict items must be [key, value] pairs (got " + Describe(pair) + ")");
      }
      entries.emplace_back(ReadValueAt(file, pair[0], depth + 1),
                           ReadValueAt(file, pair[1], depth + 1));
    }
    return Value::Dict(std::move(entries));
  }
  if (tag == "$str") return Value::Str(ReadString(file, body, tag));
  if (tag == "$int") {
    auto decimal = NormalizeInt(ReadString(file, body, tag));
    if (!decimal) Fail(file, body, decimal.error().message);
    return Value::Int(std::move(*decimal));
  }
  if (tag == "$float") {
    std::string text = ReadString(file, body, tag);
    if (text == "nan") return Value::Float(std::nan(""));
    if (text == "inf") return Value::Float(HUGE_VAL);
    if (text == "-inf") return Value::Float(-HUGE_VAL);
    Value plain = PlainScalar(file, body);
    if (plain.kind() == ValueKind::kFloat) return plain;
    if (plain.kind() == ValueKind::kInt) {
      double f = 0;
      std::from_chars(text.data() + (text[0] == '+'), text.data() + text.size(), f);
      if (std::isfinite(f)) return Value::Float(f);
    }
    Fail(file, body,
         "$float must be a number, \"nan\", \"inf\" or \"-inf\" (got " + Describe(body) + ")");
  }
  if (tag == "$bytes") {
    // The literal decoder of value.h holds the one strict base64 decoder.
    auto value = FromJsonLiteral(nlohmann::json{{"$bytes", ReadString(file, body, tag)}});
    if (!value) Fail(file, body, "$bytes must be base64 (" + value.error().message + ")");
    return *value;
  }
  Fail(file, tag_node,
       "unknown tag \"" + tag + "\" (expected one of " + kTagList +
           "; write a dict with such a key as {$dict: [[key, value]]})");
}

// `depth` counts the containers around `node`.
Value ReadValueAt(const YamlFile& file, const YAML::Node& node, int depth) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Value::None();
    case YAML::NodeType::Scalar:
      if (node.Tag() == "tag:yaml.org,2002:str" || IsQuoted(node)) return Value::Str(node.Scalar());
      if (node.Tag() != "?") Fail(file, node, "unsupported YAML tag \"" + node.Tag() + "\"");
      return PlainScalar(file, node);
    case YAML::NodeType::Sequence:
      CheckDepth(file, node, depth);
      return Value::List(ReadItems(file, node, depth, "list"));
    case YAML::NodeType::Map:
      break;
  }
  if (node.size() == 1) {
    auto it = node.begin();
    if (it->first.IsScalar() && !it->first.Scalar().empty() && it->first.Scalar()[0] == '$') {
      return ReadTagged(file, it->first.Scalar(), it->second, it->first, depth);
    }
  }
  CheckDepth(file, node, depth);
  Value::Entries entries;
  for (auto it = node.begin(); it != node.end(); ++it) {
    entries.emplace_back(ReadValueAt(file, it->first, depth + 1),
                         ReadValueAt(file, it->second, depth + 1));
  }
  return Value::Dict(std::move(entries));
}

}  // namespace

Value ReadValue(const YamlFile& file, const YAML::Node& node) { return ReadValueAt(file, node, 0); }

}  // namespace proctor::grader::task::yaml
