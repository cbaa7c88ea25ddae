# Infinite loop: burns CPU until the CPU limit kills it.
while True:
    pass
