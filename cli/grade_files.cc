#include "cli/grade_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace proctor::cli {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

}  // namespace

std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error) {
  const bool is_stdin = path == "-";
  const std::string name = is_stdin ? "standard input" : path;
  const int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot read " + name + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::string content;
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      content.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    *error = "cannot read " + name + ": " + std::strerror(errno);
    if (!is_stdin) ::close(fd);
    return std::nullopt;
  }
  if (!is_stdin) ::close(fd);
  return content;
}

OutputFile::~OutputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

bool OutputFile::Open(const std::string& path, std::string* error) {
  name_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    *error = Fail(errno);
    return false;
  }
  owned_ = true;
  return true;
}

void OutputFile::UseStdout() {
  name_ = "standard output";
  fd_ = STDOUT_FILENO;
  owned_ = false;
}

std::string OutputFile::Fail(int errno_value) const {
  return "cannot write " + name_ + ": " + std::strerror(errno_value);
}

bool OutputFile::Write(std::string_view data, std::string* error) {
  buffer_.append(data);
  return buffer_.size() < kFlushBytes || Flush(error);
}

bool OutputFile::Flush(std::string* error) {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = Fail(errno);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return true;
}

bool OutputFile::Close(std::string* error) {
  if (fd_ < 0) return true;
  bool ok = Flush(error);
  if (owned_) {
    if (::close(fd_) != 0 && ok) {
      *error = Fail(errno);
      ok = false;
    }
    owned_ = false;
  }
  fd_ = -1;
  return ok;
}

}  // namespace proctor::cli
