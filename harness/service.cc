#include "harness/service.h"

#include <set>

#include <boost/asio/post.hpp>

#include "envs/registry.h"
#include "grader/grading/submission_json.h"

namespace proctor::harness {
namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr size_t kMaxGroup = 1024;  // submissions in one grade request

RpcError InvalidParams(const std::string& param, const std::string& message) {
  return {rpc_error::kInvalidParams, "invalid params: " + message, {{"param", param}}};
}

std::string RequireString(const json& params, const std::string& key) {
  if (!params.contains(key) || !params[key].is_string())
    throw InvalidParams(key, "\"" + key + "\" must be a string");
  return params[key];
}

// Rejects keys of a params object that are not in `known`, naming the key (as unknown
// submission keys are).
void RejectUnknownKeys(const json& params, const std::vector<std::string>& known,
                       const std::string& what) {
  for (const auto& [key, _] : params.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    throw InvalidParams(key, what + ": unknown key \"" + key + "\" (expected " + list + ")");
  }
}


// A layer's name as `proctor doctor` prints it. Written for both forms of sandbox/layers.h
// (a `name` string, or a `Layer` enum with LayerName()) while sandbox/ moves to the enum.
template <typename State>
std::string LayerLabel(const State& l) {
  if constexpr (requires { l.name; })
    return l.name;
  else
    return LayerName(l.layer);  // found by argument-dependent lookup in proctor::sandbox
}

// Methods of this server (the closed set of `method` labels); others count as "(unknown)".
const std::set<std::string>& Methods() {
  static const std::set<std::string> kMethods = {
      "health",   "stats",     "envs.list", "env.make",   "env.reset",       "env.step",
      "env.close", "grade",    "tasks.list", "metrics",   "openrlhf.reward"};
  return kMethods;
}

json StepJson(const envs::StepResult& r) {
  return {{"observation", r.observation},
          {"reward", r.reward ? json(*r.reward) : json(nullptr)},
          {"terminated", r.terminated},
          {"truncated", r.truncated},
          {"info", r.info}};
}

}  // namespace

Service::Service(const ServerConfig& config, asio::any_io_executor executor,
                 sandbox::Sandbox& sandbox, std::vector<std::unique_ptr<grader::task::Pack>> packs)
    : config_(config),
      executor_(executor),
      sandbox_(sandbox),
      packs_(std::move(packs)),
      reaper_(executor),
      scheduler_(config.workers, config.queue_limit) {
  for (const auto& p : packs_) {
    graders_[p.get()] = std::make_unique<grader::Grader>(sandbox_, *p, grader::GraderConfig{});
    env_context_.packs.push_back(p.get());
  }
  env_context_.grade = [this](const grader::task::Pack& pack, const grader::task::Task& task,
                              const grader::Submission& s) { return GradeOne(pack, task, s); };
  ReapIdleSessions();
}

Service::~Service() { reaper_.cancel(); }

grader::SubmissionReport Service::GradeOne(const grader::task::Pack& pack,
                                           const grader::task::Task& task,
                                           const grader::Submission& s) {
  auto start = std::chrono::steady_clock::now();
  grader::SubmissionReport report;
  try {
    report = graders_.at(&pack)->Grade(task, s);
  } catch (const std::exception& e) {
    // Proctor's own failure mid-grading (e.g. no descriptor left for an event loop: EMFILE,
    // tests/faults/descriptors_test.cc): this submission is ungradeable; the worker thread, and
    // the server, live on.
    report = grader::SubmissionReport{};
    report.task_id = task.id;
    report.language = s.language;
    report.ungradeable_reason = std::string("Proctor failed while grading: ") + e.what();
  }
  metrics_.CountGrading(
      report, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return report;
}

void Service::ReapIdleSessions() {
  const auto idle = std::chrono::duration<double>(config_.idle_timeout_seconds);
  const auto now = std::chrono::steady_clock::now();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (!it->second->busy && now - it->second->last_used > idle)
      it = sessions_.erase(it);
    else
      ++it;
  }
  reaper_.expires_after(std::chrono::milliseconds(
      std::max<int64_t>(100, static_cast<int64_t>(config_.idle_timeout_seconds * 100))));
  reaper_.async_wait([this](boost::system::error_code ec) {
    if (!ec) ReapIdleSessions();
  });
}

json Service::Health() const {
  json layers = json::object();
  for (const auto& l : sandbox_.host_layers().layers) layers[LayerLabel(l)] = l.active;
  return {{"status", shutting_down_ ? "shutting_down" : "ok"},
          {"version", PROCTOR_VERSION},
          {"layers", layers}};
}

json Service::Stats() const { return metrics_.ToJson(CurrentGauges()); }

std::string Service::PrometheusText() const { return metrics_.ToPrometheus(CurrentGauges()); }

Gauges Service::CurrentGauges() const {
  return {.queue_depth = scheduler_.queued(),
          .in_flight = scheduler_.running(),
          .sessions = sessions_.size(),
          .connections = connections,
          .workers = scheduler_.workers(),
          .queue_limit = scheduler_.queue_limit(),
          .warm_slots = sandbox_.warm_slots()};
}

void Service::CountRequest(const std::string& method, Transport transport,
                           std::chrono::steady_clock::time_point start, int error_code) {
  metrics_.CountRequest(
      Methods().count(method) ? method : "(unknown)", transport,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
      error_code);
}

const grader::task::Pack* Service::FindPack(const std::string& name,
                                            const std::string& param) const {
  for (const auto& p : packs_)
    if (p->name == name) return p.get();
  std::string names;
  for (const auto& p : packs_) names += (names.empty() ? "" : ", ") + p->name;
  throw InvalidParams(param, "unknown pack \"" + name + "\" (served: " + names + ")");
}

std::pair<const grader::task::Pack*, const grader::task::Task*> Service::ResolveTask(
    const json& pack, const std::string& task_id, const std::string& param) const {
  if (!pack.is_null()) {
    if (!pack.is_string()) throw InvalidParams("pack", "\"pack\" must be a string");
    const grader::task::Pack* p = FindPack(pack, "pack");
    const grader::task::Task* task = graders_.at(p)->FindTask(task_id);
    if (task == nullptr)
      throw InvalidParams(param, "unknown task \"" + task_id + "\" in pack " + p->name);
    return {p, task};
  }
  std::pair<const grader::task::Pack*, const grader::task::Task*> found{nullptr, nullptr};
  json having = json::array();
  for (const auto& p : packs_) {
    if (const grader::task::Task* task = graders_.at(p.get())->FindTask(task_id)) {
      found = {p.get(), task};
      having.push_back(p->name);
    }
  }
  if (having.size() == 1) return found;
  std::string names;
  if (having.empty()) {
    for (const auto& p : packs_) names += (names.empty() ? "" : ", ") + p->name;
    throw InvalidParams(param, "unknown task \"" + task_id + "\" (in none of the packs " +
                                   names + ")");
  }
  for (const json& n : having) names += (names.empty() ? "" : ", ") + n.get<std::string>();
  throw RpcError{rpc_error::kInvalidParams,
                 "invalid params: task \"" + task_id + "\" is in several packs (" + names +
                     "): say which with \"pack\"",
                 {{"param", param}, {"packs", having}}};
}

json Service::ListEnvs() const {
  json out = json::array();
  for (const envs::EnvSpec& spec : envs::RegisteredEnvs()) {
    if (!config_.envs.empty() &&
        std::find(config_.envs.begin(), config_.envs.end(), spec.id) == config_.envs.end())
      continue;
    out.push_back({{"id", spec.id}, {"description", spec.description},
                   {"options", spec.default_options}});
  }
  return {{"envs", out}};
}

json Service::ListTasks(const json& p) const {
  RejectUnknownKeys(p, {"pack"}, "tasks.list");
  const grader::task::Pack* only = nullptr;
  if (p.contains("pack")) {
    if (!p["pack"].is_string()) throw InvalidParams("pack", "\"pack\" must be a string");
    only = FindPack(p["pack"], "pack");
  }
  json out = json::array();
  for (const auto& pack : packs_) {
    if (only != nullptr && only != pack.get()) continue;
    for (const auto& t : pack->tasks) {
      json languages = json::array();
      for (auto l : t.languages) languages.push_back(grader::task::LanguageName(l));
      out.push_back({{"pack", pack->name}, {"task_id", t.id}, {"title", t.title},
                     {"languages", languages}});
    }
  }
  return {{"tasks", out}};
}

void Service::Handle(Request r, std::shared_ptr<ClientState> client, Transport transport,
                     Send reply, Send notify) {
  if (r.is_notification) reply = [](json) {};
  // Counted when answered (notifications too): latency, transport and error code.
  reply = [this, reply = std::move(reply), method = r.method, transport,
           start = std::chrono::steady_clock::now()](json response) {
    const json* error = response.is_object() && response.contains("error")
                            ? &response["error"] : nullptr;
    CountRequest(method, transport, start,
                 error != nullptr ? error->value("code", rpc_error::kInternal) : 0);
    reply(std::move(response));
  };
  const json id = r.id;
  try {
    if (!r.params.is_object()) throw ParamsNotAnObject(r.params);
    bool async = false;
    json result = Dispatch(r, client, reply, notify, &async);
    if (!async) reply(MakeResult(id, std::move(result)));
  } catch (const RpcError& e) {
    reply(MakeError(id, e));
  } catch (const envs::EnvError& e) {
    reply(MakeError(id, e.kind() == envs::EnvError::Kind::kInvalidArgument
                            ? RpcError{rpc_error::kInvalidParams, e.what(), {{"param", e.param()}}}
                            : RpcError{rpc_error::kEnvError, e.what(), {}}));
  } catch (const std::exception& e) {
    reply(MakeError(id, {rpc_error::kInternal, std::string("internal error: ") + e.what(), {}}));
  }
}

json Service::Dispatch(const Request& r, const std::shared_ptr<ClientState>& client,
                       const Send& reply, const Send& notify, bool* async) {
  const json& p = r.params;
  if (r.method == "health") return Health();
  if (r.method == "stats") return Stats();
  if (r.method == "envs.list") return ListEnvs();
  if (r.method == "tasks.list") return ListTasks(p);
  if (r.method == "env.make") {
    if (shutting_down_) throw RpcError{rpc_error::kShuttingDown, "server shutting down", {}};
    const std::string env_id = RequireString(p, "env_id");
    if (!config_.envs.empty() &&
        std::find(config_.envs.begin(), config_.envs.end(), env_id) == config_.envs.end())
      throw InvalidParams("env_id", "env \"" + env_id + "\" is not offered by this server");
    if (sessions_.size() >= config_.max_sessions)
      throw RpcError{rpc_error::kOverloaded, "too many env sessions", {{"retry_after_ms", 1000}}};
    json options = p.contains("options") ? p["options"] : json::object();
    auto session = std::make_shared<Session>();
    session->env = envs::MakeEnv(env_id, env_context_, options);
    session->env_id = env_id;
    session->options = options;
    session->pack_given = options.is_object() && options.contains("pack") &&
                          !options["pack"].is_null();
    session->pack = session->pack_given && options["pack"].is_string()
                        ? options["pack"].get<std::string>()
                        : packs_.front()->name;
    session->last_used = std::chrono::steady_clock::now();
    const std::string sid = "s-" + std::to_string(++next_session_);
    sessions_[sid] = session;
    return {{"session_id", sid}};
  }
  if (r.method == "env.reset" || r.method == "env.step" || r.method == "env.close") {
    const std::string sid = RequireString(p, "session_id");
    auto it = sessions_.find(sid);
    if (it == sessions_.end())
      throw RpcError{rpc_error::kUnknownSession, "unknown or closed session", {{"session_id", sid}}};
    std::shared_ptr<Session> session = it->second;
    if (r.method == "env.close") {
      sessions_.erase(it);
      return {{"closed", true}};
    }
    if (session->busy)
      throw RpcError{rpc_error::kEnvError, "session busy: one call at a time per session", {}};
    session->last_used = std::chrono::steady_clock::now();
    if (r.method == "env.reset") {
      std::optional<uint64_t> seed;
      if (p.contains("seed") && !p["seed"].is_null()) {
        if (!p["seed"].is_number_integer() || p["seed"].get<int64_t>() < 0)
          throw InvalidParams("seed", "\"seed\" must be a non-negative integer");
        seed = p["seed"].get<uint64_t>();
      }
      const json reset_options = p.contains("options") ? p["options"] : json::object();
      // A task id from a session made without a pack resolves across the loaded packs: the
      // env is made again on the pack that has it (a reset starts a fresh episode anyway).
      if (!session->pack_given && reset_options.is_object() &&
          reset_options.contains("task_id") && reset_options["task_id"].is_string()) {
        const grader::task::Pack* pack =
            ResolveTask(nullptr, reset_options["task_id"], "options.task_id").first;
        if (pack->name != session->pack) {
          json options = session->options.is_object() ? session->options : json::object();
          options["pack"] = pack->name;
          session->env = envs::MakeEnv(session->env_id, env_context_, options);
          session->pack = pack->name;
        }
      }
      json info;
      json obs = session->env->Reset(seed, reset_options, &info);
      return {{"observation", obs}, {"info", info}};
    }
    if (shutting_down_) throw RpcError{rpc_error::kShuttingDown, "server shutting down", {}};
    if (!p.contains("action")) throw InvalidParams("action", "\"action\" is required");
    json action = p["action"];
    if (action.is_string()) action = {{"code", action}};
    session->busy = true;
    auto executor = executor_;
    *async = true;
    SubmitWork(r, client,
               [session, action, executor]() {
                 // Release the session when the env is really done, even if the deadline
                 // already answered the client.
                 struct Release {
                   std::shared_ptr<Session> s;
                   asio::any_io_executor ex;
                   ~Release() {
                     asio::post(ex, [s = s] {
                       s->busy = false;
                       s->last_used = std::chrono::steady_clock::now();
                     });
                   }
                 } release{session, executor};
                 return StepJson(session->env->Step(action));
               },
               reply);
    return nullptr;
  }
  if (r.method == "grade") {
    if (shutting_down_) throw RpcError{rpc_error::kShuttingDown, "server shutting down", {}};
    *async = true;
    const json id = r.id;
    Grade(p, client,
          [id, reply](const RpcError* error, json result) {
            reply(error ? MakeError(id, *error) : MakeResult(id, std::move(result)));
          },
          [id, notify](json item) {
            item["request_id"] = id;
            notify(MakeNotification("grade.result", std::move(item)));
          });
    return nullptr;
  }
  throw RpcError{rpc_error::kMethodNotFound, "method not found: " + r.method,
                 {{"method", r.method}}};
}

std::unique_ptr<asio::steady_timer> Service::ArmDeadline(const json& params,
                                                        const sandbox::CancelToken& token,
                                                        std::function<void()> expired) {
  if (!params.contains("deadline_ms")) return nullptr;
  const json& d = params["deadline_ms"];
  if (!d.is_number() || d.get<double>() <= 0)
    throw InvalidParams("deadline_ms", "\"deadline_ms\" must be a positive number");
  auto timer = std::make_unique<asio::steady_timer>(executor_);
  timer->expires_after(std::chrono::milliseconds(static_cast<int64_t>(d.get<double>())));
  timer->async_wait([token, expired](boost::system::error_code ec) {
    if (ec) return;
    token->store(true);  // queued work is dropped, running sandboxes are killed
    expired();
  });
  return timer;
}

void Service::SubmitWork(const Request& r, const std::shared_ptr<ClientState>& client,
                         std::function<json()> work, Send reply) {
  auto token = sandbox::MakeCancelToken();
  struct State {
    bool done = false;
    std::unique_ptr<asio::steady_timer> timer;
  };
  auto state = std::make_shared<State>();
  const json id = r.id;
  client->in_flight.insert(token);
  auto finish = [state, client, token, reply](json response) {
    if (state->done) return;
    state->done = true;
    if (state->timer) state->timer->cancel();
    client->in_flight.erase(token);
    reply(std::move(response));
  };
  try {
    state->timer = ArmDeadline(r.params, token, [finish, id] {
      finish(MakeError(id, {rpc_error::kDeadlineExceeded, "deadline exceeded", {}}));
    });
  } catch (...) {
    client->in_flight.erase(token);
    throw;
  }
  auto executor = executor_;
  Scheduler::Job job;
  job.owner = client->id;
  job.cancel = token;
  job.run = [work, executor, finish, id]() {
    json response;
    try {
      response = MakeResult(id, work());
    } catch (const RpcError& e) {
      response = MakeError(id, e);
    } catch (const envs::EnvError& e) {
      response = MakeError(
          id, e.kind() == envs::EnvError::Kind::kInvalidArgument
                  ? RpcError{rpc_error::kInvalidParams, e.what(), {{"param", e.param()}}}
                  : RpcError{rpc_error::kEnvError, e.what(), {}});
    } catch (const std::exception& e) {
      response = MakeError(id, {rpc_error::kInternal, std::string("internal error: ") + e.what(), {}});
    }
    asio::post(executor, [finish, response = std::move(response)] { finish(response); });
  };
  job.dropped = [executor, finish, id]() {
    asio::post(executor, [finish, id] {
      finish(MakeError(id, {rpc_error::kDeadlineExceeded, "cancelled before it ran", {}}));
    });
  };
  if (!scheduler_.SubmitAll({std::move(job)})) {
    client->in_flight.erase(token);
    if (state->timer) state->timer->cancel();
    state->done = true;
    throw RpcError{rpc_error::kOverloaded, "overloaded: the grading queue is full, retry later",
                   {{"retry_after_ms", 500}}};
  }
}

void Service::RunGradings(std::vector<GradeItem> items, const json& params,
                          const std::shared_ptr<ClientState>& client, ReportsDone done,
                          std::function<void(size_t, const grader::SubmissionReport&)> on_result) {
  // Identical submissions of a task are graded once and reported for each of them.
  std::vector<size_t> unique;  // index into items of each distinct submission
  std::vector<std::vector<size_t>> of_unique;
  std::map<std::string, size_t> unique_index;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string key = items[i].pack->name + '\n' + items[i].task->id + '\n' +
                            grader::SubmissionKey(items[i].submission);
    auto [it, inserted] = unique_index.emplace(key, unique.size());
    if (inserted) {
      unique.push_back(i);
      of_unique.emplace_back();
    }
    of_unique[it->second].push_back(i);
  }
  // More distinct submissions than the queue can ever hold is the request's fault: retrying
  // cannot help, so it is not "overloaded".
  if (unique.size() > scheduler_.queue_limit())
    throw InvalidParams("submissions", std::to_string(unique.size()) +
                                           " distinct submissions can never fit this server's "
                                           "queue (queue_limit " +
                                           std::to_string(scheduler_.queue_limit()) +
                                           "): send at most that many per request");

  struct State {
    std::vector<grader::SubmissionReport> reports;
    size_t remaining = 0;
    bool done = false;
    std::unique_ptr<asio::steady_timer> timer;
  };
  auto state = std::make_shared<State>();
  state->reports.resize(items.size());
  state->remaining = unique.size();
  auto token = sandbox::MakeCancelToken();
  client->in_flight.insert(token);
  auto finish = [state, client, token, done](const RpcError* error) {
    if (state->done) return;
    state->done = true;
    if (state->timer) state->timer->cancel();
    client->in_flight.erase(token);
    done(error, error ? nullptr : &state->reports);
  };
  try {
    state->timer = ArmDeadline(params, token, [finish] {
      RpcError e{rpc_error::kDeadlineExceeded, "deadline exceeded", {}};
      finish(&e);
    });
  } catch (...) {
    client->in_flight.erase(token);
    throw;
  }
  std::vector<Scheduler::Job> jobs;
  auto executor = executor_;
  for (size_t u = 0; u < unique.size(); ++u) {
    Scheduler::Job job;
    job.owner = client->id;
    job.cancel = token;
    job.run = [this, item = items[unique[u]], indexes = of_unique[u], state, finish, on_result,
               executor]() {
      auto report = std::make_shared<grader::SubmissionReport>(
          GradeOne(*item.pack, *item.task, item.submission));
      asio::post(executor, [=] {
        if (state->done) return;
        for (size_t i : indexes) {
          state->reports[i] = *report;
          if (on_result) on_result(i, *report);
        }
        if (--state->remaining == 0) finish(nullptr);
      });
    };
    job.dropped = [executor, finish]() {
      asio::post(executor, [finish] {
        RpcError e{rpc_error::kDeadlineExceeded, "cancelled before it ran", {}};
        finish(&e);
      });
    };
    jobs.push_back(std::move(job));
  }
  if (!scheduler_.SubmitAll(std::move(jobs))) {
    state->done = true;
    if (state->timer) state->timer->cancel();
    client->in_flight.erase(token);
    throw RpcError{rpc_error::kOverloaded, "overloaded: the grading queue is full, retry later",
                   {{"retry_after_ms", 500}}};
  }
}

void Service::Grade(const json& p, std::shared_ptr<ClientState> client, Done done,
                    Send notify_result) {
  RejectUnknownKeys(p, {"pack", "task_id", "submissions", "extract", "stream", "deadline_ms",
                        "idempotency_key"},
                    "grade");
  ReadIdempotencyKey(p);  // a bad key is -32602 before anything else is looked at
  const std::string task_id = RequireString(p, "task_id");
  if (packs_.empty()) throw InvalidParams("pack", "no pack is loaded");
  const auto [pack, task] =
      ResolveTask(p.contains("pack") ? p["pack"] : json(nullptr), task_id, "task_id");
  if (!p.contains("submissions") || !p["submissions"].is_array() || p["submissions"].empty() ||
      p["submissions"].size() > kMaxGroup)
    throw InvalidParams("submissions", "\"submissions\" must be a list of 1 to " +
                                           std::to_string(kMaxGroup) + " objects");
  const bool stream = p.value("stream", false);
  // The extract mode of submissions that do not name one (docs/extraction.md).
  grader::ExtractMode extract = grader::kDefaultExtractMode;
  if (p.contains("extract")) {
    std::string error;
    std::optional<grader::ExtractMode> mode = grader::ReadExtractMode(p["extract"], &error);
    if (!mode) throw InvalidParams("extract", error);
    extract = *mode;
  }
  std::vector<GradeItem> items;
  for (size_t i = 0; i < p["submissions"].size(); ++i) {
    const json& s = p["submissions"][i];
    const std::string where = "submissions[" + std::to_string(i) + "]";
    if (!s.is_object()) throw InvalidParams(where, where + " must be an object");
    for (const auto& [k, _] : s.items())
      if (k != "language" && !grader::IsBodyKey(k))
        throw InvalidParams(where, where + ": unknown key \"" + k + "\"");
    grader::Submission sub;
    sub.task_id = task_id;
    if (auto e = grader::ReadSubmissionBody(s, extract, &sub))
      throw InvalidParams(e->key.empty() ? where : where + "." + e->key, where + ": " + e->message);
    if (s.contains("language")) {
      if (!s["language"].is_string()) throw InvalidParams(where, where + ".language must be a string");
      sub.language = s["language"];
      bool allowed = false;
      for (auto l : task->languages) allowed |= grader::task::LanguageName(l) == sub.language;
      if (!allowed)
        throw InvalidParams(where, "language \"" + sub.language + "\" not allowed for " + task_id);
    }
    items.push_back({pack, task, std::move(sub)});
  }
  const size_t n = items.size();
  std::shared_ptr<ClientState> grading_client = client;
  std::function<void(const RpcError&)> failed_to_start;
  if (BeginKeyed(p, client, &done, &grading_client, &failed_to_start)) return;
  std::function<void(size_t, const grader::SubmissionReport&)> on_result;
  if (stream)
    on_result = [notify_result](size_t i, const grader::SubmissionReport& report) {
      notify_result({{"index", i}, {"result", report.ToJson()}});
    };
  try {
    RunGradings(
        std::move(items), p, grading_client,
        [done, n](const RpcError* error, std::vector<grader::SubmissionReport>* reports) {
          if (error) return done(error, nullptr);
          size_t graded = 0, full = 0, zero = 0;
          double sum = 0;
          json rewards = json::array(), results = json::array();
          for (const grader::SubmissionReport& report : *reports) {
            results.push_back(report.ToJson());
            const std::optional<double>& r = report.reward;
            rewards.push_back(r ? json(*r) : json(nullptr));
            if (!r) continue;
            ++graded;
            sum += *r;
            full += *r >= 1.0;
            zero += *r <= 0.0;
          }
          json group = {{"n", n},
                        {"graded", graded},
                        {"ungradeable", n - graded},
                        {"mean_reward", graded ? sum / graded : 0.0},
                        {"all_pass", graded > 0 && full == graded},
                        {"all_fail", graded > 0 && zero == graded},
                        {"rewards", rewards}};
          done(nullptr, {{"results", results}, {"group", group}});
        },
        on_result);
  } catch (const RpcError& e) {
    if (failed_to_start) failed_to_start(e);
    throw;
  }
}

bool Service::BeginKeyed(const json& p, const std::shared_ptr<ClientState>& client, Done* done,
                         std::shared_ptr<ClientState>* grading_client,
                         std::function<void(const RpcError&)>* failed_to_start) {
  const std::optional<std::string> key = ReadIdempotencyKey(p);
  if (!key) return false;
  // While it waits, the client holds a token of its own: its connection is not idle.
  const sandbox::CancelToken waiting = sandbox::MakeCancelToken();
  client->in_flight.insert(waiting);
  std::erase_if(client->waiting_for, [](const std::weak_ptr<KeyedGrading>& w) {
    std::shared_ptr<KeyedGrading> keyed = w.lock();
    return !keyed || keyed->finished;
  });
  Done answer = [client, waiting, original = *done](const RpcError* error, json result) {
    client->in_flight.erase(waiting);
    original(error, std::move(result));
  };
  auto deliver = [answer](const IdempotencyCache::Answer& a) {
    a.error ? answer(&*a.error, nullptr) : answer(nullptr, a.result);
  };
  IdempotencyCache::Answer replay;
  switch (idempotency_.Begin(*key, IdempotencyParamsHash(p), std::chrono::steady_clock::now(),
                             deliver, &replay)) {
    case IdempotencyCache::Lookup::kConflict:
      client->in_flight.erase(waiting);
      throw InvalidParams("idempotency_key",
                          "idempotency key \"" + *key +
                              "\" was already used with different params (a key names one "
                              "request: use a new key for a new request)");
    case IdempotencyCache::Lookup::kReplay:
      metrics_.CountIdempotentReplay();
      // Posted: the caller may not be waiting for `done` yet (HTTP arms its wait after).
      asio::post(executor_, [deliver, replay] { deliver(replay); });
      return true;
    case IdempotencyCache::Lookup::kJoined: {
      metrics_.CountIdempotentReplay();
      auto it = keyed_gradings_.find(*key);
      if (it != keyed_gradings_.end()) {
        ++it->second->waiting;
        client->waiting_for.push_back(it->second);
      }
      return true;
    }
    case IdempotencyCache::Lookup::kNew:
      break;
  }
  auto keyed = std::make_shared<KeyedGrading>();
  keyed->owner = std::make_shared<ClientState>();
  keyed->owner->id = client->id;  // the scheduler's fairness still sees the first client
  keyed->waiting = 1;
  client->waiting_for.push_back(keyed);
  keyed_gradings_[*key] = keyed;
  // `may_keep` is false for a grading that could not start: a rejected request takes no key.
  auto end = [this, key = *key, keyed](const IdempotencyCache::Answer& a, bool may_keep) {
    if (keyed->finished) return;
    keyed->finished = true;
    auto it = keyed_gradings_.find(key);
    if (it != keyed_gradings_.end() && it->second == keyed) keyed_gradings_.erase(it);
    // A retryable error, or a result with ungradeable samples, is not kept: a retry with the
    // same key grades again.
    bool keep = may_keep;
    if (keep && a.error) keep = !IsRetryableError(a.error->code);
    if (keep && !a.error)
      keep = a.result.value("group", json::object()).value("ungradeable", 0) == 0;
    idempotency_.Finish(key, a, keep, std::chrono::steady_clock::now());
  };
  *done = [end, answer](const RpcError* error, json result) {
    IdempotencyCache::Answer a;
    if (error) a.error = *error;
    a.result = result;
    end(a, true);  // the requests that joined are answered too
    answer(error, std::move(result));
  };
  *grading_client = keyed->owner;
  *failed_to_start = [end, client, waiting](const RpcError& e) {
    client->in_flight.erase(waiting);
    end({e, nullptr}, false);
  };
  return false;
}

void Service::ClientClosed(const std::shared_ptr<ClientState>& client) {
  client->open = false;
  for (const sandbox::CancelToken& token : client->in_flight) token->store(true);
  // A grading shared through an idempotency key stops when its last waiting client has gone.
  for (const std::weak_ptr<KeyedGrading>& w : client->waiting_for) {
    std::shared_ptr<KeyedGrading> keyed = w.lock();
    if (keyed && !keyed->finished && keyed->waiting > 0 && --keyed->waiting == 0)
      ClientClosed(keyed->owner);
  }
  client->waiting_for.clear();
}

}  // namespace proctor::harness
