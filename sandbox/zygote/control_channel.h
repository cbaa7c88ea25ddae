// The control channel between the supervisor and proctor-zygote: a SOCK_SEQPACKET socket pair
// (zygote fd 3), one message per datagram, descriptors travelling with SCM_RIGHTS.
//
//   zygote -> supervisor  "R"                      ready (interpreter started, filter built)
//                         "E<message>"             start-up failed
//   supervisor -> zygote  "S<request header CBOR>" + fds: start a run (order in StartFds)
//                         "K<run id>"              kill that run now (output cap, cancel)
// A run's reply (KeeperReply JSON) goes to its own reply pipe, not to this channel.
#pragma once

#include <string>
#include <vector>

namespace proctor::sandbox::zygote {

inline constexpr int kControlFd = 3;
inline constexpr size_t kMaxMessageBytes = 256 * 1024;
inline constexpr size_t kMaxFds = 200;

// Descriptors of a start message, in this order; then the outputs, then the passed fds.
enum StartFds { kRequestMemfd, kStdin, kStdout, kStderr, kReply, kFixedFdCount };

// Sends one message; returns 0 or an errno (EPIPE: the peer is gone).
int SendMessage(int socket, const std::string& data, const std::vector<int>& fds);
// Receives one message; returns 0, -1 at end of stream, or an errno. Received fds are
// close-on-exec.
int ReceiveMessage(int socket, std::string* data, std::vector<int>* fds);

}  // namespace proctor::sandbox::zygote
