#include "grader/importers/yaml_writer.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <utility>

namespace proctor::grader::importers {
namespace {

// The code point starting at text[*at] (advancing *at past it), or -1 for an invalid or
// overlong UTF-8 sequence.
long NextCodePoint(std::string_view text, size_t* at) {
  unsigned char lead = static_cast<unsigned char>(text[(*at)++]);
  if (lead < 0x80) return lead;
  int extra = lead >= 0xf0 && lead < 0xf5 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc2 ? 1 : -1;
  if (extra < 0 || lead >= 0xf5) return -1;
  long code = lead & (0x3f >> extra);
  for (int i = 0; i < extra; ++i) {
    if (*at >= text.size()) return -1;
    unsigned char next = static_cast<unsigned char>(text[(*at)++]);
    if ((next & 0xc0) != 0x80) return -1;
    code = (code << 6) | (next & 0x3f);
  }
  static constexpr long kMinimum[] = {0, 0x80, 0x800, 0x10000};
  if (code < kMinimum[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return -1;
  return code;
}

// Whether yaml-cpp's literal block (which it always writes with "|", clip chomping, the
// indentation detected from the first line) reads back as exactly `text`: one final
// newline, a first non-empty line that starts with a non-blank, a last line with a
// non-blank, and only printable characters, tabs and newlines (nothing a YAML reader could
// take for a line break, a byte-order mark or an escape).
bool LiteralHoldsExactly(std::string_view text) {
  if (text.size() < 2 || text.back() != '\n' || text[text.size() - 2] == '\n') return false;
  size_t first = text.find_first_not_of('\n');  // leading empty lines are fine
  if (text[first] == ' ' || text[first] == '\t') return false;
  size_t last_break = text.rfind('\n', text.size() - 2);
  std::string_view last_line =
      text.substr(last_break == std::string_view::npos ? 0 : last_break + 1);
  if (last_line.find_first_not_of(" \t\n") == std::string_view::npos) return false;
  for (size_t at = 0; at < text.size();) {
    long c = NextCodePoint(text, &at);
    if (c < 0) return false;
    if (c < 0x20 && c != '\t' && c != '\n') return false;
    if (c >= 0x7f && c <= 0x9f) return false;
    if (c == 0x2028 || c == 0x2029 || c == 0xfeff) return false;
  }
  return true;
}

bool IsPlainNull(const std::string& scalar) {
  return scalar.empty() || scalar == "~" || scalar == "null" || scalar == "Null" ||
         scalar == "NULL";
}

// Writes `node` (parsed from a Flow() text) so that it reads back with the same meaning.
void EmitFlowNode(YAML::Emitter& out, const YAML::Node& node, std::string_view flow) {
  auto refuse = [&](const std::string& why) {
    throw std::invalid_argument("YamlWriter::Flow: \"" + std::string(flow) + "\": " + why);
  };
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out << YAML::Null;
      return;
    case YAML::NodeType::Scalar: {
      const std::string& scalar = node.Scalar();
      if (node.Tag() == "!") {  // quoted in the text: a string whatever it looks like
        out << YAML::DoubleQuoted << scalar;
        return;
      }
      if (node.Tag() != "?") refuse("explicit tags are not supported");
      if (IsPlainNull(scalar)) {
        out << YAML::Null;
        return;
      }
      // A plain scalar must stay plain (quoting "12" would turn an int into a str).
      YAML::Emitter probe;
      probe << scalar;
      std::string_view written = probe.c_str();
      if (written.empty() || written[0] == '"' || written[0] == '\'')
        refuse("plain scalar \"" + scalar + "\" cannot be written plain");
      out << scalar;
      return;
    }
    case YAML::NodeType::Sequence:
      out << YAML::Flow << YAML::BeginSeq;
      for (const YAML::Node& item : node) EmitFlowNode(out, item, flow);
      out << YAML::EndSeq;
      return;
    case YAML::NodeType::Map:
      out << YAML::Flow << YAML::BeginMap;
      for (const auto& entry : node) {
        out << YAML::Key;
        EmitFlowNode(out, entry.first, flow);
        out << YAML::Value;
        EmitFlowNode(out, entry.second, flow);
      }
      out << YAML::EndMap;
      return;
  }
}

}  // namespace

std::string QuoteYaml(std::string_view text) {
  YAML::Emitter out;
  out << YAML::DoubleQuoted << std::string(text);
  return out.c_str();
}

YamlWriter::YamlWriter() : out_(std::make_unique<YAML::Emitter>()) {}
YamlWriter::~YamlWriter() = default;

void YamlWriter::Key(std::string_view key) {
  if (!started_) {
    *out_ << YAML::BeginMap;
    started_ = true;
  }
  *out_ << YAML::Key << std::string(key) << YAML::Value;
}

void YamlWriter::String(std::string_view key, std::string_view text) {
  Key(key);
  *out_ << (LiteralHoldsExactly(text) ? YAML::Literal : YAML::DoubleQuoted) << std::string(text);
}

void YamlWriter::Flow(std::string_view key, std::string_view flow) {
  YAML::Node node;
  try {
    node = YAML::Load(std::string(flow));
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument("YamlWriter::Flow: \"" + std::string(flow) +
                                "\" is not a YAML value: " + e.what());
  }
  Key(key);
  EmitFlowNode(*out_, node, flow);
}

void YamlWriter::BeginMap(std::string_view key) {
  Key(key);
  *out_ << YAML::BeginMap;
  open_ += 'm';
}

void YamlWriter::BeginList(std::string_view key) {
  Key(key);
  *out_ << YAML::BeginSeq;
  open_ += 'l';
}

void YamlWriter::BeginItem() {
  if (open_.empty() || open_.back() != 'l')
    throw std::logic_error("YamlWriter::BeginItem outside a list");
  *out_ << YAML::BeginMap;
  open_ += 'i';
}

void YamlWriter::End() {
  if (open_.empty()) throw std::logic_error("YamlWriter::End without an open level");
  char level = open_.back();
  open_.pop_back();
  *out_ << (level == 'l' ? YAML::EndSeq : YAML::EndMap);
}

std::string YamlWriter::Take() {
  if (!open_.empty()) throw std::logic_error("YamlWriter::Take with open levels");
  std::string text;
  if (started_) {
    *out_ << YAML::EndMap;
    if (!out_->good()) throw std::logic_error("YamlWriter: " + out_->GetLastError());
    text = out_->c_str();
    if (text.empty() || text.back() != '\n') text += '\n';
  }
  out_ = std::make_unique<YAML::Emitter>();
  started_ = false;
  return text;
}

}  // namespace proctor::grader::importers
