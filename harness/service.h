// The request handler: turns JSON-RPC requests into responses. It owns the packs, the graders,
// the env sessions and the metrics, and hands every piece of sandbox work to the Scheduler.
// It never touches a socket: a connection passes callbacks, and Service calls them on the
// event loop's executor (so a connection needs no locking).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "envs/env.h"
#include "grader/grading/grader.h"
#include "harness/config.h"
#include "harness/idempotency.h"
#include "harness/json_rpc.h"
#include "harness/metrics.h"
#include "harness/scheduler.h"
#include "sandbox/sandbox.h"

namespace proctor::harness {

struct KeyedGrading;

// What the service knows of one client connection (lives on the event loop).
struct ClientState {
  uint64_t id = 0;
  bool open = true;
  std::set<sandbox::CancelToken> in_flight;  // cancelled when the client goes away
  // Gradings shared through an idempotency key that this client waits for.
  std::vector<std::weak_ptr<KeyedGrading>> waiting_for;
};

// A grading that the requests carrying one idempotency key share. It runs under `owner`, not
// under the client that started it, and is cancelled only when every client waiting for it
// has gone (a retry on a new connection keeps it alive when the first connection closes).
struct KeyedGrading {
  std::shared_ptr<ClientState> owner;
  size_t waiting = 0;  // open clients waiting for its answer
  bool finished = false;
};

class Service {
 public:
  using Send = std::function<void(nlohmann::json)>;  // called on the event loop

  Service(const ServerConfig& config, boost::asio::any_io_executor executor,
          sandbox::Sandbox& sandbox, std::vector<std::unique_ptr<grader::task::Pack>> packs);
  ~Service();

  // Handles one request. `reply` is called exactly once unless the request is a notification;
  // `notify` may be called before it (streaming results).
  void Handle(Request request, std::shared_ptr<ClientState> client, Transport transport,
              Send reply, Send notify);
  // The client is gone: cancel everything it started.
  void ClientClosed(const std::shared_ptr<ClientState>& client);

  // SIGTERM: refuse new work, let in-flight work finish (bounded by the config).
  void BeginShutdown() { shutting_down_ = true; }
  void DrainWork() { scheduler_.Drain(); }

  // Counts one answered request (`method` as the client named it: names that are not methods
  // of this server are counted as "(unknown)").
  void CountRequest(const std::string& method, Transport transport,
                    std::chrono::steady_clock::time_point start, int error_code);
  nlohmann::json Stats() const;
  std::string PrometheusText() const;
  nlohmann::json Health() const;
  size_t connections = 0;  // maintained by the server

  using Done = std::function<void(const RpcError*, nlohmann::json)>;
  // Runs `grade` params (shared with HTTP POST /v1/grade). Throws RpcError for bad params
  // and a full queue; otherwise `done` is called once on the event loop.
  void Grade(const nlohmann::json& params, std::shared_ptr<ClientState> client, Done done,
             Send notify_result);
  // POST /v1/openrlhf/reward: OpenRLHF's remote reward model (docs/protocol.md). Same
  // contract as Grade; a sample Proctor could not grade fails the request (kUngradeable).
  void OpenRlhfReward(const nlohmann::json& body, std::shared_ptr<ClientState> client,
                      Done done);
  // `tasks.list` and `envs.list` (shared with GET /v1/tasks and GET /v1/envs).
  nlohmann::json ListTasks(const nlohmann::json& params) const;
  nlohmann::json ListEnvs() const;

 private:
  struct Session {
    std::unique_ptr<envs::Env> env;
    std::string env_id;
    nlohmann::json options;  // as given to env.make
    bool pack_given = false; // env.make named a pack: reset never moves to another
    std::string pack;        // the pack the env draws from
    bool busy = false;  // a reset/step is running (event-loop only)
    std::chrono::steady_clock::time_point last_used;
  };

  nlohmann::json Dispatch(const Request& r, const std::shared_ptr<ClientState>& client,
                          const Send& reply, const Send& notify, bool* async);
  void RunSessionCall(const Request& r, const std::shared_ptr<ClientState>& client,
                      Send reply, bool is_reset);
  // Submits one job and arranges deadline handling; `work` runs on a worker and returns the
  // result (or throws RpcError/EnvError); `reply` gets the response on the event loop.
  void SubmitWork(const Request& r, const std::shared_ptr<ClientState>& client,
                  std::function<nlohmann::json()> work, Send reply);
  // A timer that sets `token` and calls `expired` when params.deadline_ms passes; null when
  // the request has no deadline. Throws RpcError for a bad deadline.
  std::unique_ptr<boost::asio::steady_timer> ArmDeadline(const nlohmann::json& params,
                                                         const sandbox::CancelToken& token,
                                                         std::function<void()> expired);
  // One submission of a task, ready to grade.
  struct GradeItem {
    const grader::task::Pack* pack;
    const grader::task::Task* task;
    grader::Submission submission;
  };
  using ReportsDone =
      std::function<void(const RpcError*, std::vector<grader::SubmissionReport>*)>;
  // Grades every item (identical ones once) as one unit of work: all queued or none, one
  // deadline (params.deadline_ms), cancelled with the client. `on_result` sees each item's
  // report as it finishes; `done` gets them all in item order.
  void RunGradings(std::vector<GradeItem> items, const nlohmann::json& params,
                   const std::shared_ptr<ClientState>& client, ReportsDone done,
                   std::function<void(size_t, const grader::SubmissionReport&)> on_result);
  // For `grade` params (or an OpenRLHF body) with an `idempotency_key`: answers the request
  // from the cache, or makes it wait for the grading of its key in flight (returns true:
  // `*done` will be called, nothing else to do); or records the key as new (returns false):
  // then `*done` is wrapped to keep the answer for the key, the grading must run under
  // `*grading_client`, and `*failed_to_start` must be called with the error if it cannot be
  // started. Without a key returns false and leaves `*grading_client` as `client`. Throws
  // -32602 for a bad key or a key used before with other params.
  bool BeginKeyed(const nlohmann::json& params, const std::shared_ptr<ClientState>& client,
                  Done* done, std::shared_ptr<ClientState>* grading_client,
                  std::function<void(const RpcError&)>* failed_to_start);
  const grader::task::Pack* FindPack(const std::string& name, const std::string& param) const;
  // The task `task_id` of the pack named by `pack` (a string), or, when `pack` is null, of
  // the one loaded pack that has it. Errors (-32602) name `param` and, for an ambiguous id,
  // the packs that have it.
  std::pair<const grader::task::Pack*, const grader::task::Task*> ResolveTask(
      const nlohmann::json& pack, const std::string& task_id, const std::string& param) const;
  void ReapIdleSessions();
  Gauges CurrentGauges() const;
  grader::SubmissionReport GradeOne(const grader::task::Pack& pack, const grader::task::Task& task,
                                    const grader::Submission& s);

  ServerConfig config_;
  boost::asio::any_io_executor executor_;
  sandbox::Sandbox& sandbox_;
  std::vector<std::unique_ptr<grader::task::Pack>> packs_;
  std::map<const grader::task::Pack*, std::unique_ptr<grader::Grader>> graders_;
  envs::EnvContext env_context_;
  Metrics metrics_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;  // event loop only
  uint64_t next_session_ = 0;
  boost::asio::steady_timer reaper_;
  bool shutting_down_ = false;
  IdempotencyCache idempotency_;                                          // event loop only
  std::map<std::string, std::shared_ptr<KeyedGrading>> keyed_gradings_;  // by key, in flight
  // Last member: destroyed first, so its workers stop before anything they use goes away.
  Scheduler scheduler_;
};

}  // namespace proctor::harness
