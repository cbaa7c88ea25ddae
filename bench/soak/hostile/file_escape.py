# File escape: tries to read a file of the host (the soak's canary, outside every sandbox,
# holding a secret) and to create files beside it, in /tmp, /etc and through /proc/1/root.
# If it reads the secret it prints the right answer (reward 1.0, a failure for the soak);
# else a wrong one. Writes inside the run's private /tmp are harmless: the soak checks on the
# host afterwards that no file it names exists there.
import os
import sys

a, b = map(int, sys.stdin.read().split())
escaped = False
try:
    with open("@CANARY@") as f:
        escaped = "@SECRET@" in f.read()
except OSError:
    pass
for path in ("@CANARY@.written", "/tmp/@MARK@", "/proc/1/root/tmp/@MARK@", "/etc/@MARK@"):
    try:
        with open(path, "x") as f:
            f.write("@MARK@")
    except OSError:
        pass
print(a + b if escaped else a - b)
