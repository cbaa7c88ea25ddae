# Descriptor and disk exhaustion: opens files until refused, fills the writable space until
# refused, then prints a wrong answer.
import os

held = []
try:
    while True:
        held.append(open(os.devnull))
except OSError:
    pass
for f in held[:8]:
    f.close()
try:
    with open("fill.bin", "wb") as f:
        while True:
            f.write(b"z" * (1 << 20))
except OSError:
    pass
print(0)
