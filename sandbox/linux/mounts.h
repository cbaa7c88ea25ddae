// The filesystem view of a run, built inside its new mount namespace (by the run's init):
// a read-only root holding only the language's paths, a fresh /proc, a minimal /dev, and one
// size- and inode-capped tmpfs shared by the work dir, /tmp and /dev/shm.
#pragma once

#include <sys/types.h>

#include <string>

#include "sandbox/policy.h"

namespace proctor::sandbox::linux {

// Directory on the host used as the (private) mount point of every run's new root.
inline constexpr char kNewRootMountPoint[] = "/run/proctor/root";

struct SetupError {
  const char* stage = nullptr;  // null: no error
  int err = 0;                  // errno
  std::string detail;           // the path involved
};

// Builds the root and pivots into it. `uid`/`gid`: owner of the writable space.
// Returns false with `*error` filled. Runs single-threaded in the run's init.
bool BuildRoot(const Policy& policy, unsigned uid, unsigned gid, bool mount_proc,
               SetupError* error);

// A warm slot's root (docs/sandbox.md): the same tree without the writable space and /proc,
// which every run mounts fresh in its own mount namespace (MountRunSpace). Pivots into it.
bool BuildSlotRoot(const Policy& policy, unsigned uid, SetupError* error);

// The run's own space, every path prepared ahead so that mounting it allocates nothing (a
// warm slot's init shares its holder's memory): one size- and inode-capped tmpfs split into
// the work dir, /tmp and /dev/shm, and a /proc of the run's pid namespace.
struct RunSpacePlan {
  struct Part {
    std::string dir;     // inside the scratch tmpfs
    std::string target;  // where it is bound
    mode_t mode = 0755;
  };
  std::string scratch;        // the capped tmpfs' mount point before it is split up
  std::string tmpfs_options;
  Part parts[3];              // work dir, /tmp, /dev/shm
  std::string proc;           // empty: no /proc
  unsigned uid = 0, gid = 0;  // owner of the writable dirs
};
struct RunSpaceError {
  const char* stage = nullptr;
  int err = 0;
  const char* detail = "";
};
RunSpacePlan MakeRunSpacePlan(const std::string& root, const Policy& policy, unsigned uid,
                              unsigned gid, bool mount_proc);
bool MountRunSpace(const RunSpacePlan& plan, RunSpaceError* error);

// Writes policy.files into the work dir (after the pivot), owned by uid/gid.
bool WriteInputFiles(const Policy& policy, unsigned uid, unsigned gid, SetupError* error);

}  // namespace proctor::sandbox::linux
