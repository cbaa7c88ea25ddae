# Survivor: a double-forked, setsid daemon that outlives the program, holding stdout open and
# sleeping; the program itself prints nothing. The run must end at its limits and the daemon
# must die with the run (the soak counts processes under Proctor's cgroups after each window).
import os
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            time.sleep(1)
    os._exit(0)
os.wait()
