#include "grader/task/yaml_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

namespace proctor::grader::task::yaml {
namespace {


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
Value ReadRichTagged(const YamlFile& file, const std::string& tag, const YAML::Node& body,
                     const YAML::Node& tag_node, int depth);

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
  return ReadRichTagged(file, tag, body, tag_node, depth);
}

// Entries of $counter, $ordereddict, $defaultdict: a mapping, or a list of [key, value].
Value::Entries ReadEntries(const YamlFile& file, const YAML::Node& body, int depth,
                           std::string_view tag) {
  Value::Entries entries;
  if (body.IsMap()) {
    for (auto it = body.begin(); it != body.end(); ++it) {
      entries.emplace_back(ReadValueAt(file, it->first, depth + 1),
                           ReadValueAt(file, it->second, depth + 1));
    }
    return entries;
  }
  if (!body.IsSequence()) {
    Fail(file, body, std::string(tag) + " must be a mapping or a list of [key, value] pairs (got " +
                         Describe(body) + ")");
  }
  for (const YAML::Node& pair : body) {
    if (!pair.IsSequence() || pair.size() != 2) {
      Fail(file, pair, std::string(tag) + " items must be [key, value] pairs (got " +
                           Describe(pair) + ")");
    }
    entries.emplace_back(ReadValueAt(file, pair[0], depth + 1),
                         ReadValueAt(file, pair[1], depth + 1));
  }
  return entries;
}

Value Checked(const YamlFile& file, const YAML::Node& node, WireResult<Value> value) {
  if (!value) Fail(file, node, value.error().message);
  return std::move(*value);
}

// A mapping body with the keys `required` and maybe `optional`; returns them by name.
std::map<std::string, YAML::Node> ReadFields(const YamlFile& file, const YAML::Node& body,
                                             std::string_view tag,
                                             std::initializer_list<std::string_view> required,
                                             std::initializer_list<std::string_view> optional) {
  std::string usage = std::string(tag) + " takes a mapping with ";
  for (std::string_view k : required) usage += std::string(k) + ", ";
  for (std::string_view k : optional) usage += "optional " + std::string(k) + ", ";
  usage.resize(usage.size() - 2);
  if (!body.IsMap()) Fail(file, body, usage + " (got " + Describe(body) + ")");
  std::map<std::string, YAML::Node> fields;
  for (auto it = body.begin(); it != body.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    bool known = std::find(required.begin(), required.end(), key) != required.end() ||
                 std::find(optional.begin(), optional.end(), key) != optional.end();
    if (!known) Fail(file, it->first, "unknown key \"" + key + "\": " + usage);
    fields[key] = it->second;
  }
  for (std::string_view k : required) {
    if (!fields.count(std::string(k))) Fail(file, body, usage + " (" + std::string(k) + " missing)");
  }
  return fields;
}

double ReadFloatPart(const YamlFile& file, const YAML::Node& node) {
  Value v = ReadValueAt(file, node, 0);
  if (v.kind() == ValueKind::kFloat) return v.float_value();
  if (v.kind() == ValueKind::kInt) {
    double f = 0;
    const std::string& d = v.int_decimal();
    std::from_chars(d.data(), d.data() + d.size(), f);
    if (std::isfinite(f)) return f;
  }
  if (v.kind() == ValueKind::kStr) {
    if (v.str() == "nan") return std::nan("");
    if (v.str() == "inf") return HUGE_VAL;
    if (v.str() == "-inf") return -HUGE_VAL;
  }
  Fail(file, node, "a complex part must be a number, nan, inf or -inf (got " + Describe(node) + ")");
}

Value ReadRichTagged(const YamlFile& file, const std::string& tag, const YAML::Node& body,
                     const YAML::Node& tag_node, int depth) {
  const bool container = tag == "$frozenset" || tag == "$counter" || tag == "$ordereddict" ||
                         tag == "$defaultdict" || tag == "$deque" || tag == "$namedtuple" ||
                         tag == "$dataclass";
  if (container) CheckDepth(file, tag_node, depth);
  if (tag == "$frozenset") return Value::FrozenSet(ReadItems(file, body, depth, tag));
  if (tag == "$counter") return Value::Counter(ReadEntries(file, body, depth, tag));
  if (tag == "$ordereddict") return Value::OrderedDict(ReadEntries(file, body, depth, tag));
  if (tag == "$defaultdict") {
    auto f = ReadFields(file, body, tag, {"items"}, {"factory"});
    std::string factory;
    if (f.count("factory") && !f["factory"].IsNull()) factory = ReadString(file, f["factory"], "factory");
    return Checked(file, f.count("factory") ? f["factory"] : body,
                   Value::DefaultDict(factory, ReadEntries(file, f["items"], depth, tag)));
  }
  if (tag == "$deque") {
    if (body.IsSequence()) return Value::Deque(ReadItems(file, body, depth, tag));
    auto f = ReadFields(file, body, tag, {"items"}, {"maxlen"});
    std::optional<int64_t> maxlen;
    if (f.count("maxlen") && !f["maxlen"].IsNull()) {
      Value n = ReadValueAt(file, f["maxlen"], 0);
      int64_t m = -1;
      if (n.kind() == ValueKind::kInt) {
        const std::string& d = n.int_decimal();
        std::from_chars(d.data(), d.data() + d.size(), m);
      }
      if (m < 0) Fail(file, f["maxlen"], "maxlen must be an integer >= 0 or null");
      maxlen = m;
    }
    Value::Items items = ReadItems(file, f["items"], depth, "items");
    if (maxlen && static_cast<int64_t>(items.size()) > *maxlen) {
      Fail(file, body, "$deque holds more items than its maxlen");
    }
    return Value::Deque(std::move(items), maxlen);
  }
  if (tag == "$namedtuple" || tag == "$dataclass") {
    auto f = tag == "$namedtuple"
                 ? ReadFields(file, body, tag, {"name", "fields", "values"}, {})
                 : ReadFields(file, body, tag, {"name", "fields", "values"}, {"frozen", "order"});
    std::vector<std::string> fields;
    for (const YAML::Node& name : RequireList(file, f["fields"], "fields")) {
      fields.push_back(ReadString(file, name, "fields"));
    }
    std::string name = ReadString(file, f["name"], "name");
    Value::Items values = ReadItems(file, f["values"], depth, "values");
    if (tag == "$namedtuple") {
      return Checked(file, body, Value::NamedTuple(name, std::move(fields), std::move(values)));
    }
    auto flag = [&](const char* key) {
      if (!f.count(key)) return false;
      Value v = ReadValueAt(file, f[key], 0);
      if (v.kind() != ValueKind::kBool) Fail(file, f[key], std::string(key) + " must be a bool");
      return v.bool_value();
    };
    bool frozen = flag("frozen"), order = flag("order");
    return Checked(file, body,
                   Value::Dataclass(name, std::move(fields), std::move(values), frozen, order));
  }
  if (tag == "$complex") {
    if (!body.IsSequence() || body.size() != 2) {
      Fail(file, body, "$complex must be [real, imag] (got " + Describe(body) + ")");
    }
    return Value::Complex(ReadFloatPart(file, body[0]), ReadFloatPart(file, body[1]));
  }
  if (tag == "$fraction" || tag == "$decimal" || tag == "$type" || tag == "$bytearray") {
    // The scalar's own text: {$decimal: 1.10} keeps its trailing zero.
    if (!body.IsScalar()) Fail(file, body, tag + " must be a scalar (got " + Describe(body) + ")");
    const std::string& text = body.Scalar();
    if (tag == "$fraction") return Checked(file, body, ParseFraction(text));
    if (tag == "$decimal") return Checked(file, body, Value::Decimal(text));
    if (tag == "$type") return Checked(file, body, Value::Type(text));
    auto value = FromJsonLiteral(nlohmann::json{{"$bytearray", text}});
    if (!value) Fail(file, body, "$bytearray must be base64 (" + value.error().message + ")");
    return *value;
  }
  Fail(file, tag_node,
       "unknown tag \"" + tag + "\" (expected one of " + kLiteralTags +
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
