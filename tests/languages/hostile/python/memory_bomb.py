blocks = []
while True:
    blocks.append(b"\x01" * (1 << 20))  # written, so really resident
