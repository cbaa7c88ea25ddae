#include "grader/importers/yaml_writer.h"

#include <yaml-cpp/yaml.h>

#include <cassert>
#include <cstdio>
#include <utility>

namespace proctor::grader::importers {
namespace {

bool ReadsBackAs(const std::string& document, std::string_view text) {
  try {
    YAML::Node node = YAML::Load(document);
    return node.IsMap() && node["k"].IsScalar() && node["k"].Scalar() == text;
  } catch (const YAML::Exception&) {
    return false;
  }
}

// A literal block for `text` whose content lines start at column `indent`, or "" when a
// single line has nothing to gain from one or the text cannot be one without an indentation
// indicator (its first line starts with a blank; those are rare enough to be quoted instead).
std::string LiteralBlock(std::string_view text, int indent) {
  if (text.find('\n') == std::string_view::npos) return "";
  if (text.find('\r') != std::string_view::npos) return "";
  size_t body_end = text.find_last_not_of('\n');
  if (body_end == std::string_view::npos) return "";  // only newlines
  size_t first = text.find_first_not_of('\n');
  if (text[first] == ' ' || text[first] == '\t') return "";
  // Chomping: "|" keeps one final newline, "|-" none, "|+" all of them.
  size_t trailing = text.size() - body_end - 1;
  std::string block = trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
  std::string pad(indent, ' ');
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty()) block.append(pad).append(line);
    block += '\n';
    start = end + 1;
  }
  return block;
}

}  // namespace

std::string QuoteYaml(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

void YamlWriter::KeyPrefix(std::string_view key) {
  std::string pad(indent_, ' ');
  if (pending_dash_) {
    pad.replace(pad.size() - 2, 2, "- ");
    pending_dash_ = false;
  }
  out_.append(pad).append(key).append(":");
}

void YamlWriter::String(std::string_view key, std::string_view text) {
  KeyPrefix(key);
  // The literal block is tried first and kept only if yaml-cpp reads it back unchanged, so
  // the corner cases of block scalars (tabs, odd Unicode line breaks, ...) need no rules here.
  std::string block = LiteralBlock(text, indent_ + 2);
  if (!block.empty()) {
    std::string probe = "k: " + LiteralBlock(text, 2);
    if (ReadsBackAs(probe, text)) {
      out_.append(" ").append(block);
      return;
    }
  }
  out_.append(" ").append(QuoteYaml(text)).append("\n");
}

void YamlWriter::Flow(std::string_view key, std::string_view flow) {
  KeyPrefix(key);
  out_.append(" ").append(flow).append("\n");
}

void YamlWriter::BeginMap(std::string_view key) {
  KeyPrefix(key);
  out_ += "\n";
  indent_ += 2;
  open_ += 'm';
}

void YamlWriter::BeginList(std::string_view key) {
  KeyPrefix(key);
  out_ += "\n";
  open_ += 'l';
}

void YamlWriter::BeginItem() {
  assert(!open_.empty() && open_.back() == 'l');
  indent_ += 4;
  pending_dash_ = true;
  open_ += 'i';
}

void YamlWriter::End() {
  assert(!open_.empty());
  char level = open_.back();
  open_.pop_back();
  if (level == 'm') indent_ -= 2;
  if (level == 'i') indent_ -= 4;
  pending_dash_ = false;
}

std::string YamlWriter::Take() {
  assert(open_.empty());
  std::string out = std::move(out_);
  out_.clear();
  indent_ = 0;
  return out;
}

}  // namespace proctor::grader::importers
