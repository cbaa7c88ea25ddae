# Uses CPU time and memory, then exits: what a slot's counters must forget before its next run.
#
#   spin.py CPU_SECONDS MEMORY_BYTES
import sys
import time

cpu_seconds, memory_bytes = float(sys.argv[1]), int(sys.argv[2])
memory = bytearray(memory_bytes)
memory[::4096] = b"\x01" * len(range(0, memory_bytes, 4096))
start = time.process_time()
while time.process_time() - start < cpu_seconds:
    pass
print("spun", round(time.process_time() - start, 2), "touched", sum(memory[::4096]) * 4096)
