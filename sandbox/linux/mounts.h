// The filesystem view of a run, built inside its new mount namespace (by the run's init):
// a read-only root holding only the language's paths, a fresh /proc, a minimal /dev, and one
// size- and inode-capped tmpfs shared by the work dir, /tmp and /dev/shm.
#pragma once

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

}  // namespace proctor::sandbox::linux
