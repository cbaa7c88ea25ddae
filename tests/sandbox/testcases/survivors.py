# Leaves a double-forked, setsid daemon and a plain background child behind, then exits 0.
# Their command lines carry argv[1] so the host can look for survivors.
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
    os._exit(0)
if os.fork() == 0:
    time.sleep(60)
    os._exit(0)
time.sleep(0.2)
print("parent done", flush=True)
