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

constexpr char kScratch[] = "/.proctor-scratch";  // the capped tmpfs before it is split up

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

}  // namespace

bool BuildRoot(const Policy& policy, unsigned uid, unsigned gid, bool mount_proc,
               SetupError* e) {
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

  // The writable space: one capped tmpfs, split into the work dir, /tmp and /dev/shm.
  const std::string scratch = root + kScratch;
  if (::mkdir(scratch.c_str(), 0755) != 0) return Fail(e, "mkdir scratch", scratch);
  const std::string opts = "size=" + std::to_string(policy.limits.disk_bytes) +
                           ",nr_inodes=" + std::to_string(policy.limits.disk_inodes) +
                           ",mode=755";
  if (::mount("tmpfs", scratch.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) != 0)
    return Fail(e, "mount work tmpfs", scratch);
  struct Part {
    const char* name;
    std::string target;
    mode_t mode;
  };
  const Part parts[] = {{"/work", policy.workdir, 0755}, {"/tmp", "/tmp", 01777},
                        {"/shm", "/dev/shm", 01777}};
  for (const Part& part : parts) {
    std::string dir = scratch + part.name;
    if (::mkdir(dir.c_str(), part.mode) != 0 || ::chmod(dir.c_str(), part.mode) != 0 ||
        ::chown(dir.c_str(), uid, gid) != 0)
      return Fail(e, "prepare writable dir", dir);
  }
  for (const FileIn& f : policy.files) {
    if (f.name.empty() || f.name[0] == '/' || f.name.find("..") != std::string::npos ||
        f.name.find('/') != std::string::npos) {
      errno = EINVAL;
      return Fail(e, "input file name", f.name);
    }
    if (!WriteNewFile(scratch + "/work/" + f.name, f.contents, f.executable ? 0755 : 0644, uid,
                      gid))
      return Fail(e, "write input file", f.name);
  }
  for (const Part& part : parts) {
    std::string dest = root + part.target;
    if (!MakeDirs(dest)) return Fail(e, "mkdir", dest);
    if (::mount((scratch + part.name).c_str(), dest.c_str(), nullptr, MS_BIND, nullptr) != 0)
      return Fail(e, "bind writable dir", dest);
  }
  if (::umount2(scratch.c_str(), MNT_DETACH) != 0) return Fail(e, "detach scratch", scratch);
  ::rmdir(scratch.c_str());
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

  if (mount_proc) {
    if (!MakeDirs(root + "/proc")) return Fail(e, "mkdir", "/proc");
    if (::mount("proc", (root + "/proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                nullptr) != 0)
      return Fail(e, "mount /proc", root + "/proc");
  }

  // Enter the new root and drop the old one entirely.
  if (::chdir(root.c_str()) != 0) return Fail(e, "chdir new root", root);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return Fail(e, "pivot_root", root);
  if (::umount2(".", MNT_DETACH) != 0) return Fail(e, "detach old root", "/");
  if (::chdir("/") != 0) return Fail(e, "chdir /", "/");
  if (::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
              nullptr) != 0)
    return Fail(e, "remount root read-only", "/");
  return true;
}

}  // namespace proctor::sandbox::linux
