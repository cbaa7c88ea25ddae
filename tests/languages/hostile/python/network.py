import socket

# stdin: the port of a listener on the host's loopback.
port = int(input())
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(1)
try:
    s.connect(("127.0.0.1", port))
    print("ADVMARK-NET-CONNECTED")
except OSError as e:
    print("no connection:", e)
