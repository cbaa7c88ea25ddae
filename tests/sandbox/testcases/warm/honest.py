# An honest run that looks for every kind of state hostile.py leaves, and uses its whole
# disk and memory limits. Prints one JSON object of observations, then (after touching
# nearly all its memory) a second one; the test decides what each observation must be.
#
#   honest.py DISK_WRITE_BYTES MEMORY_TOUCH_BYTES [--hold]
import ctypes
import fcntl
import json
import os
import socket
import struct
import sys

KEY = 0x5A17C0DE
MQUEUE = b"/proctor-warm"
ABSTRACT = ["\0proctor-warm", "\0proctor-warm-daemon", "\0proctor-warm-child"]
INFLIGHT = "\0proctor-warm-inflight"
PATH_SOCKET = "/tmp/ADVMARK-warm.sock"
ANY_PORTS = {"tcp": [47011, 47021, 47022], "udp": [47012]}
LOOPBACK_PORTS = {"tcp": [47013], "udp": [47014]}
SIOCGIFFLAGS = 0x8913
MiB = 1 << 20

disk_write, memory_touch = int(sys.argv[1]), int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
seen = {}


def read_lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError as e:
        return ["unreadable errno %d" % e.errno]


def errno_of(rc):
    return 0 if rc >= 0 else ctypes.get_errno()


# What the kernel lists for this run's network namespace, before this run opens any socket.
seen["unix_sockets"] = [l.split()[7] if len(l.split()) > 7 else "(unnamed)"
                        for l in read_lines("/proc/net/unix")[1:]]
seen["inet_sockets"] = {}
for proto in ("tcp", "tcp6", "udp", "udp6"):
    seen["inet_sockets"][proto] = [l.split()[1] for l in read_lines("/proc/net/" + proto)[1:]]

# Processes: only this run's init (pid 1) and this program.
seen["self"] = os.getpid()
seen["processes"] = {}
for pid in sorted((p for p in os.listdir("/proc") if p.isdigit()), key=int):
    comm = read_lines("/proc/%s/comm" % pid)
    seen["processes"][pid] = comm[0] if comm else ""

# Files in each writable place, and the quota's free space.
seen["files"] = {d: sorted(os.listdir(d)) for d in ("/box", "/tmp", "/dev/shm")}
st = os.statvfs("/tmp")
seen["statvfs"] = {"bytes_total": st.f_blocks * st.f_frsize,
                   "bytes_free": st.f_bavail * st.f_frsize,
                   "inodes_total": st.f_files, "inodes_free": st.f_favail}

# SysV IPC and POSIX message queues: the same names find nothing; the namespace lists nothing.
seen["sysvipc"] = {k: read_lines("/proc/sysvipc/" + k)[1:] for k in ("shm", "sem", "msg")}
seen["shmget"] = errno_of(libc.shmget(KEY, ctypes.c_size_t(0), 0))
seen["semget"] = errno_of(libc.semget(KEY, 0, 0))
seen["msgget"] = errno_of(libc.msgget(KEY, 0))
seen["mq_open"] = errno_of(libc.mq_open(MQUEUE, os.O_RDONLY))

# Unix sockets: nobody listens on the abstract names; the path socket is gone.
seen["abstract_connect"] = {}
for name in ABSTRACT:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)  # a live listener with a full backlog: EAGAIN, not a hang
    seen["abstract_connect"][name[1:]] = s.connect_ex(name)
    s.close()
seen["path_socket_exists"] = os.path.lexists(PATH_SOCKET)
dgram = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
dgram.setblocking(False)  # a live receiver with a full queue: EAGAIN, not a hang
try:
    dgram.sendto(b"x", INFLIGHT)
    seen["inflight_sendto"] = 0
except OSError as e:
    seen["inflight_sendto"] = e.errno
dgram.close()


def bind_errno(proto, address):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    try:
        s.bind(address)
        if proto == "tcp":
            s.listen(1)
        return 0
    except OSError as e:
        return e.errno
    finally:
        s.close()


# Ports: every one the hostile run held is free again.
seen["bind_any"] = {"%s %d" % (proto, port): bind_errno(proto, ("0.0.0.0", port))
                    for proto, ports in ANY_PORTS.items() for port in ports}
seen["bind_loopback"] = {"%s %d" % (proto, port): bind_errno(proto, ("127.0.0.1", port))
                         for proto, ports in LOOPBACK_PORTS.items() for port in ports}
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
seen["lo_flags"] = struct.unpack(
    "16sh22x", fcntl.ioctl(probe, SIOCGIFFLAGS, struct.pack("16sh22x", b"lo", 0)))[1]
probe.close()

# The process's own world.
seen["cwd"] = os.getcwd()
seen["env"] = dict(os.environ)
seen["hostname"] = socket.gethostname()

# The whole disk quota: a file of nearly its size, then inodes until the quota refuses one.
written = 0
try:
    with open("/tmp/honest-big", "wb", buffering=0) as f:
        block = b"\x3c" * MiB
        while written < disk_write:
            written += f.write(block[:disk_write - written])
    seen["disk_write"] = [written, 0]
except OSError as e:
    seen["disk_write"] = [written, e.errno]
if os.path.exists("/tmp/honest-big"):
    os.remove("/tmp/honest-big")
created = 0
try:
    os.mkdir("/tmp/honest-inodes")
    while True:
        os.close(os.open("/tmp/honest-inodes/%d" % created, os.O_CREAT | os.O_WRONLY, 0o600))
        created += 1
except OSError as e:
    seen["inodes_created"] = [created, e.errno]
for i in range(created):
    os.remove("/tmp/honest-inodes/%d" % i)
if os.path.isdir("/tmp/honest-inodes"):
    os.rmdir("/tmp/honest-inodes")
print(json.dumps(seen, sort_keys=True), flush=True)

# Nearly the whole memory limit, every page touched (an OOM kill fails the run).
memory = bytearray(memory_touch)
memory[::4096] = b"\x01" * len(range(0, memory_touch, 4096))
print(json.dumps({"memory_touched": sum(memory[::4096]) * 4096}), flush=True)
if "--hold" in sys.argv[3:]:
    # Holds its slot until the test says so: writes "holding\n" on fd 3, waits for EOF on fd 4.
    os.write(3, b"holding\n")
    while os.read(4, 1):
        pass
