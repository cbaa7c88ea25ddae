# Memory bomb: keeps allocating and touching 8 MiB blocks until killed.
blocks = []
while True:
    blocks.append(bytearray(8 << 20))
