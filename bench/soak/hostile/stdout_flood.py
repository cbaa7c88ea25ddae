# Output flood: writes to stdout without end.
import sys

line = "x" * 4095 + "\n"
while True:
    sys.stdout.write(line)
