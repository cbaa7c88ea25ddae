// Cancelling runs from far away: a server marks a token when a client disconnects or a
// deadline passes, and every sandbox started on that token's behalf is killed promptly.
//
//   auto token = MakeCancelToken();
//   { CancelScope scope(token); grader.Grade(...); }   // on this thread: runs observe token
//   token->store(true);                                // from any thread: kill them
//
// Sandbox::AsyncRun picks up the current thread's scope, so code between the server and the
// sandbox (the grader, envs) needs no cancellation plumbing.
#pragma once

#include <atomic>
#include <memory>

namespace proctor::sandbox {

using CancelToken = std::shared_ptr<std::atomic<bool>>;

inline CancelToken MakeCancelToken() { return std::make_shared<std::atomic<bool>>(false); }

class CancelScope {
 public:
  explicit CancelScope(CancelToken token) : previous_(current_) { current_ = std::move(token); }
  ~CancelScope() { current_ = std::move(previous_); }
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;
  static const CancelToken& Current() { return current_; }

 private:
  CancelToken previous_;
  static inline thread_local CancelToken current_;
};

}  // namespace proctor::sandbox
