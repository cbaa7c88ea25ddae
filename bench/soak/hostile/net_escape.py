# Network escape: asks the soak's own Proctor server (its port is filled in by the soak) for
# its health over TCP, and tries a few other loopback ports. If any connection works it
# prints the right answer (the soak would then see reward 1.0, a failure); else a wrong one.
import socket
import sys

a, b = map(int, sys.stdin.read().split())
reached = False
for port in (@SERVER_PORT@, @HTTP_PORT@, 22, 80, 8080):
    for host in ("127.0.0.1", "::1"):
        try:
            with socket.create_connection((host, port), timeout=0.2) as s:
                s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"health"}\n')
                reached = reached or bool(s.recv(64))
        except OSError:
            pass
print(a + b if reached else a - b)
