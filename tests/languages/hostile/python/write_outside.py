import os

# stdin: a host file's path. Try to change it and to leave a marker file in every folder that
# is not the run's own; print each folder where a write succeeded.
victim = input().strip()
try:
    with open(victim, "a") as f:
        f.write("ADVMARK\n")
    print("WROTE", victim)
except OSError:
    pass
for d in (os.path.dirname(victim), "/", "/etc", "/usr/bin", "/usr/lib", "/root", "/home", "..",
          "/proc/1/root", "/tmp"):
    try:
        with open(os.path.join(d, "ADVMARK-write-py"), "w") as f:
            f.write("ADVMARK\n")
        print("WROTE", d)
    except OSError:
        pass
