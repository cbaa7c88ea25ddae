"""Readings of the server's resources from /proc, the cgroup tree and the file system.

One `Sampler.sample()` is a dict of numbers (the columns of the soak's table). It reads, for
the server process and its fork server(s) (`proctor-zygote`, children of the server):
RSS, open descriptors and threads; the server's descendant processes and the fork server's children (at quiesce: the warm
slots' holders); the cgroups Proctor made
for this server (run cgroups are named `<server pid>-<n>`, warm slots' `slot-<zygote pid>-<n>`,
under `proctor/` of each cgroup v1 controller, or of the server's own cgroup v2) and the
processes in them; mount table sizes (the host's, and the largest of the sandboxes' own mount
namespaces below the server); the compile cache's size; leftover build directories in the server's
TMPDIR. Other servers on the machine (other tests) have their own names and are not counted.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

CGROUP_ROOT = "/sys/fs/cgroup"
V1_CONTROLLERS = ("pids", "memory", "cpuacct")


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def status_of(pid: int) -> Dict[str, int]:
    """VmRSS (KiB) and Threads of a process; {} when it is gone."""
    text = _read(f"/proc/{pid}/status")
    out: Dict[str, int] = {}
    for line in (text or "").splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "Threads"):
            out[key] = int(value.split()[0])
    return out


def fd_count(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def comm_of(pid: int) -> str:
    return (_read(f"/proc/{pid}/comm") or "").strip()


def process_table() -> Dict[int, int]:
    """pid -> parent pid of every process."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        text = _read(f"/proc/{name}/stat")
        if not text:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = text[text.rfind(")") + 2:].split()
        if len(fields) > 1:
            table[int(name)] = int(fields[1])
    return table


def descendants(pid: int, table: Dict[int, int]) -> List[int]:
    children: Dict[int, List[int]] = {}
    for child, parent in table.items():
        children.setdefault(parent, []).append(child)
    out, todo = [], list(children.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def mount_lines(pid: int) -> int:
    text = _read(f"/proc/{pid}/mountinfo")
    return text.count("\n") if text else 0


def dir_size(path: str) -> Tuple[int, int, int]:
    """(bytes, entries, temporary entries) of a flat cache folder."""
    total = entries = temporary = 0
    try:
        with os.scandir(path) as it:
            for e in it:
                try:
                    total += e.stat(follow_symlinks=False).st_size
                except OSError:
                    continue
                entries += 1
                temporary += e.name.startswith(".tmp-")
    except OSError:
        pass
    return total, entries, temporary


class Sampler:
    def __init__(self, server_pid: int, compile_cache: str, tmpdir: str):
        self.server_pid = server_pid
        self.compile_cache = compile_cache
        self.tmpdir = tmpdir
        self.cgroup_parents = self._cgroup_parents()

    def _cgroup_parents(self) -> List[str]:
        """Where Proctor makes its cgroups: proctor/ under each v1 controller, or the v2 one."""
        if os.path.isdir(os.path.join(CGROUP_ROOT, "pids")):
            return [os.path.join(CGROUP_ROOT, c, "proctor") for c in V1_CONTROLLERS]
        own = ""
        for line in (_read(f"/proc/{self.server_pid}/cgroup") or "").splitlines():
            if line.startswith("0::"):
                own = line[3:].strip().lstrip("/")
        return [os.path.join(CGROUP_ROOT, own, "proctor")]

    def zygotes(self, table: Dict[int, int]) -> List[int]:
        return [c for c, parent in table.items()
                if parent == self.server_pid and comm_of(c).startswith("proctor-zygote")]

    def cgroups(self, zygotes: List[int]) -> Dict[str, int]:
        """Run and slot cgroups of this server (the first controller's; every controller's
        directory count in `cgroup_dirs_all`), and the processes in them."""
        mine_run = f"{self.server_pid}-"
        mine_slot = tuple(f"slot-{z}-" for z in zygotes)
        out = {"run_cgroups": 0, "slot_cgroups": 0, "cgroup_procs": 0, "run_cgroup_procs": 0,
               "cgroup_dirs_all": 0}
        for i, parent in enumerate(self.cgroup_parents):
            try:
                names = os.listdir(parent)
            except OSError:
                continue
            for name in names:
                is_run = name.startswith(mine_run)
                is_slot = bool(mine_slot) and name.startswith(mine_slot)
                if not (is_run or is_slot):
                    continue
                if not os.path.isdir(os.path.join(parent, name)):
                    continue
                out["cgroup_dirs_all"] += 1
                if i > 0:
                    continue
                out["run_cgroups" if is_run else "slot_cgroups"] += 1
                procs = _read(os.path.join(parent, name, "cgroup.procs")) or ""
                n = len(procs.split())
                out["cgroup_procs"] += n
                if is_run:
                    out["run_cgroup_procs"] += n
        return out

    def slot_members(self, zygotes: List[int]) -> set:
        """Processes in this server's slot cgroups (first controller)."""
        out: set = set()
        prefixes = tuple(f"slot-{z}-" for z in zygotes)
        if not prefixes or not self.cgroup_parents:
            return out
        parent = self.cgroup_parents[0]
        try:
            names = [n for n in os.listdir(parent) if n.startswith(prefixes)]
        except OSError:
            return out
        for name in names:
            out.update(int(x) for x in (_read(os.path.join(parent, name, "cgroup.procs"))
                                        or "").split())
        return out

    def sample(self) -> Dict[str, float]:
        table = process_table()
        zygotes = self.zygotes(table)
        server = status_of(self.server_pid)
        s: Dict[str, float] = {
            "server_rss_mib": server.get("VmRSS", 0) / 1024,
            "server_fds": fd_count(self.server_pid),
            "server_threads": server.get("Threads", 0),
            "zygotes": len(zygotes),
            "zygote_rss_mib": 0.0, "zygote_fds": 0, "zygote_threads": 0,
        }
        for z in zygotes:
            st = status_of(z)
            s["zygote_rss_mib"] += st.get("VmRSS", 0) / 1024
            s["zygote_fds"] += fd_count(z)
            s["zygote_threads"] += st.get("Threads", 0)
        below = descendants(self.server_pid, table)
        s["processes"] = len(below)
        # The fork server's children: its warm slots' holders, and runs forked outside a slot.
        s["zygote_children"] = sum(1 for p in below if table.get(p) in zygotes)
        s.update(self.cgroups(zygotes))
        host = _read(f"/proc/{os.getpid()}/mountinfo") or ""
        s["host_mounts"] = host.count("\n")
        s["proctor_host_mounts"] = sum(1 for line in host.splitlines() if "proctor" in line)
        s["server_mounts"] = mount_lines(self.server_pid)
        # The sandboxes' own mount namespaces (warm slots' and runs'), not the host's.
        host_ns = os.readlink("/proc/self/ns/mnt")
        ns_lines: Dict[str, int] = {}
        for p in below:
            try:
                ns = os.readlink(f"/proc/{p}/ns/mnt")
            except OSError:
                continue
            if ns != host_ns:
                ns_lines[ns] = max(ns_lines.get(ns, 0), mount_lines(p))
        s["mount_namespaces"] = len(ns_lines)
        s["ns_mounts_max"] = max(ns_lines.values(), default=0)
        # The warm slots' namespaces outlive their runs: a mount left behind would pile up
        # there. Their holders are the fork server's children in slot cgroups.
        holders = self.slot_members(zygotes) & {p for p in below if table.get(p) in zygotes}
        s["slot_mounts_max"] = max((mount_lines(p) for p in holders), default=0)
        size, entries, temporary = dir_size(self.compile_cache)
        s["cache_mib"] = size / (1 << 20)
        s["cache_entries"] = entries
        s["cache_tmp"] = temporary
        try:
            s["tmpdir_entries"] = len(os.listdir(self.tmpdir))
        except OSError:
            s["tmpdir_entries"] = 0
        return s
