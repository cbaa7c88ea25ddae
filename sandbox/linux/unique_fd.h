// A file descriptor with one owner: closed when the owner goes, unless released. Move-only,
// no allocation. For the parent-side launch code; code between fork and exec and a warm
// slot's init close their descriptors by number instead (they share or copy this process'
// memory, and a destructor there would run in the wrong process).
#pragma once

#include <unistd.h>

#include <utility>

namespace proctor::sandbox::linux {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives up ownership: the caller closes the descriptor now.
  [[nodiscard]] int release() { return std::exchange(fd_, -1); }

  // Closes the descriptor held (if any) and holds `fd` instead.
  void reset(int fd = -1) {
    if (fd_ >= 0 && fd_ != fd) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Both ends of a pipe2(): read end [0], write end [1]. False (errno set) if pipe2 failed.
inline bool MakePipe(int flags, UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (::pipe2(fds, flags) != 0) return false;
  read_end->reset(fds[0]);
  write_end->reset(fds[1]);
  return true;
}

}  // namespace proctor::sandbox::linux
