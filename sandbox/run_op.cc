// RunOp: the supervisor half of one run (see run_op.h).
#include "sandbox/run_op.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>

#include "sandbox/classify.h"
#include "sandbox/keeper/run_launch.h"
#include "sandbox/linux/cgroup.h"
#include "sandbox/linux/unique_fd.h"
#include "sandbox/process_v2.h"

namespace proctor::sandbox {
namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

std::string NewRunId() {
  static std::atomic<uint64_t> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// Places descriptors at fixed numbers in the keeper and gives it an empty environment.
struct KeeperFds {
  std::vector<std::pair<int, int>> map;  // {target, source}
  const char* const* env;

  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*) {
    for (const auto& [target, source] : map) launcher.fd_whitelist.push_back(target);
    launcher.env = env;
    return {};
  }
  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                               const char* const*) {
    // Move sources out of the way first so that no target overwrites a later source.
    int moved[64];
    size_t n = map.size() < 64 ? map.size() : 64;
    for (size_t i = 0; i < n; ++i) {
      moved[i] = ::fcntl(map[i].second, F_DUPFD_CLOEXEC, 100);
      if (moved[i] < 0) return {errno, boost::system::system_category()};
    }
    for (size_t i = 0; i < n; ++i)
      if (::dup2(moved[i], map[i].first) < 0) return {errno, boost::system::system_category()};
    return {};
  }
};

class RunOp : public std::enable_shared_from_this<RunOp> {
 public:
  RunOp(asio::any_io_executor ex, const LayerPlan& plan, std::string keeper,
        ForkServer* fork_server, RunSpec spec, std::function<void(Result)> done)
      : ex_(ex), plan_(plan), keeper_(std::move(keeper)), fork_server_(fork_server),
        spec_(std::move(spec)), done_(std::move(done)), out_(ex), err_(ex), reply_(ex),
        timer_(ex), cancel_timer_(ex) {}

  void Start() {
    request_.run_id = NewRunId();
    request_.argv = spec_.argv;
    request_.policy = spec_.policy;
    request_.layers = plan_;
    request_.pass_fds = static_cast<int>(spec_.pass_fds.size());
    if (fork_server_ != nullptr) return StartInZygote();

    linux::UniqueFd req_fd(::memfd_create("proctor-request", MFD_CLOEXEC));
    if (!req_fd) return FailEarly(std::string("memfd_create: ") + std::strerror(errno));
    std::string encoded = EncodeRequest(request_);
    if (::write(req_fd.get(), encoded.data(), encoded.size()) !=
            static_cast<ssize_t>(encoded.size()) ||
        ::lseek(req_fd.get(), 0, SEEK_SET) != 0)
      return FailEarly(std::string("writing keeper request: ") + std::strerror(errno));
    linux::UniqueFd reply_read, reply_write;
    if (!linux::MakePipe(O_CLOEXEC, &reply_read, &reply_write))
      return FailEarly(std::string("pipe: ") + std::strerror(errno));
    reply_.assign(reply_read.release());

    static const char* const kEmptyEnv[] = {nullptr};
    KeeperFds fds{{{kKeeperRequestFd, req_fd.get()}, {kKeeperReplyFd, reply_write.get()}},
                  kEmptyEnv};
    for (size_t i = 0; i < spec_.pass_fds.size(); ++i)
      fds.map.push_back({kKeeperPassFdBase + static_cast<int>(i), spec_.pass_fds[i]});

    bp::error_code ec;
    start_ = std::chrono::steady_clock::now();
    proc_.emplace(bp::default_process_launcher()(
        ex_, ec, keeper_, std::vector<std::string>{},
        bp::process_stdio{nullptr, out_, err_}, fds));
    req_fd.reset();  // the keeper holds its own copies now
    reply_write.reset();
    if (ec) return FailEarly("spawn " + keeper_ + ": " + ec.message());

    auto self = shared_from_this();
    proc_->async_wait([self](bp::error_code, int status) {
      self->keeper_status_ = status;
      self->Step();
    });
    Watch();
  }

 private:
  static constexpr int kPendingOps = 4;  // stdout, stderr, reply, keeper exit

  // The same run handed to the long-lived zygote: no keeper process of its own, so its end is
  // the reply pipe's end (3 pending operations) and kills go over the zygote's channel.
  void StartInZygote() {
    pending_ = kPendingOps - 1;
    std::string error;
    // What the zygote gets, in its order; closed here on every path (it gets its own copies).
    std::vector<linux::UniqueFd> fds;
    linux::UniqueFd request_fd(::memfd_create("proctor-request", MFD_CLOEXEC));
    if (!request_fd) return FailEarly(std::string("memfd_create: ") + std::strerror(errno));
    const std::string encoded = EncodeRequest(request_);
    if (::write(request_fd.get(), encoded.data(), encoded.size()) !=
        static_cast<ssize_t>(encoded.size()))
      return FailEarly(std::string("writing run request: ") + std::strerror(errno));
    fds.push_back(std::move(request_fd));
    linux::UniqueFd stdin_fd(keeper::MakeReadOnlyMemfd(spec_.policy.stdin_data, &error));
    if (!stdin_fd) return FailEarly("stdin: " + error);
    fds.push_back(std::move(stdin_fd));
    for (asio::readable_pipe* ours : {&out_, &err_, &reply_}) {
      linux::UniqueFd read_end, write_end;
      if (!linux::MakePipe(O_CLOEXEC, &read_end, &write_end))
        return FailEarly(std::string("pipe: ") + std::strerror(errno));
      ours->assign(read_end.release());
      fds.push_back(std::move(write_end));
    }
    for (const FileOut& o : spec_.policy.outputs) {
      linux::UniqueFd fd(::open(o.host_path.c_str(),
                                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
      if (!fd) return FailEarly("create output " + o.host_path + ": " + std::strerror(errno));
      fds.push_back(std::move(fd));
    }
    // Only the header reaches the zygote itself: no file contents, no stdin.
    KeeperRequest header = request_;
    header.policy.files.clear();
    header.policy.stdin_data.clear();
    std::vector<int> sent;
    for (const linux::UniqueFd& fd : fds) sent.push_back(fd.get());
    sent.insert(sent.end(), spec_.pass_fds.begin(), spec_.pass_fds.end());
    start_ = std::chrono::steady_clock::now();
    bool ok = fork_server_->Submit(header, sent, &error);
    fds.clear();  // the zygote holds its own copies now
    if (!ok) {
      out_.close();
      err_.close();
      reply_.close();
      return FailEarly(error);
    }
    Watch();
  }

  // Drains stdout, stderr and the reply, and arms the cancel watch and the backstop timer.
  void Watch() {
    auto self = shared_from_this();
    ReadStream(out_, result_.stdout_data, spec_.policy.limits.stdout_bytes,
               result_.stdout_truncated);
    ReadStream(err_, result_.stderr_data, spec_.policy.limits.stderr_bytes,
               result_.stderr_truncated);
    ReadReply();
    if (spec_.cancel) WatchCancel();
    // Backstop: the keeper enforces the wall limit itself; this catches a keeper that hangs.
    timer_.expires_after(std::chrono::milliseconds(
        static_cast<int64_t>(spec_.policy.limits.wall_seconds * 1000) + 10000));
    timer_.async_wait([self](bp::error_code ec) {
      if (ec || self->pending_ == 0) return;
      self->seen_.keeper_failure = "keeper did not finish (killed by the backstop timer)";
      if (self->proc_) {
        self->proc_->terminate(ec);
      } else {
        self->KillRun(SIGKILL);
        self->out_.close(ec);
        self->err_.close(ec);
        self->reply_.close(ec);
      }
    });
  }

  // Asks whoever watches the run (its keeper, or the zygote) to kill it now.
  void KillRun(int keeper_signal) {
    if (proc_) {
      ::kill(proc_->id(), keeper_signal);
    } else if (fork_server_ != nullptr) {
      fork_server_->Kill(request_.run_id);
    }
  }

  void FailEarly(const std::string& message) {
    result_.status = Status::kSandboxError;
    result_.error = message;
    auto self = shared_from_this();
    asio::post(ex_, [self] { self->done_(std::move(self->result_)); });
  }

  void ReadStream(asio::readable_pipe& pipe, std::string& data, uint64_t cap, bool& truncated) {
    auto self = shared_from_this();
    pipe.async_read_some(asio::buffer(buf_for(pipe)),
                         [self, &pipe, &data, cap, &truncated](bp::error_code ec, size_t n) {
                           self->OnRead(pipe, data, cap, truncated, ec, n);
                         });
  }

  std::array<char, 65536>& buf_for(asio::readable_pipe& pipe) {
    return &pipe == &out_ ? out_buf_ : err_buf_;
  }

  void OnRead(asio::readable_pipe& pipe, std::string& data, uint64_t cap, bool& truncated,
              bp::error_code ec, size_t n) {
    if (n > 0 && !truncated) {
      const char* p = buf_for(pipe).data();
      if (data.size() + n > cap) {
        data.append(p, cap - data.size());
        truncated = true;
        OutputLimit();
      } else {
        data.append(p, n);
      }
    }
    // Keep draining after the cap (discarding) until the keeper has killed the writers.
    if (!ec) return ReadStream(pipe, data, cap, truncated);
    Step();
  }

  void OutputLimit() {
    if (seen_.output_limit_at >= 0) return;
    seen_.output_limit_at =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    KillRun(SIGUSR1);
  }

  // Polls the cancel token; a cancelled run is killed through the keeper like an output cap.
  void WatchCancel() {
    auto self = shared_from_this();
    cancel_timer_.expires_after(std::chrono::milliseconds(20));
    cancel_timer_.async_wait([self](bp::error_code ec) {
      if (ec || self->pending_ == 0) return;
      if (self->spec_.cancel->load()) {
        self->seen_.cancelled = true;
        self->KillRun(SIGTERM);
        return;
      }
      self->WatchCancel();
    });
  }

  void ReadReply() {
    auto self = shared_from_this();
    reply_.async_read_some(asio::buffer(reply_buf_), [self](bp::error_code ec, size_t n) {
      self->reply_text_.append(self->reply_buf_.data(), n);
      if (!ec && self->reply_text_.size() < (1 << 20)) return self->ReadReply();
      self->Step();
    });
  }

  void Step() {
    if (--pending_ > 0) return;
    timer_.cancel();
    cancel_timer_.cancel();
    KeeperReply reply;
    std::string error;
    if (seen_.keeper_failure.empty() && !DecodeReply(reply_text_, &reply, &error)) {
      seen_.keeper_failure = proc_ ? "keeper exited with status " +
                                         std::to_string(keeper_status_) +
                                         " without a valid reply (" + error + ")"
                                   : "zygote ended the run without a valid reply (" + error + ")";
    }
    if (!seen_.keeper_failure.empty()) {
      // The keeper may have died before its own cleanup: make sure nothing of the run stays.
      CleanupAfterKeeper();
    }
    Classify(reply, seen_, &result_);
    done_(std::move(result_));
  }

  void CleanupAfterKeeper() {
    if (plan_.cgroup_version == CgroupVersion::kNone) return;
    std::string ignored;
    for (const char* c : {"pids", "memory", "cpuacct"}) {
      std::string dir = plan_.cgroup_version == CgroupVersion::kV1
                            ? std::string(linux::kCgroupRoot) + "/" + c + "/" +
                                  linux::kCgroupGroupName + "/" + request_.run_id
                            : plan_.cgroup_v2_parent + "/" + request_.run_id;
      std::string procs;
      for (int round = 0; round < 100 && linux::ReadFileString(dir + "/cgroup.procs", &procs) &&
                          !procs.empty();
           ++round) {
        std::istringstream in(procs);
        pid_t pid;
        while (in >> pid) ::kill(pid, SIGKILL);
        ::usleep(2000);
      }
      ::rmdir(dir.c_str());
      if (plan_.cgroup_version == CgroupVersion::kV2) break;
    }
  }

  asio::any_io_executor ex_;
  LayerPlan plan_;
  std::string keeper_;
  ForkServer* fork_server_;
  RunSpec spec_;
  std::function<void(Result)> done_;
  KeeperRequest request_;
  asio::readable_pipe out_, err_, reply_;
  asio::steady_timer timer_, cancel_timer_;
  std::optional<bp::process> proc_;
  std::array<char, 65536> out_buf_, err_buf_;
  std::array<char, 4096> reply_buf_;
  std::string reply_text_;
  std::chrono::steady_clock::time_point start_;
  int pending_ = kPendingOps;
  int keeper_status_ = -1;
  SupervisorObservations seen_;
  Result result_;
};

}  // namespace

void StartRun(asio::any_io_executor executor, const LayerPlan& plan, std::string keeper,
              ForkServer* fork_server, RunSpec spec, std::function<void(Result)> done) {
  auto op = std::make_shared<RunOp>(executor, plan, std::move(keeper), fork_server,
                                    std::move(spec), std::move(done));
  op->Start();
}

}  // namespace proctor::sandbox
