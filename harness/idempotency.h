// Idempotency keys for `grade` (docs/protocol.md, "Idempotency keys"): a retried request
// carrying the key of one already answered gets that answer again without grading; one whose
// key is being graded right now waits for that grading. Event-loop only (no locking).
//
// Bounded: at most `max_keys` answered keys holding at most `max_bytes` of answers (as JSON),
// each kept `ttl` after it was answered; whichever limit is reached first evicts the oldest.
// Keys still being graded are not counted (they are bounded by the queue) and never evicted.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/json_rpc.h"

namespace proctor::harness {

// A key is a string of 1 to kMaxIdempotencyKeyBytes bytes.
inline constexpr size_t kMaxIdempotencyKeyBytes = 200;

// The `idempotency_key` of `params`, nullopt when absent; throws -32602 (param
// "idempotency_key") when it is not a string of 1 to 200 bytes.
std::optional<std::string> ReadIdempotencyKey(const nlohmann::json& params);

// SHA-256 of `params` without the keys that may differ between a request and its retry
// (`idempotency_key`, `deadline_ms`, `stream`): two requests with one key must agree on it.
std::string IdempotencyParamsHash(const nlohmann::json& params);

// Errors that tell the client to retry (overloaded, deadline or cancelled, shutting down,
// ungradeable, Proctor's own failure): never kept, so a retry with the same key grades again.
bool IsRetryableError(int code);

class IdempotencyCache {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    size_t max_keys = 10000;
    size_t max_bytes = size_t{256} << 20;
    Clock::duration ttl = std::chrono::minutes(10);
  };
  // What a request was answered with: an error or a result.
  struct Answer {
    std::optional<RpcError> error;
    nlohmann::json result;
  };
  using Waiter = std::function<void(const Answer&)>;
  enum class Lookup {
    kNew,       // recorded as being graded: the caller grades, then calls Finish
    kReplay,    // answered before: `*replay` holds the answer
    kJoined,    // being graded now: `waiter` is called by Finish with its answer
    kConflict,  // the key was used with other params: nothing recorded
  };

  explicit IdempotencyCache(Limits limits) : limits_(limits) {}
  IdempotencyCache() : IdempotencyCache(Limits{}) {}

  Lookup Begin(const std::string& key, const std::string& params_hash, Clock::time_point now,
               Waiter waiter, Answer* replay);
  // The answer of a kNew key. Every joined waiter gets it; it is kept for replays when `keep`,
  // else the key is forgotten (the next request with it grades again).
  void Finish(const std::string& key, const Answer& answer, bool keep, Clock::time_point now);

  size_t answered() const { return order_.size(); }
  size_t answered_bytes() const { return bytes_; }
  size_t in_flight() const { return entries_.size() - order_.size(); }

 private:
  struct Entry {
    std::string params_hash;
    bool answered = false;                 // false while being graded
    // The kept answer. The result is kept serialized: a parsed nlohmann::json costs about 8x
    // its text (the soak measured 12.7 KiB of RSS per 1.6 KB answer), and `max_bytes` counts
    // the text, so only text keeps that limit honest. Parsed again for each replay.
    std::optional<RpcError> error;
    std::string result_text;
    std::vector<Waiter> waiters;           // requests that joined the grading
    Clock::time_point answered_at;
    size_t bytes = 0;                      // the answer's size as JSON
    std::list<std::string>::iterator at;   // in order_, once answered
  };
  void Evict(Clock::time_point now);

  Limits limits_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_;  // answered keys, oldest first
  size_t bytes_ = 0;               // of the answers in order_
};

}  // namespace proctor::harness
