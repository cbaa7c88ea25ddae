// The idempotency key cache (harness/idempotency.h) without sockets: replays, waits for a
// key in flight, conflicts, what is not kept, and its bounds.
#include "harness/idempotency.h"

#include <gtest/gtest.h>

namespace proctor::harness {
namespace {

using nlohmann::json;
using Cache = IdempotencyCache;
using Lookup = IdempotencyCache::Lookup;

const Cache::Clock::time_point kT0 = Cache::Clock::time_point() + std::chrono::hours(1);

Cache::Answer Result(json value) { return {std::nullopt, std::move(value)}; }
Cache::Answer Error(int code) { return {RpcError{code, "error " + std::to_string(code), {}}, nullptr}; }

TEST(IdempotencyCache, AnAnsweredKeyIsReplayedWithTheSameAnswer) {
  Cache cache;
  Cache::Answer replay;
  ASSERT_EQ(cache.Begin("k", "h", kT0, nullptr, &replay), Lookup::kNew);
  cache.Finish("k", Result({{"reward", 1.0}}), /*keep=*/true, kT0);
  ASSERT_EQ(cache.Begin("k", "h", kT0, nullptr, &replay), Lookup::kReplay);
  EXPECT_FALSE(replay.error);
  EXPECT_EQ(replay.result, json({{"reward", 1.0}}));
  EXPECT_EQ(cache.answered(), 1u);
  EXPECT_EQ(cache.in_flight(), 0u);
}

TEST(IdempotencyCache, RequestsForAKeyInFlightWaitForItsAnswer) {
  Cache cache;
  Cache::Answer unused;
  std::vector<json> answers;
  auto waiter = [&](const Cache::Answer& a) { answers.push_back(a.result); };
  ASSERT_EQ(cache.Begin("k", "h", kT0, waiter, &unused), Lookup::kNew);
  ASSERT_EQ(cache.Begin("k", "h", kT0, waiter, &unused), Lookup::kJoined);
  ASSERT_EQ(cache.Begin("k", "h", kT0, waiter, &unused), Lookup::kJoined);
  EXPECT_TRUE(answers.empty()) << "nobody is answered before the grading ends";
  EXPECT_EQ(cache.in_flight(), 1u);
  cache.Finish("k", Result(7), true, kT0);
  EXPECT_EQ(answers, std::vector<json>({7, 7})) << "each joined request once";
  cache.Finish("k", Result(8), true, kT0);  // a second Finish is ignored
  EXPECT_EQ(answers.size(), 2u);
}

TEST(IdempotencyCache, AKeyWithOtherParamsIsAConflictInFlightAndAfter) {
  Cache cache;
  Cache::Answer unused;
  ASSERT_EQ(cache.Begin("k", "h1", kT0, nullptr, &unused), Lookup::kNew);
  EXPECT_EQ(cache.Begin("k", "h2", kT0, nullptr, &unused), Lookup::kConflict);
  cache.Finish("k", Result(1), true, kT0);
  EXPECT_EQ(cache.Begin("k", "h2", kT0, nullptr, &unused), Lookup::kConflict);
  EXPECT_EQ(cache.Begin("k", "h1", kT0, nullptr, &unused), Lookup::kReplay);
}

TEST(IdempotencyCache, AnAnswerNotKeptIsGivenToWaitersThenForgotten) {
  Cache cache;
  Cache::Answer unused;
  std::optional<int> waiter_code;
  ASSERT_EQ(cache.Begin("k", "h", kT0, nullptr, &unused), Lookup::kNew);
  ASSERT_EQ(cache.Begin("k", "h", kT0,
                        [&](const Cache::Answer& a) { waiter_code = a.error->code; }, &unused),
            Lookup::kJoined);
  cache.Finish("k", Error(rpc_error::kOverloaded), /*keep=*/false, kT0);
  EXPECT_EQ(waiter_code, rpc_error::kOverloaded);
  EXPECT_EQ(cache.answered(), 0u);
  EXPECT_EQ(cache.Begin("k", "h", kT0, nullptr, &unused), Lookup::kNew) << "a retry grades again";
}

TEST(IdempotencyCache, TheOldestAnsweredKeysGoBeyondMaxKeys) {
  Cache cache({.max_keys = 2, .max_bytes = size_t{1} << 20, .ttl = std::chrono::minutes(10)});
  Cache::Answer unused;
  for (const char* k : {"a", "b", "c"}) {
    ASSERT_EQ(cache.Begin(k, "h", kT0, nullptr, &unused), Lookup::kNew);
    cache.Finish(k, Result(k), true, kT0);
  }
  EXPECT_EQ(cache.answered(), 2u);
  EXPECT_EQ(cache.Begin("b", "h", kT0, nullptr, &unused), Lookup::kReplay);
  EXPECT_EQ(cache.Begin("c", "h", kT0, nullptr, &unused), Lookup::kReplay);
  EXPECT_EQ(cache.Begin("a", "h", kT0, nullptr, &unused), Lookup::kNew);
}

TEST(IdempotencyCache, TheOldestAnsweredKeysGoBeyondMaxBytes) {
  Cache cache({.max_keys = 100, .max_bytes = 2500, .ttl = std::chrono::minutes(10)});
  Cache::Answer unused;
  for (const char* k : {"a", "b", "c"}) {
    ASSERT_EQ(cache.Begin(k, "h", kT0, nullptr, &unused), Lookup::kNew);
    cache.Finish(k, Result(std::string(1000, 'x')), true, kT0);
  }
  EXPECT_EQ(cache.answered(), 2u);
  EXPECT_LE(cache.answered_bytes(), 2500u);
  EXPECT_EQ(cache.Begin("a", "h", kT0, nullptr, &unused), Lookup::kNew);
  EXPECT_EQ(cache.Begin("c", "h", kT0, nullptr, &unused), Lookup::kReplay);
}

TEST(IdempotencyCache, AnswersExpireAfterTheirTtl) {
  Cache cache({.max_keys = 100, .max_bytes = size_t{1} << 20, .ttl = std::chrono::minutes(10)});
  Cache::Answer unused;
  ASSERT_EQ(cache.Begin("old", "h", kT0, nullptr, &unused), Lookup::kNew);
  cache.Finish("old", Result(1), true, kT0);
  ASSERT_EQ(cache.Begin("new", "h", kT0 + std::chrono::minutes(5), nullptr, &unused), Lookup::kNew);
  cache.Finish("new", Result(2), true, kT0 + std::chrono::minutes(5));
  const auto later = kT0 + std::chrono::minutes(10) + std::chrono::seconds(1);
  EXPECT_EQ(cache.Begin("new", "h", later, nullptr, &unused), Lookup::kReplay);
  EXPECT_EQ(cache.Begin("old", "h", later, nullptr, &unused), Lookup::kNew);
}

TEST(IdempotencyCache, KeysInFlightAreNeverEvicted) {
  Cache cache({.max_keys = 1, .max_bytes = size_t{1} << 20, .ttl = std::chrono::seconds(1)});
  Cache::Answer unused;
  ASSERT_EQ(cache.Begin("slow", "h", kT0, nullptr, &unused), Lookup::kNew);
  for (const char* k : {"x", "y"}) {
    ASSERT_EQ(cache.Begin(k, "h", kT0, nullptr, &unused), Lookup::kNew);
    cache.Finish(k, Result(k), true, kT0);
  }
  EXPECT_EQ(cache.Begin("slow", "h", kT0 + std::chrono::hours(1), [](const Cache::Answer&) {},
                        &unused),
            Lookup::kJoined);
}

TEST(IdempotencyKey, IsAStringOfOneTo200Bytes) {
  EXPECT_EQ(ReadIdempotencyKey(json::object()), std::nullopt);
  EXPECT_EQ(ReadIdempotencyKey({{"idempotency_key", "abc"}}), "abc");
  EXPECT_EQ(ReadIdempotencyKey({{"idempotency_key", std::string(200, 'k')}}),
            std::string(200, 'k'));
  for (const json& bad : {json(""), json(std::string(201, 'k')), json(7), json(nullptr)}) {
    try {
      ReadIdempotencyKey({{"idempotency_key", bad}});
      ADD_FAILURE() << "accepted " << bad.dump();
    } catch (const RpcError& e) {
      EXPECT_EQ(e.code, rpc_error::kInvalidParams);
      EXPECT_EQ(e.data["param"], "idempotency_key");
    }
  }
}

TEST(IdempotencyKey, TheParamsHashIgnoresOnlyWhatARetryMayChange) {
  const json p = {{"task_id", "T1"}, {"submissions", {{{"code", "a"}}}}};
  json retry = p;
  retry["idempotency_key"] = "k";
  retry["deadline_ms"] = 500;
  retry["stream"] = true;
  EXPECT_EQ(IdempotencyParamsHash(p), IdempotencyParamsHash(retry));
  json other = p;
  other["submissions"][0]["code"] = "b";
  EXPECT_NE(IdempotencyParamsHash(p), IdempotencyParamsHash(other));
  json other_pack = p;
  other_pack["pack"] = "basics";
  EXPECT_NE(IdempotencyParamsHash(p), IdempotencyParamsHash(other_pack));
  EXPECT_EQ(IdempotencyParamsHash(p).size(), 64u) << "SHA-256, not a 64-bit hash";
}

TEST(IdempotencyKey, ErrorsThatSayRetryAreNotKept) {
  for (int code : {rpc_error::kOverloaded, rpc_error::kDeadlineExceeded, rpc_error::kShuttingDown,
                   rpc_error::kUngradeable, rpc_error::kInternal})
    EXPECT_TRUE(IsRetryableError(code)) << code;
  EXPECT_FALSE(IsRetryableError(rpc_error::kInvalidParams));
}

}  // namespace
}  // namespace proctor::harness
