#include "harness/idempotency.h"

#include "grader/task/sha256.h"

namespace proctor::harness {
using nlohmann::json;

std::optional<std::string> ReadIdempotencyKey(const json& params) {
  if (!params.contains("idempotency_key")) return std::nullopt;
  const json& k = params["idempotency_key"];
  if (!k.is_string() || k.get_ref<const std::string&>().empty() ||
      k.get_ref<const std::string&>().size() > kMaxIdempotencyKeyBytes)
    throw RpcError{rpc_error::kInvalidParams,
                   "invalid params: \"idempotency_key\" must be a string of 1 to " +
                       std::to_string(kMaxIdempotencyKeyBytes) + " bytes",
                   {{"param", "idempotency_key"}}};
  return k.get<std::string>();
}

std::string IdempotencyParamsHash(const json& params) {
  json rest = params;
  for (const char* k : {"idempotency_key", "deadline_ms", "stream"}) rest.erase(k);
  // nlohmann's objects keep keys sorted: the dump is canonical.
  return grader::task::Sha256Hex(rest.dump(-1, ' ', false, json::error_handler_t::replace));
}

bool IsRetryableError(int code) {
  switch (code) {
    case rpc_error::kOverloaded:
    case rpc_error::kDeadlineExceeded:
    case rpc_error::kShuttingDown:
    case rpc_error::kUngradeable:
    case rpc_error::kInternal:
      return true;
    default:
      return false;
  }
}

IdempotencyCache::Lookup IdempotencyCache::Begin(const std::string& key,
                                                 const std::string& params_hash,
                                                 Clock::time_point now, Waiter waiter,
                                                 Answer* replay) {
  Evict(now);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    Entry entry;
    entry.params_hash = params_hash;
    entries_.emplace(key, std::move(entry));
    return Lookup::kNew;
  }
  Entry& e = it->second;
  if (e.params_hash != params_hash) return Lookup::kConflict;
  if (e.answered) {
    replay->error = e.error;
    replay->result = e.error ? json() : json::parse(e.result_text);
    return Lookup::kReplay;
  }
  e.waiters.push_back(std::move(waiter));
  return Lookup::kJoined;
}

void IdempotencyCache::Finish(const std::string& key, const Answer& answer, bool keep,
                              Clock::time_point now) {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.answered) return;  // not a key being graded
  std::vector<Waiter> waiters = std::move(it->second.waiters);
  if (keep) {
    Entry& e = it->second;
    e.waiters.clear();
    e.answered = true;
    e.error = answer.error;
    if (!answer.error)
      e.result_text = answer.result.dump(-1, ' ', false, json::error_handler_t::replace);
    e.answered_at = now;
    e.bytes = key.size() + (answer.error ? answer.error->message.size() +
                                               answer.error->data.dump().size()
                                         : e.result_text.size());
    bytes_ += e.bytes;
    it->second.at = order_.insert(order_.end(), key);
  } else {
    entries_.erase(it);
  }
  Evict(now);
  for (const Waiter& w : waiters) w(answer);
}

void IdempotencyCache::Evict(Clock::time_point now) {
  while (!order_.empty()) {
    auto it = entries_.find(order_.front());
    if (order_.size() <= limits_.max_keys && bytes_ <= limits_.max_bytes &&
        now - it->second.answered_at < limits_.ttl)
      break;
    bytes_ -= it->second.bytes;
    entries_.erase(it);
    order_.pop_front();
  }
}

}  // namespace proctor::harness
