"""`python -m wsgidev ARGS`: run the wsgidev binary with ARGS."""

import os
import signal
import subprocess
import sys

from wsgidev import find_wsgidev_bin


def main():
    try:
        binary = find_wsgidev_bin()
    except FileNotFoundError as err:
        sys.exit("wsgidev: %s" % err)
    argv = [binary] + sys.argv[1:]
    if sys.platform == "win32":
        # Windows has no exec that keeps the console waiting: run the binary
        # and pass its exit status on. Ctrl-C reaches both processes and
        # wsgidev handles it (a graceful stop), so this one ignores it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.exit(subprocess.call(argv))
    os.execv(binary, argv)


if __name__ == "__main__":
    main()
