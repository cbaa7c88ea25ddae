// Identity of the program: user namespace id maps (written by the keeper, outside), and in the
// child the switch to the unprivileged uid with every capability gone.
#pragma once

#include <sys/types.h>

#include <string>

namespace proctor::sandbox::linux {

// Maps ids 0..65535 inside `pid`'s user namespace to host_base.. outside (host root only).
bool WriteIdMaps(pid_t pid, unsigned host_base, std::string* error);

// Drops to uid/gid with no supplementary groups, no capabilities (bounding and ambient sets
// cleared) and no_new_privs. Returns the failing stage name or nullptr. Async-signal-safe.
const char* DropPrivileges(unsigned uid, unsigned gid);

}  // namespace proctor::sandbox::linux
