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
  grader::SubmissionReport report = graders_.at(&pack)->Grade(task, s);
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
  for (const auto& l : sandbox_.host_layers().layers) layers[l.name] = l.active;
  return {{"status", shutting_down_ ? "shutting_down" : "ok"},
          {"version", PROCTOR_VERSION},
          {"layers", layers}};
}

json Service::Stats() const {
  return metrics_.ToJson(scheduler_.queued(), scheduler_.running(), sessions_.size(),
                         connections);
}

std::string Service::PrometheusText() const {
  return metrics_.ToPrometheus(scheduler_.queued(), scheduler_.running(), sessions_.size(),
                               connections);
}

const grader::task::Pack* Service::FindPack(const json& params) const {
  if (!params.contains("pack")) return packs_.empty() ? nullptr : packs_.front().get();
  if (!params["pack"].is_string()) throw InvalidParams("pack", "\"pack\" must be a string");
  for (const auto& p : packs_)
    if (p->name == params["pack"]) return p.get();
  std::string names;
  for (const auto& p : packs_) names += (names.empty() ? "" : ", ") + p->name;
  throw InvalidParams("pack", "unknown pack \"" + params["pack"].get<std::string>() +
                                  "\" (served: " + names + ")");
}

void Service::Handle(Request r, std::shared_ptr<ClientState> client, Send reply, Send notify) {
  // Counted by name only for methods that exist: a client's made-up names would grow the
  // table without bound and reach the /metrics text (a label) verbatim.
  static const std::set<std::string> kMethods = {"health",   "stats",     "envs.list",
                                                 "env.make", "env.reset", "env.step",
                                                 "env.close", "grade",    "tasks.list"};
  metrics_.CountRequest(kMethods.count(r.method) ? r.method : "(unknown)");
  if (r.is_notification) reply = [](json) {};
  const json id = r.id;
  try {
    bool async = false;
    json result = Dispatch(r, client, reply, notify, &async);
    if (!async) reply(MakeResult(id, std::move(result)));
  } catch (const RpcError& e) {
    if (e.code == rpc_error::kOverloaded) metrics_.CountRejected();
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
  if (r.method == "envs.list") {
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
  if (r.method == "tasks.list") {
    json out = json::array();
    for (const auto& pack : packs_) {
      if (p.contains("pack") && p["pack"] != pack->name) continue;
      for (const auto& t : pack->tasks) {
        json languages = json::array();
        for (auto l : t.languages) languages.push_back(grader::task::LanguageName(l));
        out.push_back({{"pack", pack->name}, {"task_id", t.id}, {"title", t.title},
                       {"languages", languages}});
      }
    }
    return {{"tasks", out}};
  }
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
      json info;
      json obs = session->env->Reset(seed, p.contains("options") ? p["options"] : json::object(),
                                     &info);
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

void Service::Grade(const json& p, std::shared_ptr<ClientState> client,
                    std::function<void(const RpcError*, json)> done, Send notify_result) {
  const grader::task::Pack* pack = FindPack(p);
  if (pack == nullptr) throw InvalidParams("pack", "no pack is loaded");
  const std::string task_id = RequireString(p, "task_id");
  const grader::task::Task* task = graders_.at(pack)->FindTask(task_id);
  if (task == nullptr)
    throw InvalidParams("task_id", "unknown task \"" + task_id + "\" in pack " + pack->name);
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
  // Identical submissions are graded once and reported for each of them.
  std::vector<grader::Submission> unique;
  std::map<std::string, size_t> unique_index;
  std::vector<size_t> of_item;
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
    auto [it, inserted] = unique_index.emplace(grader::SubmissionKey(sub), unique.size());
    if (inserted) unique.push_back(sub);
    of_item.push_back(it->second);
  }

  struct State {
    std::vector<json> results;
    std::vector<std::optional<double>> rewards;
    size_t remaining = 0;
    bool done = false;
    std::unique_ptr<asio::steady_timer> timer;
  };
  auto state = std::make_shared<State>();
  state->results.resize(of_item.size());
  state->rewards.resize(of_item.size());
  state->remaining = unique.size();
  auto token = sandbox::MakeCancelToken();
  client->in_flight.insert(token);
  auto finish = [state, client, token, done](const RpcError* error) {
    if (state->done) return;
    state->done = true;
    if (state->timer) state->timer->cancel();
    client->in_flight.erase(token);
    if (error) return done(error, nullptr);
    size_t graded = 0, full = 0, zero = 0;
    double sum = 0;
    json rewards = json::array();
    for (const auto& r : state->rewards) {
      rewards.push_back(r ? json(*r) : json(nullptr));
      if (!r) continue;
      ++graded;
      sum += *r;
      full += *r >= 1.0;
      zero += *r <= 0.0;
    }
    json group = {{"n", state->rewards.size()},
                  {"graded", graded},
                  {"ungradeable", state->rewards.size() - graded},
                  {"mean_reward", graded ? sum / graded : 0.0},
                  {"all_pass", graded > 0 && full == graded},
                  {"all_fail", graded > 0 && zero == graded},
                  {"rewards", rewards}};
    done(nullptr, {{"results", state->results}, {"group", group}});
  };
  try {
    state->timer = ArmDeadline(p, token, [finish] {
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
    std::vector<size_t> items;
    for (size_t i = 0; i < of_item.size(); ++i)
      if (of_item[i] == u) items.push_back(i);
    Scheduler::Job job;
    job.owner = client->id;
    job.cancel = token;
    job.run = [this, pack, task, sub = unique[u], items, state, finish, notify_result, stream,
               executor]() {
      grader::SubmissionReport report = GradeOne(*pack, *task, sub);
      json result = report.ToJson();
      std::optional<double> reward = report.reward;
      asio::post(executor, [=] {
        if (state->done) return;
        for (size_t i : items) {
          state->results[i] = result;
          state->rewards[i] = reward;
          if (stream) notify_result({{"index", i}, {"result", result}});
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

void Service::ClientClosed(const std::shared_ptr<ClientState>& client) {
  client->open = false;
  for (const sandbox::CancelToken& token : client->in_flight) token->store(true);
}

}  // namespace proctor::harness
