# Output flood on stderr (four times the run's limit), then the right answer on stdout: the
# flood is an output-limit verdict (reward 0.0), never ignored.
import sys

a, b = map(int, sys.stdin.read().split())
line = "y" * 4095 + "\n"
for _ in range(64):
    sys.stderr.write(line)
sys.stderr.flush()
print(a + b)
