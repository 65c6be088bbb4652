"""Serve MODULE:CALLABLE with werkzeug's reloader on 127.0.0.1:PORT.

    python3 reload_werkzeug.py app:application 8001 stat
    python3 reload_werkzeug.py app:app 8001 watchdog

run_simple with use_reloader=True and the reloader type given: "stat"
checks the mtime of every imported module's file once a second, "watchdog"
waits for file system events. Either way the parent process only watches
and a child serves; on a change the child exits with code 3 and the parent
starts a new one. The parent holds the listening socket and hands it down
(WERKZEUG_SERVER_FD), so connections wait in the backlog meanwhile.
"""

import importlib
import sys

from werkzeug.serving import run_simple


def main():
    spec, port, reloader = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    module, _, name = spec.partition(":")
    app = getattr(importlib.import_module(module), name)
    run_simple("127.0.0.1", port, app, threaded=True, use_reloader=True, reloader_type=reloader)


if __name__ == "__main__":
    main()
