#include "grader/importers/pickle_string.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <vector>

namespace proctor::grader::importers {
namespace {

constexpr size_t kMaxDecompressedBytes = size_t{1} << 30;  // the JSONL line cap

bool IsBase64Char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}

// Little-endian unsigned integer of `size` bytes at data[at].
uint64_t ReadLittleEndian(std::string_view data, size_t at, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= uint64_t{static_cast<unsigned char>(data[at + i])} << (8 * i);
  return value;
}

bool IsUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    int extra = lead < 0x80                  ? 0
                : lead >= 0xc2 && lead < 0xe0 ? 1
                : lead >= 0xe0 && lead < 0xf0 ? 2
                : lead >= 0xf0 && lead < 0xf5 ? 3
                                              : -1;
    if (extra < 0 || text.size() - i <= static_cast<size_t>(extra)) return false;
    uint32_t code = lead & (0x7f >> extra);
    for (int k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    static constexpr uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return false;
    i += extra + 1;
  }
  return true;
}

std::string Hex(unsigned char byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", byte);
  return buf;
}

// Names of the opcodes a hostile pickle would use, for the refusal message.
std::string OpcodeName(unsigned char op) {
  switch (op) {
    case 'c': return "GLOBAL";
    case 0x93: return "STACK_GLOBAL";
    case 'R': return "REDUCE";
    case 'b': return "BUILD";
    case 'i': return "INST";
    case 'o': return "OBJ";
    case 0x81: return "NEWOBJ";
    case 0x92: return "NEWOBJ_EX";
    case 0x82: return "EXT1";
    case 0x83: return "EXT2";
    case 0x84: return "EXT4";
    case 'P': return "PERSID";
    case 'Q': return "BINPERSID";
    case 'V': return "UNICODE (protocol 0)";
    case 'p': return "PUT (protocol 0)";
    case 'g': return "GET";
    case 'h': return "BINGET";
    case 'j': return "LONG_BINGET";
    case ']': return "EMPTY_LIST";
    case '}': return "EMPTY_DICT";
    case ')': return "EMPTY_TUPLE";
    case '(': return "MARK";
    case 'K': return "BININT1";
    case 'J': return "BININT";
    case 'N': return "NONE";
    case 'C': return "SHORT_BINBYTES";
    case 'B': return "BINBYTES";
    default: return "opcode " + Hex(op);
  }
}

}  // namespace

bool DecodeBase64(std::string_view text, std::string* out, std::string* error) {
  std::string compact;
  compact.reserve(text.size());
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (!IsBase64Char(c) && c != '=') {
      *error = "base64: character " + Hex(c) + " is not in the base64 alphabet";
      return false;
    }
    compact += ch;
  }
  if (compact.size() % 4 != 0) {
    *error = "base64: length " + std::to_string(compact.size()) + " is not a multiple of 4";
    return false;
  }
  size_t padding = 0;
  while (padding < 2 && padding < compact.size() && compact[compact.size() - 1 - padding] == '=')
    ++padding;
  if (compact.find('=') < compact.size() - padding) {
    *error = "base64: '=' before the end";
    return false;
  }
  out->assign(compact.size() / 4 * 3, '\0');
  // EVP_DecodeBlock decodes whole groups; padding comes out as zero bytes, dropped below.
  int written = compact.empty() ? 0
                                : EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out->data()),
                                                  reinterpret_cast<const unsigned char*>(
                                                      compact.data()),
                                                  static_cast<int>(compact.size()));
  if (written < 0 || static_cast<size_t>(written) != out->size()) {
    *error = "base64: not valid base64";
    return false;
  }
  out->resize(out->size() - padding);
  return true;
}

bool InflateZlib(std::string_view data, size_t max_bytes, std::string* out, std::string* error) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) {
    *error = "zlib: inflateInit failed";
    return false;
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  out->clear();
  std::vector<char> chunk(1 << 16);
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      *error = std::string("zlib: ") +
               (status == Z_BUF_ERROR ? "the stream ends early"
                                      : stream.msg ? stream.msg : "not a zlib stream");
      inflateEnd(&stream);
      return false;
    }
    out->append(chunk.data(), chunk.size() - stream.avail_out);
    if (out->size() > max_bytes) {
      *error = "zlib: inflates to more than " + std::to_string(max_bytes) + " bytes";
      inflateEnd(&stream);
      return false;
    }
  }
  bool trailing = stream.avail_in != 0;
  inflateEnd(&stream);
  if (trailing) {
    *error = "zlib: " + std::to_string(stream.avail_in) + " bytes after the end of the stream";
    return false;
  }
  return true;
}

bool UnpickleString(std::string_view data, std::string* out, std::string* error) {
  int strings = 0;  // pushed on the stack; exactly one may be left for STOP
  auto need = [&](size_t at, size_t size) {
    if (at + size <= data.size()) return true;
    *error = "pickle: truncated at offset " + std::to_string(at);
    return false;
  };
  for (size_t at = 0; at < data.size();) {
    unsigned char op = static_cast<unsigned char>(data[at]);
    size_t arg = at + 1;
    switch (op) {
      case 0x80:  // PROTO n
        if (!need(arg, 1)) return false;
        if (at != 0 || data[arg] < 1 || data[arg] > 5) {
          *error = "pickle: PROTO " + std::to_string(static_cast<unsigned char>(data[arg])) +
                   " at offset " + std::to_string(at) + " (expected protocol 1-5 first)";
          return false;
        }
        at = arg + 1;
        break;
      case 0x95:  // FRAME <8-byte length>: a hint for buffering, no content of its own
        if (!need(arg, 8)) return false;
        at = arg + 8;
        break;
      case 0x8c:    // SHORT_BINUNICODE <1-byte length> <utf-8>
      case 'X':     // BINUNICODE <4-byte length> <utf-8>
      case 0x8d: {  // BINUNICODE8 <8-byte length> <utf-8>
        size_t width = op == 0x8c ? 1 : op == 'X' ? 4 : 8;
        if (!need(arg, width)) return false;
        uint64_t size = ReadLittleEndian(data, arg, width);
        if (size > data.size() || !need(arg + width, static_cast<size_t>(size))) return false;
        ++strings;
        out->assign(data.substr(arg + width, static_cast<size_t>(size)));
        if (!IsUtf8(*out)) {
          *error = "pickle: the string at offset " + std::to_string(at) + " is not UTF-8";
          return false;
        }
        at = arg + width + static_cast<size_t>(size);
        break;
      }
      case 0x94:  // MEMOIZE: remembers the top of the stack; nothing reads the memo here
        at = arg;
        break;
      case 'q':  // BINPUT <1-byte index>
        if (!need(arg, 1)) return false;
        at = arg + 1;
        break;
      case 'r':  // LONG_BINPUT <4-byte index>
        if (!need(arg, 4)) return false;
        at = arg + 4;
        break;
      case '.':  // STOP
        if (strings != 1) {
          *error = "pickle: STOP at offset " + std::to_string(at) + " with " +
                   std::to_string(strings) + " strings pushed (expected exactly one)";
          return false;
        }
        if (arg != data.size()) {
          *error = "pickle: " + std::to_string(data.size() - arg) + " bytes after STOP";
          return false;
        }
        return true;
      default:
        *error = "pickle: refused " + OpcodeName(op) + " at offset " + std::to_string(at) +
                 " (only a pickled str is accepted; nothing is unpickled)";
        return false;
    }
  }
  *error = "pickle: no STOP (truncated)";
  return false;
}

bool DecodeLcbCompressed(std::string_view text, std::string* json, std::string* error) {
  std::string compressed, pickled;
  return DecodeBase64(text, &compressed, error) &&
         InflateZlib(compressed, kMaxDecompressedBytes, &pickled, error) &&
         UnpickleString(pickled, json, error);
}

}  // namespace proctor::grader::importers
