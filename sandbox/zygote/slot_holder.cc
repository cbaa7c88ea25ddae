#include "sandbox/zygote/slot_holder.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sandbox/keeper/run_end.h"
#include "sandbox/keeper/run_launch.h"
#include "sandbox/keeper_protocol.h"
#include "sandbox/linux/mounts.h"
#include "sandbox/zygote/control_channel.h"

namespace proctor::sandbox::zygote {
namespace {

constexpr size_t kInitStackBytes = 256 * 1024;
constexpr int kInitFlags = CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_NEWPID | CLONE_NEWIPC |
                           CLONE_NEWNS | CLONE_PARENT_SETTID | SIGCHLD;

// Everything one run needs, built by the holder before init starts: init shares this memory
// and must not allocate.
struct RunPlan {
  KeeperRequest header;                // no file contents, no stdin
  keeper::InitContext ctx;             // the program's descriptors and hooks
  std::vector<std::string> env_strings;
  std::vector<char*> argv, envp;
  linux::RunSpacePlan space;
  std::vector<const char*> output_names;
  std::vector<uint64_t> output_caps;
  keeper::RunEndPlan end;
  bool in_process = false;
  std::vector<int> program_fds;        // closed by init once the program holds them
  std::vector<int> output_fds;         // closed by init after the copy
  int socket = -1;
  int exec_error_fd = -1;              // set by init just before its fork
  pid_t init_pid = 0;                  // written by clone (CLONE_PARENT_SETTID) before init runs
  bool announce_pid = false;           // no cgroup: the zygote kills the run through init's pid
};

RunPlan* g_plan = nullptr;
jmp_buf g_program_jump;

void CopyText(char* dst, size_t size, const char* src) { std::snprintf(dst, size, "%s", src); }

void Send(int socket, const void* data, size_t size) {
  ssize_t ignored = ::send(socket, data, size, MSG_NOSIGNAL);
  (void)ignored;
}

[[noreturn]] void InitFailed(const RunPlan& plan, const char* stage, int err, const char* detail) {
  InitDone done;
  done.report.setup_failed = 1;
  CopyText(done.report.stage, sizeof done.report.stage, stage);
  done.report.err = err;
  CopyText(done.report.detail, sizeof done.report.detail, detail);
  for (int fd : plan.program_fds) ::close(fd);
  for (int fd : plan.output_fds) ::close(fd);
  Send(plan.socket, &done, sizeof done);
  ::_exit(0);
}

// The program's process: its own memory from here on (a fork of init, i.e. of the holder).
[[noreturn]] void ProgramProcess(RunPlan& plan) {
  auto fail = [&](const char* stage, int err) {
    keeper::ProgramSetupFailure failure;
    failure.err = err;
    CopyText(failure.stage, sizeof failure.stage, stage);
    ssize_t ignored = ::write(plan.exec_error_fd, &failure, sizeof failure);
    (void)ignored;
    ::_exit(127);
  };
  static KeeperRequest full;
  std::string error;
  if (!keeper::ReadFullRequest(plan.ctx.request_memfd, &full, &error)) fail("read request", EINVAL);
  linux::SetupError setup;
  if (!linux::WriteInputFiles(full.policy, full.sandbox_uid, full.sandbox_uid, &setup))
    fail(setup.stage, setup.err);
  keeper::StartProgram(plan.ctx, full, plan.in_process, plan.argv.data(), plan.envp.data(),
                       plan.exec_error_fd);
}

// init: pid 1 of the run's new pid namespace, in its new mount and ipc namespaces, sharing the
// (suspended) holder's memory and descriptor table.
int WarmInit(void* arg) {
  RunPlan& plan = *static_cast<RunPlan*>(arg);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::prctl(PR_SET_DUMPABLE, 0);
  ::prctl(PR_SET_NAME, "proctor-init");
  if (plan.announce_pid) {
    InitStarted started;
    started.pid = plan.init_pid;
    Send(plan.socket, &started, sizeof started);
  }
  linux::RunSpaceError space;
  if (!linux::MountRunSpace(plan.space, &space))
    InitFailed(plan, space.stage, space.err, space.detail);
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) InitFailed(plan, "pipe", errno, "");
  plan.exec_error_fd = exec_pipe[1];
  pid_t program = ::fork();
  if (program < 0) InitFailed(plan, "fork", errno, "");
  // The program continues on the holder's own stack (see CloneInit), not on init's.
  if (program == 0) ::longjmp(g_program_jump, 1);
  ::close(exec_pipe[1]);
  // Only the program may hold these, so that its peers see EOF when it ends. The table is
  // the holder's too (CLONE_FILES): nothing of the run stays open there.
  for (int fd : plan.program_fds) ::close(fd);
  InitDone done;
  done.report = keeper::SuperviseProgram(program, exec_pipe[0], plan.end);
  Send(plan.socket, &done, sizeof done);
  ::_exit(0);
}

// The frame the program's process jumps back to: live (suspended in clone) in the holder while
// init runs, so the program's copy of the holder's stack holds it intact.
__attribute__((noinline)) pid_t CloneInit(RunPlan* plan, char* stack_top) {
  if (setjmp(g_program_jump) != 0) ProgramProcess(*g_plan);  // only the program gets here
  return ::clone(WarmInit, stack_top, kInitFlags, plan, &plan->init_pid);
}

bool LoopbackDown() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return false;
  ifreq ifr = {};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  bool down = ::ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP) == 0;
  ::close(s);
  return down;
}

void Scrub(std::string& s) {
  std::fill(s.begin(), s.end(), '\0');
  s.clear();
}

// The header names the run's paths and environment: nothing of it stays for the next fork.
void ScrubPlan(RunPlan& plan) {
  for (std::string& a : plan.header.argv) Scrub(a);
  for (std::string& e : plan.env_strings) Scrub(e);
  for (auto& [k, v] : plan.header.policy.env) Scrub(const_cast<std::string&>(v));
  Scrub(plan.header.run_id);
}

void RunOne(const SlotSetup& setup, const std::string& message, const std::vector<int>& fds,
            char* stack_top) {
  auto plan = std::make_unique<RunPlan>();
  SlotEnd end;
  end.init_status = -1;
  std::string error;
  bool ok = DecodeRequest(message.substr(1), &plan->header, &error);
  const KeeperRequest& req = plan->header;
  const size_t outputs = ok ? req.policy.outputs.size() : 0;
  const size_t passed = ok ? static_cast<size_t>(req.pass_fds) : 0;
  if (ok && fds.size() != 4 + outputs + passed) {
    ok = false;
    error = "slot run carries " + std::to_string(fds.size()) + " descriptors";
  }
  if (!ok) {
    for (int fd : fds) ::close(fd);
    InitDone done;
    done.report.setup_failed = 1;
    CopyText(done.report.stage, sizeof done.report.stage, "slot request");
    done.report.err = EINVAL;
    CopyText(done.report.detail, sizeof done.report.detail, error.c_str());
    Send(setup.socket, &done, sizeof done);
  } else {
    keeper::InitContext& ctx = plan->ctx;
    ctx.request = &plan->header;
    ctx.request_memfd = fds[0];
    ctx.stdin_fd = fds[1];
    ctx.stdout_fd = fds[2];
    ctx.stderr_fd = fds[3];
    ctx.output_fds.assign(fds.begin() + 4, fds.begin() + 4 + outputs);
    ctx.pass_fds.assign(fds.begin() + 4 + outputs, fds.end());
    ctx.seccomp = setup.seccomp_program;
    ctx.have_memory_cgroup = !setup.cgroup_join.empty();
    ctx.have_pids_cgroup = !setup.cgroup_join.empty();
    ctx.in_process = setup.in_process;
    plan->program_fds = {fds[0], fds[1], fds[2], fds[3]};
    plan->program_fds.insert(plan->program_fds.end(), ctx.pass_fds.begin(), ctx.pass_fds.end());
    plan->output_fds = ctx.output_fds;
    for (const std::string& a : req.argv) plan->argv.push_back(const_cast<char*>(a.c_str()));
    plan->argv.push_back(nullptr);
    for (const auto& [k, v] : req.policy.env) plan->env_strings.push_back(k + "=" + v);
    for (std::string& s : plan->env_strings) plan->envp.push_back(s.data());
    plan->envp.push_back(nullptr);
    plan->space = linux::MakeRunSpacePlan("", req.policy, req.sandbox_uid, req.sandbox_uid,
                                          /*mount_proc=*/true);
    for (const FileOut& out : req.policy.outputs) {
      plan->output_names.push_back(out.name.c_str());
      plan->output_caps.push_back(out.max_bytes);
    }
    plan->end.pid_ns = true;
    plan->end.check_disk = true;
    plan->end.workdir = req.policy.workdir.c_str();
    plan->end.output_names = plan->output_names.data();
    plan->end.output_caps = plan->output_caps.data();
    plan->end.output_fds = plan->output_fds.data();
    plan->end.outputs = outputs;
    plan->end.program = req.argv.empty() ? "" : req.argv[0].c_str();
    plan->in_process = setup.in_process != nullptr && setup.in_process->accepts(req);
    plan->socket = setup.socket;
    plan->announce_pid = setup.cgroup_join.empty();
    g_plan = plan.get();
    pid_t init = CloneInit(plan.get(), stack_top);
    if (init < 0) {
      InitDone done;
      done.report.setup_failed = 1;
      CopyText(done.report.stage, sizeof done.report.stage, "clone init");
      done.report.err = errno;
      Send(setup.socket, &done, sizeof done);
    } else {
      int status = 0;
      while (::waitpid(init, &status, __WALL) < 0 && errno == EINTR) {
      }
      end.init_status = status;
    }
    g_plan = nullptr;
  }
  // Whatever of the run is still open (init was killed before closing it) goes now.
  keeper::CloseAllExcept({setup.socket});
  ScrubPlan(*plan);
  end.loopback_down = LoopbackDown() ? 1 : 0;
  Send(setup.socket, &end, sizeof end);
}

[[noreturn]] void HolderFailed(int socket, const std::string& message) {
  const std::string text = "E" + message;
  Send(socket, text.data(), text.size());
  ::_exit(1);
}

}  // namespace

void SlotHolderMain(const SlotSetup& setup) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::prctl(PR_SET_DUMPABLE, 0);
  ::prctl(PR_SET_NAME, "proctor-slot");
  // The holder lives in the slot's cgroup, so every run starts there without being moved:
  // moving a process takes the cgroup threadgroup lock for writing, an RCU grace period
  // (milliseconds) whenever no other move happened in the last few.
  for (int fd : setup.cgroup_join) {
    if (::write(fd, "0", 1) != 1) ::_exit(1);  // the zygote sees the slot end, and says why
    ::close(fd);
  }
  keeper::CloseAllExcept({setup.socket});
  if (setup.argv0 != nullptr) {
    // Every run's init shares this memory: /proc/1/cmdline reads "init".
    size_t n = std::strlen(setup.argv0);
    std::memset(setup.argv0, 0, n);
    std::memcpy(setup.argv0, "init", n < 4 ? n : 4);
  }
  std::string message;
  std::vector<int> fds;
  if (ReceiveMessage(setup.socket, &message, &fds) != 0 || message != "G") ::_exit(1);
  if (::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0)
    HolderFailed(setup.socket, std::string("become namespace root: ") + std::strerror(errno));
  // A credential change clears the parent-death signal: re-arm it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::sethostname(setup.shape.hostname.data(), setup.shape.hostname.size()) != 0)
    HolderFailed(setup.socket, std::string("sethostname: ") + std::strerror(errno));
  linux::SetupError root;
  if (!linux::BuildSlotRoot(setup.shape, setup.sandbox_uid, &root))
    HolderFailed(setup.socket, std::string(root.stage) + ": " + std::strerror(root.err) + " (" +
                                   root.detail + ")");
  void* stack = ::mmap(nullptr, kInitStackBytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) HolderFailed(setup.socket, std::string("mmap: ") + std::strerror(errno));
  char* stack_top = static_cast<char*>(stack) + kInitStackBytes;
  Send(setup.socket, "R", 1);
  for (;;) {
    int rc = ReceiveMessage(setup.socket, &message, &fds);
    if (rc == -1) ::_exit(0);  // the zygote closed the slot
    if (rc != 0) {
      if (rc == EAGAIN || rc == EMSGSIZE) continue;
      ::_exit(1);
    }
    if (!message.empty() && message[0] == 'S') {
      RunOne(setup, message, fds, stack_top);
    } else {
      for (int fd : fds) ::close(fd);
    }
    Scrub(message);
    fds.clear();
  }
}

}  // namespace proctor::sandbox::zygote
