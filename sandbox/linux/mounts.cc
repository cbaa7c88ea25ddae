#include "sandbox/linux/mounts.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace proctor::sandbox::linux {
namespace {

constexpr char kScratch[] = "/.proctor-scratch";  // the capped tmpfs, split into three binds
constexpr char kCoveredProc[] = "/.proctor-proc";  // a warm slot's covered host proc

bool Fail(SetupError* e, const char* stage, const std::string& detail) {
  e->stage = stage;
  e->err = errno;
  e->detail = detail;
  return false;
}

// mkdir -p (each component created 0755).
bool MakeDirs(const std::string& path) {
  std::string cur;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    cur = path.substr(0, j);
    if (!cur.empty() && ::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return false;
    i = j + 1;
  }
  return true;
}

bool WriteNewFile(const std::string& path, const std::string& data, mode_t mode, unsigned uid,
                  unsigned gid) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  bool ok = ::fchown(fd, uid, gid) == 0 && ::fchmod(fd, mode) == 0;
  ::close(fd);
  return ok;
}

// Mount flags a bind must keep when remounted inside a user namespace (they are locked).
unsigned long LockedFlags(const std::string& path) {
  struct statvfs sv;
  if (::statvfs(path.c_str(), &sv) != 0) return 0;
  unsigned long flags = 0;
  if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

// Binds host `source` at `root + target`, read-only unless `writable`.
bool BindPath(const std::string& root, const std::string& source, const std::string& target,
              bool writable, bool keep_dev, SetupError* e) {
  struct stat st;
  if (::lstat(source.c_str(), &st) != 0) return Fail(e, "bind: source missing", source);
  const std::string dest = root + target;
  if (S_ISLNK(st.st_mode)) {
    // A host symlink (e.g. /lib64 -> usr/lib64 on merged-/usr systems) is recreated as is.
    char link[PATH_MAX];
    ssize_t n = ::readlink(source.c_str(), link, sizeof link - 1);
    if (n < 0) return Fail(e, "bind: readlink", source);
    link[n] = '\0';
    std::string parent = dest.substr(0, dest.rfind('/'));
    if (!MakeDirs(parent)) return Fail(e, "bind: mkdir", parent);
    if (::symlink(link, dest.c_str()) != 0 && errno != EEXIST)
      return Fail(e, "bind: symlink", dest);
    return true;
  }
  if (S_ISDIR(st.st_mode)) {
    if (!MakeDirs(dest)) return Fail(e, "bind: mkdir", dest);
  } else {
    std::string parent = dest.substr(0, dest.rfind('/'));
    if (!MakeDirs(parent)) return Fail(e, "bind: mkdir", parent);
    int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Fail(e, "bind: create mount point", dest);
    ::close(fd);
  }
  if (::mount(source.c_str(), dest.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
    return Fail(e, "bind: mount", source);
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID | LockedFlags(source);
  if (!keep_dev) flags |= MS_NODEV;
  if (!writable) flags |= MS_RDONLY;
  if (::mount(nullptr, dest.c_str(), nullptr, flags, nullptr) != 0)
    return Fail(e, "bind: remount read-only", dest);
  return true;
}

// Everything of the root that holds no state of a run: the read-only binds, /dev, /etc, and
// (for a warm slot) the mount points the run's own space is mounted on.
bool BuildTree(const Policy& policy, unsigned uid, bool mount_points, SetupError* e) {
  const std::string root = kNewRootMountPoint;
  // IMPORTANT: nothing mounted from here on may propagate back to the host.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return Fail(e, "make mounts private", "/");
  if (::mount("tmpfs", root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
              "size=1m,nr_inodes=4096,mode=755") != 0)
    return Fail(e, "mount root tmpfs", root);

  // Merged-/usr symlinks so that /lib64/ld-linux*.so and #!/bin/sh resolve.
  for (const char* link : {"/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"}) {
    struct stat st;
    if (::lstat(link, &st) == 0 && S_ISLNK(st.st_mode) &&
        !BindPath(root, link, link, false, false, e))
      return false;
  }
  for (const std::string& path : policy.readonly_paths) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;  // optional on this host
    if (!BindPath(root, path, path, false, false, e)) return false;
  }
  for (const Bind& b : policy.binds) {
    if (!BindPath(root, b.source, b.target.empty() ? b.source : b.target, b.writable, false, e))
      return false;
  }
  {
    std::string var = root + "/var";
    if (MakeDirs(var)) ::symlink("/tmp", (var + "/tmp").c_str());
  }

  // A minimal /dev: the harmless character devices, bound from the host's.
  if (!MakeDirs(root + "/dev")) return Fail(e, "mkdir", "/dev");
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"}) {
    if (!BindPath(root, dev, dev, true, true, e)) return false;
  }
  ::symlink("/proc/self/fd", (root + "/dev/fd").c_str());
  ::symlink("/proc/self/fd/0", (root + "/dev/stdin").c_str());
  ::symlink("/proc/self/fd/1", (root + "/dev/stdout").c_str());
  ::symlink("/proc/self/fd/2", (root + "/dev/stderr").c_str());

  // /etc with only what programs ask for; nothing of the host's /etc but the binds above.
  if (!MakeDirs(root + "/etc")) return Fail(e, "mkdir", "/etc");
  const std::string user = std::to_string(uid);
  WriteNewFile(root + "/etc/passwd",
               "root:x:0:0:root:/:/usr/sbin/nologin\nsandbox:x:" + user + ":" + user +
                   ":sandbox:" + policy.workdir + ":/usr/sbin/nologin\n",
               0644, 0, 0);
  WriteNewFile(root + "/etc/group", "root:x:0:\nsandbox:x:" + user + ":\n", 0644, 0, 0);
  WriteNewFile(root + "/etc/hosts", "127.0.0.1 localhost\n", 0644, 0, 0);

  if (mount_points) {
    for (const std::string& dir : {std::string(kScratch), policy.workdir, std::string("/tmp"),
                                   std::string("/dev/shm"), std::string("/proc")})
      if (!MakeDirs(root + dir)) return Fail(e, "mkdir", dir);
  }
  return true;
}

// A user namespace may mount a new proc only where its mount namespace already holds a fully
// visible one (the kernel's mnt_already_visible). A warm slot's runs mount theirs after the
// pivot, so the slot keeps the host's proc mounted, covered at once by an empty read-only
// tmpfs: nothing of it can be seen or reached through the run's root.
bool KeepCoveredProc(SetupError* e) {
  const std::string target = std::string(kNewRootMountPoint) + kCoveredProc;
  if (!MakeDirs(target)) return Fail(e, "mkdir", target);
  if (::mount("/proc", target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
    return Fail(e, "bind host proc", target);
  if (::mount("tmpfs", target.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=4k,nr_inodes=2,mode=000") != 0)
    return Fail(e, "cover host proc", target);
  return true;
}

// Enters the new root, drops the old one entirely, and makes the root read-only.
bool PivotIntoRoot(SetupError* e) {
  const std::string root = kNewRootMountPoint;
  if (::chdir(root.c_str()) != 0) return Fail(e, "chdir new root", root);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return Fail(e, "pivot_root", root);
  if (::umount2(".", MNT_DETACH) != 0) return Fail(e, "detach old root", "/");
  if (::chdir("/") != 0) return Fail(e, "chdir /", "/");
  if (::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
              nullptr) != 0)
    return Fail(e, "remount root read-only", "/");
  return true;
}

bool RunStageFailed(RunSpaceError* e, const char* stage, const char* detail) {
  e->stage = stage;
  e->err = errno;
  e->detail = detail;
  return false;
}

}  // namespace

RunSpacePlan MakeRunSpacePlan(const std::string& root, const Policy& policy, unsigned uid,
                              unsigned gid, bool mount_proc) {
  RunSpacePlan plan;
  plan.scratch = root + kScratch;
  plan.tmpfs_options = "size=" + std::to_string(policy.limits.disk_bytes) +
                       ",nr_inodes=" + std::to_string(policy.limits.disk_inodes) + ",mode=700";
  const char* names[3] = {"/work", "/tmp", "/shm"};
  const std::string targets[3] = {policy.workdir, "/tmp", "/dev/shm"};
  const mode_t modes[3] = {0755, 01777, 01777};
  for (int i = 0; i < 3; ++i) {
    plan.parts[i].dir = plan.scratch + names[i];
    plan.parts[i].target = root + targets[i];
    plan.parts[i].mode = modes[i];
  }
  plan.proc = mount_proc ? root + "/proc" : "";
  plan.uid = uid;
  plan.gid = gid;
  return plan;
}

bool MountRunSpace(const RunSpacePlan& plan, RunSpaceError* e) {
  if (::mount("tmpfs", plan.scratch.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
              plan.tmpfs_options.c_str()) != 0)
    return RunStageFailed(e, "mount work tmpfs", plan.scratch.c_str());
  for (const RunSpacePlan::Part& part : plan.parts) {
    if (::mkdir(part.dir.c_str(), part.mode) != 0 || ::chmod(part.dir.c_str(), part.mode) != 0 ||
        ::chown(part.dir.c_str(), plan.uid, plan.gid) != 0)
      return RunStageFailed(e, "prepare writable dir", part.dir.c_str());
    if (::mount(part.dir.c_str(), part.target.c_str(), nullptr, MS_BIND, nullptr) != 0)
      return RunStageFailed(e, "bind writable dir", part.target.c_str());
  }
  // The tmpfs itself stays mounted where the run cannot enter it (mode 700, owned by the
  // namespace's root): detaching it would wait for an RCU grace period on every run.
  if (!plan.proc.empty() && ::mount("proc", plan.proc.c_str(), "proc",
                                    MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return RunStageFailed(e, "mount /proc", plan.proc.c_str());
  return true;
}

bool WriteInputFiles(const Policy& policy, unsigned uid, unsigned gid, SetupError* e) {
  for (const FileIn& f : policy.files) {
    if (f.name.empty() || f.name[0] == '/' || f.name.find("..") != std::string::npos ||
        f.name.find('/') != std::string::npos) {
      errno = EINVAL;
      return Fail(e, "input file name", f.name);
    }
    if (!WriteNewFile(policy.workdir + "/" + f.name, f.contents, f.executable ? 0755 : 0644, uid,
                      gid))
      return Fail(e, "write input file", f.name);
  }
  return true;
}

bool BuildRoot(const Policy& policy, unsigned uid, unsigned gid, bool mount_proc,
               SetupError* e) {
  if (!BuildTree(policy, uid, /*mount_points=*/true, e)) return false;
  const RunSpacePlan plan = MakeRunSpacePlan(kNewRootMountPoint, policy, uid, gid, mount_proc);
  RunSpaceError run_error;
  if (!MountRunSpace(plan, &run_error)) {
    errno = run_error.err;
    return Fail(e, run_error.stage, run_error.detail);
  }
  if (!PivotIntoRoot(e)) return false;
  return WriteInputFiles(policy, uid, gid, e);
}

bool BuildSlotRoot(const Policy& policy, unsigned uid, SetupError* e) {
  return BuildTree(policy, uid, /*mount_points=*/true, e) && KeepCoveredProc(e) &&
         PivotIntoRoot(e);
}

}  // namespace proctor::sandbox::linux
