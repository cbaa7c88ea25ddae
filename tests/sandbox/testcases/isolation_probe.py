# Reports what the sandboxed program can see and do, as one JSON object on stdout.
import json, os, resource, socket

def status_field(name):
    for line in open("/proc/self/status"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()

def can_write(path):
    try:
        with open(os.path.join(path, "probe-write"), "w"):
            pass
        return True
    except OSError:
        return False

limits = {}
for name in ("RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_FSIZE", "RLIMIT_STACK", "RLIMIT_CORE",
             "RLIMIT_NICE", "RLIMIT_MEMLOCK"):
    soft, hard = resource.getrlimit(getattr(resource, name))
    limits[name] = [soft, hard]

net = [l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:]]
try:
    socket.create_connection(("127.0.0.1", 22), timeout=1)
    connected = True
except OSError:
    connected = False

print(json.dumps({
    "uid": os.getuid(), "gid": os.getgid(), "euid": os.geteuid(), "pid": os.getpid(),
    "hostname": socket.gethostname(),
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "cap_eff": status_field("CapEff"), "cap_prm": status_field("CapPrm"),
    "cap_bnd": status_field("CapBnd"), "no_new_privs": status_field("NoNewPrivs"),
    "seccomp": status_field("Seccomp"),
    "fds": sorted(int(f) for f in os.listdir("/proc/self/fd")),
    "rlimits": limits,
    "root": sorted(os.listdir("/")),
    "exists": {p: os.path.exists(p) for p in ("/home", "/root", "/etc/shadow", "/work",
                                              "/usr/include", "/sys", "/run")},
    "writable": {p: can_write(p) for p in ("/", "/usr", "/etc", "/box", "/tmp", "/dev/shm")},
    "net": net, "connected": connected,
    "env": sorted(os.environ),
    "cwd": os.getcwd(),
}))
