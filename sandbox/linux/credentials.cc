#include "sandbox/linux/credentials.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/linux/cgroup.h"

namespace proctor::sandbox::linux {

bool WriteIdMaps(pid_t pid, unsigned host_base, std::string* error) {
  const std::string proc = "/proc/" + std::to_string(pid);
  const std::string map = "0 " + std::to_string(host_base) + " 65536\n";
  return WriteFileString(proc + "/uid_map", map, error) &&
         WriteFileString(proc + "/gid_map", map, error);
}

const char* DropPrivileges(unsigned uid, unsigned gid) {
  // Bounding set first: dropping it needs CAP_SETPCAP, which setresuid() below takes away.
  for (int cap = 0; cap <= 63; ++cap) {
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      if (errno == EINVAL && cap > 0) break;  // past the kernel's last capability
      return "capbset";
    }
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return "ambient caps";
  if (::setgroups(0, nullptr) != 0) return "setgroups";
  if (::setresgid(gid, gid, gid) != 0) return "setresgid";
  if (::setresuid(uid, uid, uid) != 0) return "setresuid";
  // setresuid() from 0 to non-0 clears permitted/effective caps; check nothing is left.
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return "capget";
  for (const auto& d : data)
    if (d.effective != 0 || d.permitted != 0 || d.inheritable != 0) return "capabilities remain";
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return "no_new_privs";
  return nullptr;
}

}  // namespace proctor::sandbox::linux
