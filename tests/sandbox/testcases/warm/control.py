# Positive control for honest.py: runs hostile.py and then honest.py in the SAME run, so that
# every kind of state hostile.py leaves is still there; honest.py must report each one.
#
#   control.py DISK_WRITE_BYTES MEMORY_TOUCH_BYTES   (passed on to honest.py)
import os
import subprocess
import sys

PYTHON = "/usr/bin/python3"
# Its survivors keep running; the hostile program's own report is not needed here.
subprocess.run([PYTHON, "-I", "-S", "/box/hostile.py"], stdout=subprocess.DEVNULL, check=True)
env = dict(os.environ, ADVMARK_ENV="leaked")
os.chdir("/tmp")
os.execve(PYTHON, [PYTHON, "-I", "-S", "/box/honest.py"] + sys.argv[1:], env)
