// The files `proctor grade` reads and writes, with errors that name the file and the
// system's reason: "cannot read nope.jsonl: No such file or directory".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace proctor::cli {

// The whole content of `path`; "-" is standard input. nullopt with *error ("cannot read
// PATH: <strerror>") when it cannot be opened or read (a folder: "Is a directory").
std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error);

// An output file, opened (created or truncated) before the work starts so that a bad path
// fails at once, then written in pieces. Every error is "cannot write PATH: <strerror>",
// including a full disk found at a write or at Close.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  bool Open(const std::string& path, std::string* error);
  // Standard output, named "standard output" in errors; not closed.
  void UseStdout();
  bool is_open() const { return fd_ >= 0; }
  // Buffers and writes (all of it, across short writes and EINTR).
  bool Write(std::string_view data, std::string* error);
  // Writes what is buffered; closes the file (not standard output).
  bool Close(std::string* error);

 private:
  bool Flush(std::string* error);
  std::string Fail(int errno_value) const;

  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
  std::string buffer_;
};

}  // namespace proctor::cli
