# Charges kernel memory that outlives the run: negative dentries of host paths (names that do
# not exist under a read-only bind), cached by the kernel after the run's processes are gone.
#
#   dentries.py COUNT
import json
import os
import sys

count = int(sys.argv[1])
token = os.urandom(8).hex()  # new names each run: their dentries are charged to this run
missing = 0
for i in range(count):
    try:
        os.stat("/usr/lib/python3.11/ADVMARK-dentry-%s-%d" % (token, i))
    except FileNotFoundError:
        missing += 1
print(json.dumps({"missing": missing}))
