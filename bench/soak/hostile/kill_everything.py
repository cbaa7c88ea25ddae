# Signals everything it can reach: its parent, init, every process (-1), its process group;
# the server, the fork server and other runs must survive. Prints a wrong answer if alive.
import os
import signal

for target in (os.getppid(), 1, -1):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(target, sig)
        except OSError:
            pass
print(0)
