# Leaves every kind of state a run can leave behind for the next run in the same warm slot,
# then exits 0 while its survivors still live. Each attempt is best effort; one JSON object on
# stdout says what it managed, so the test can assert the hostile part really happened.
#
#   hostile.py [--handshake] [--inflight-cycle]
#     --handshake: writes "planted\n" on fd 3 once everything is in place, then waits for EOF
#                  on fd 4 before exiting.
#     --inflight-cycle: also leaves Unix sockets referenced only by their own descriptors in
#                  flight, which outlive every process until the kernel collects the cycle.
import ctypes
import errno
import fcntl
import json
import os
import signal
import socket
import struct
import sys

KEY = 0x5A17C0DE               # the SysV key for the segment, semaphore set and queue
MQUEUE = b"/proctor-warm"
ABSTRACT = "\0proctor-warm"
INFLIGHT = "\0proctor-warm-inflight"   # a datagram socket whose only reference is in flight
PATH_SOCKET = "/tmp/ADVMARK-warm.sock"
TCP_ANY, UDP_ANY, TCP_LOOP, UDP_LOOP = 47011, 47012, 47013, 47014
SURVIVOR_PORTS = {"daemon": 47021, "child": 47022}
MiB = 1 << 20
SHM_FILE_BYTES = 40 * MiB      # /dev/shm, charged to the run's memory
SYSV_BYTES = 48 * MiB          # one SysV segment, touched so that it is charged

IPC_CREAT, IPC_PRIVATE, IPC_NOWAIT = 0o1000, 0, 0o4000
PR_SET_NAME = 15
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmdt.argtypes = [ctypes.c_void_p]
libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
libc.msgsnd.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_ulong,
                       ctypes.c_ulong]
report = {}


def attempt(name, fn):
    """Records fn()'s value, or the errno (an int) or exception text it failed with."""
    try:
        report[name] = fn()
    except OSError as e:
        report[name] = {"errno": e.errno}
    except Exception as e:  # noqa: BLE001 - the test reads the text
        report[name] = {"error": repr(e)}


def c_errno(rc):
    if rc == -1:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return rc


def plant_file(path):
    with open(path, "w") as f:
        f.write("ADVMARK")
    return os.path.exists(path)


def write_until_full(path, total=None):
    """Writes into path until `total` bytes, or until full; returns [bytes, errno or 0]."""
    written, err = 0, 0
    with open(path, "wb", buffering=0) as f:
        for size in (MiB, 4096):  # big blocks, then the last partial megabyte
            block = b"\xa5" * size
            while total is None or written < total:
                try:
                    written += f.write(block if total is None else block[:total - written])
                except OSError as e:
                    err = e.errno
                    break
    return [written, err]


def sysv_segment(key, size):
    shmid = c_errno(libc.shmget(key, ctypes.c_size_t(size), IPC_CREAT | 0o600))
    addr = libc.shmat(shmid, None, 0)
    if addr in (None, ctypes.c_void_p(-1).value):
        c_errno(-1)
    libc.memset(addr, 0x5A, size)  # every page now belongs to the run's memory cgroup
    libc.shmdt(ctypes.c_void_p(addr))
    return {"id": shmid, "touched": size}


def sysv_queue():
    qid = c_errno(libc.msgget(KEY, IPC_CREAT | 0o600))
    text = b"ADVMARK-warm-message"
    message = struct.pack("l", 1) + text
    c_errno(libc.msgsnd(qid, message, len(text), IPC_NOWAIT))
    return {"id": qid, "sent": len(text)}


def posix_mqueue():
    mqd = c_errno(libc.mq_open(MQUEUE, os.O_CREAT | os.O_RDWR, 0o600, None))
    c_errno(libc.mq_send(mqd, b"ADVMARK", ctypes.c_size_t(7), 0))
    return {"mqd": mqd, "sent": 7}


def listening(family, kind, address):
    s = socket.socket(family, kind)
    s.bind(address)
    if kind == socket.SOCK_STREAM:
        s.listen(8)
    KEEP.append(s)
    return True


def bring_lo_up():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ifreq = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sh22x", b"lo", 0))
    flags = struct.unpack("16sh22x", ifreq)[1]
    fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", flags | IFF_UP))
    return True


def survive(kind, ready_fd):
    """A process that outlives the run's main process, holding an abstract socket, a TCP
    port and a deleted file's space; it never exits by itself."""
    libc.prctl(PR_SET_NAME, b"ADVMARK-warm-" + kind.encode(), 0, 0, 0)
    held = {"pid": os.getpid(), "sid": os.getsid(0)}
    try:
        listening(socket.AF_UNIX, socket.SOCK_STREAM, "\0proctor-warm-" + kind)
        held["abstract"] = True
    except OSError as e:
        held["abstract"] = {"errno": e.errno}
    try:
        listening(socket.AF_INET, socket.SOCK_STREAM, ("0.0.0.0", SURVIVOR_PORTS[kind]))
        held["tcp"] = True
    except OSError as e:
        held["tcp"] = {"errno": e.errno}
    try:
        f = open("/tmp/ADVMARK-held-" + kind, "wb")
        f.write(b"\x5a" * MiB)
        f.flush()
        os.unlink(f.name)
        KEEP.append(f)
        held["deleted_file"] = True
    except OSError as e:
        held["deleted_file"] = {"errno": e.errno}
    os.write(ready_fd, (json.dumps({kind: held}) + "\n").encode())
    os.close(ready_fd)
    while True:
        signal.pause()


KEEP = []
handshake = "--handshake" in sys.argv[1:]

# Survivors first (small, before the memory is charged): a setsid double-forked daemon and a
# plain background child. Each reports on a pipe once it holds what it holds.
ready_r, ready_w = os.pipe()
daemon_parent = os.fork()
if daemon_parent == 0:
    os.close(ready_r)
    os.setsid()
    if os.fork() == 0:
        survive("daemon", ready_w)
    os._exit(0)
os.waitpid(daemon_parent, 0)
if os.fork() == 0:
    os.close(ready_r)
    survive("child", ready_w)
os.close(ready_w)
with os.fdopen(ready_r) as ready:
    report["survivors"] = {}
    for line in ready:  # EOF once both have reported (or died)
        report["survivors"].update(json.loads(line))

# Files in each writable place.
for where in ("/box", "/tmp", "/dev/shm"):
    attempt("file " + where, lambda where=where: plant_file(where + "/ADVMARK-warm"))
attempt("dir /tmp", lambda: os.makedirs("/tmp/ADVMARK-dir/sub") or True)

# Memory charged through tmpfs (/dev/shm) and SysV shared memory.
attempt("shm_file", lambda: write_until_full("/dev/shm/ADVMARK-big", SHM_FILE_BYTES))
attempt("sysv_shm", lambda: sysv_segment(KEY, SYSV_BYTES))
attempt("sysv_shm_private", lambda: sysv_segment(IPC_PRIVATE, MiB))
attempt("sysv_sem", lambda: c_errno(libc.semget(KEY, 4, IPC_CREAT | 0o600)))
attempt("sysv_msg", sysv_queue)
attempt("mqueue", posix_mqueue)

# Sockets: abstract and path Unix sockets, TCP and UDP ports on the loopback and on any.
attempt("abstract_socket", lambda: listening(socket.AF_UNIX, socket.SOCK_STREAM, ABSTRACT))
attempt("path_socket", lambda: listening(socket.AF_UNIX, socket.SOCK_STREAM, PATH_SOCKET))
attempt("tcp_loopback",
        lambda: listening(socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", TCP_LOOP)))
attempt("udp_loopback",
        lambda: listening(socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", UDP_LOOP)))
attempt("tcp_any", lambda: listening(socket.AF_INET, socket.SOCK_STREAM, ("0.0.0.0", TCP_ANY)))
attempt("udp_any", lambda: listening(socket.AF_INET, socket.SOCK_DGRAM, ("0.0.0.0", UDP_ANY)))
attempt("lo_up", bring_lo_up)


def rights(*fds):
    return (socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("%di" % len(fds), *fds))


def inflight_cycles():
    """Unix sockets kept alive only by their own descriptors in flight (SCM_RIGHTS to
    themselves): after the process exits they live on until the kernel's garbage collector
    finds the cycle. One holds an abstract name."""
    named = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    named.bind(INFLIGHT)
    named.sendmsg([b"x"], [rights(named.fileno())], 0, INFLIGHT)
    x, y = socket.socketpair()
    x.sendmsg([b"x"], [rights(x.fileno(), y.fileno())])
    KEEP.extend([named, x, y])
    return True


if "--inflight-cycle" in sys.argv[1:]:
    attempt("inflight_cycles", inflight_cycles)

# The process's own environment and working directory.
os.environ["ADVMARK_ENV"] = "leaked"     # putenv
os.environ["PATH"] = "/tmp/ADVMARK-bin"
os.chdir("/tmp")
report["environ"] = sorted(os.environ)
report["cwd"] = os.getcwd()

# A full disk quota: bytes, then inodes (last: nothing after this needs a new file).
attempt("disk_fill", lambda: write_until_full("/tmp/ADVMARK-fill"))
def fill_inodes():
    n = 0
    try:
        while True:
            os.close(os.open("/tmp/ADVMARK-dir/i%d" % n, os.O_CREAT | os.O_WRONLY, 0o600))
            n += 1
    except OSError as e:
        return [n, e.errno]
attempt("inode_fill", fill_inodes)
st = os.statvfs("/tmp")
report["statvfs_after"] = {"bytes_free": st.f_bavail * st.f_frsize, "inodes_free": st.f_favail}

print(json.dumps(report, sort_keys=True), flush=True)
if handshake:
    os.write(3, b"planted\n")
    while os.read(4, 1):
        pass
