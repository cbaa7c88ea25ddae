#include "sandbox/zygote/control_channel.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace proctor::sandbox::zygote {

int SendMessage(int socket, const std::string& data, const std::vector<int>& fds) {
  if (fds.size() > kMaxFds || data.size() > kMaxMessageBytes) return E2BIG;
  iovec iov = {const_cast<char*>(data.data()), data.size()};
  msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
  if (!fds.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  for (;;) {
    ssize_t n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
    if (n >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

int ReceiveMessage(int socket, std::string* data, std::vector<int>* fds) {
  // One buffer for the process's life, never cleared whole: in the zygote every page written
  // between two forks is a copy-on-write fault later.
  static std::vector<char> buffer(kMaxMessageBytes);
  iovec iov = {buffer.data(), buffer.size()};
  msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<char> control(CMSG_SPACE(sizeof(int) * kMaxFds));
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n;
  do {
    n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno;
  fds->clear();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const int* p = reinterpret_cast<const int*>(CMSG_DATA(c));
    fds->insert(fds->end(), p, p + count);
  }
  if (n == 0 && fds->empty()) return -1;
  data->assign(buffer.data(), static_cast<size_t>(n));
  std::fill(buffer.begin(), buffer.begin() + n, '\0');
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
    for (int fd : *fds) ::close(fd);
    fds->clear();
    return EMSGSIZE;
  }
  return 0;
}

}  // namespace proctor::sandbox::zygote
