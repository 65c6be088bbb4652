"""The warm template: an interpreter that holds the libraries, never the app.

The parent starts it like a child, with WSGIDEV_TEMPLATE naming a unix
SOCK_SEQPACKET socket (see PROTOCOL.md, "The warm template"). It imports the
library modules the app used last time (standard library and site-packages,
never a file of the project), then waits. For each FORK message, which
carries the new child's five pipe ends as SCM_RIGHTS, it forks; the fork puts
those pipes on fds 1 to 5, undoes what the template changed, and
returns to _wsgidev_runner.main(), which imports the app exactly as a cold
child does. The template reaps its forks and reports their exit statuses,
killing what is left of each fork's process group first.

A module that starts a thread, opens a socket or imports project code while
it is preloaded would make the forks unlike a cold child: the template names
it (and the modules importing it) and exits, and the parent builds a new
template without them.
"""

import importlib
import json
import os
import sys
import threading

import _wsgidev_loader

# What the fork must not keep from the template itself.
_template_modules = set()
# Modules the template needs for itself; dropped in the fork unless the app
# imported them too.
_HELPERS = ("array", "fcntl", "select", "signal", "socket")


def serve_template(cold_modules):
    """Preload, then serve FORK requests. Returns only in a fork, whose
    os.environ then holds WSGIDEV_FDS and WSGIDEV_APP as a cold child's does."""
    ctl_fd = int(os.environ.pop("WSGIDEV_TEMPLATE"))
    plan = json.loads(os.environ.pop("WSGIDEV_PRELOAD"))
    environ = dict(os.environ)
    argv = list(sys.argv)
    main_dict = dict(sys.modules["__main__"].__dict__)
    for name in _HELPERS:
        importlib.import_module(name)
    _wsgidev_loader.library_folders()  # imports sysconfig: the template's, not the app's
    _template_modules.update(set(sys.modules) - cold_modules - set(plan["modules"]))
    import socket
    ctl = socket.socket(fileno=ctl_fd)

    def send(obj):
        ctl.send(json.dumps(obj).encode("utf-8"))

    bad = preload(plan["modules"], set(plan["exclude"]))
    if bad:
        send(bad)
        os._exit(0)
    # In pieces: one seqpacket message must fit the socket's send buffer.
    files = sorted(library_files().items())
    for i in range(0, len(files), 500):
        send({"files": dict(files[i:i + 500])})
    send({"ready": True, "pid": os.getpid()})
    spec, fds = serve_forks(ctl, send)
    become_child(ctl, fds, environ, argv, main_dict)
    os.environ["WSGIDEV_FDS"] = "3,4,5"
    os.environ["WSGIDEV_APP"] = spec


def preload(names, exclude):
    """Import each library module; return None, or a BAD message naming the
    modules to leave out next time and why."""
    import socket
    skip = _wsgidev_loader.library_folders()
    sockets0 = socket_fds()
    chains = []
    thread_start, socket_init = threading.Thread.start, socket.socket.__init__

    def start(self, *a, **kw):
        chains.append(importing_chain())
        return thread_start(self, *a, **kw)

    def init(self, *a, **kw):
        chains.append(importing_chain())
        return socket_init(self, *a, **kw)

    threading.Thread.start, socket.socket.__init__ = start, init
    try:
        for name in names:
            if name in sys.modules or name in exclude or name.startswith("_wsgidev"):
                continue
            before = set(sys.modules)
            try:
                importlib.import_module(name)
            except BaseException:
                continue  # a cold child imports it later, in its own way
            why = None
            if threading.active_count() > 1:
                why = "started a thread"
            elif socket_fds() - sockets0:
                why = "opened a socket"
            else:
                for new in set(sys.modules) - before:
                    path = getattr(sys.modules.get(new), "__file__", None)
                    if path and not in_library(path, skip):
                        why = "imported %s, which is not a library module" % path
                        break
            if why:
                blamed = [name] + [n for chain in chains for n in chain]
                return {"bad": sorted(set(blamed)), "why": "%s %s at import" % (name, why)}
            chains[:] = []
    finally:
        threading.Thread.start, socket.socket.__init__ = thread_start, socket_init
    return None


def importing_chain():
    """The modules being imported on the current stack, outermost last."""
    names = []
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "<module>":
            name = frame.f_globals.get("__name__")
            if name and name != "__main__":
                names.append(name)
        frame = frame.f_back
    return names


def socket_fds():
    fds = set()
    try:
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink("/proc/self/fd/" + fd).startswith("socket:"):
                    fds.add(fd)
            except OSError:
                pass
    except OSError:
        pass
    return fds


def in_library(path, skip):
    if any(path.startswith(s + os.sep) for s in skip):
        return True
    real = os.path.realpath(path)
    return any(real.startswith(s + os.sep) for s in skip)


def library_files():
    """Files the template's modules came from, with their mtimes: the parent
    rebuilds the template once any of them changes (a pip install)."""
    files = {}
    for path in [sys.executable] + [getattr(m, "__file__", None) for m in list(sys.modules.values())]:
        if not path or path in files:
            continue
        try:
            files[path] = os.stat(path).st_mtime_ns
        except OSError:
            pass
    return files


def serve_forks(ctl, send):
    """Answer FORK requests and report exits until the parent hangs up.
    Returns (spec, fds) in a fork."""
    import array
    import select
    import signal
    import socket
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.signal(signal.SIGCHLD, lambda *a: None)
    signal.set_wakeup_fd(wake_w)
    while True:
        try:
            ready, _, _ = select.select([ctl, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in ready:
            try:
                os.read(wake_r, 512)
            except BlockingIOError:
                pass
            reap(send)
        if ctl not in ready:
            continue
        try:
            data, anc, _, _ = ctl.recvmsg(1 << 16, socket.CMSG_SPACE(5 * array.array("i").itemsize))
        except OSError:
            data = b""
        if not data:
            reap(send)
            os._exit(0)
        fds = array.array("i")
        for level, typ, raw in anc:
            if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                fds.frombytes(raw[:len(raw) - len(raw) % fds.itemsize])
        msg = json.loads(data.decode("utf-8"))
        if len(fds) != 5:
            for fd in fds:
                os.close(fd)
            send({"forked": 0, "error": "FORK came with %d file descriptors, not 5" % len(fds)})
            continue
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.close(wake_r)
            os.close(wake_w)
            return msg["spec"], list(fds)
        try:
            os.setpgid(pid, pid)  # also done in the fork: whichever runs first
        except OSError:
            pass
        for fd in fds:
            os.close(fd)
        send({"forked": pid})


def reap(send):
    """Report the forks that ended. What the app started (a fork, a
    subprocess) is in the fork's process group: it is killed before the
    fork is reaped, while the fork's PID, and so its group's ID, cannot name
    anything else."""
    import signal
    while True:
        try:
            ended = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if ended is None:
            return
        try:
            os.killpg(ended.si_pid, signal.SIGKILL)
        except OSError:
            pass  # nothing left of the group
        pid, status = os.waitpid(ended.si_pid, 0)
        send({"exit": pid, "status": status})


def become_child(ctl, fds, environ, argv, main_dict):
    """In the fork: the new pipes in place, its own process group, and the
    interpreter's state as a cold child's. Its lifeline (fd 5, held by
    _wsgidev_runner.main as in a cold child) ends it should wsgidev go."""
    import fcntl
    ctl.close()
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    # Out of the way of 1-5 first, so no dup2 overwrites a pipe still needed.
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds]
    for fd in fds:
        os.close(fd)
    for target, fd in enumerate(high, 1):  # stdout, stderr, 3, 4, lifeline
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(environ)
    sys.argv[:] = argv
    main = sys.modules["__main__"].__dict__
    main.clear()
    main.update(main_dict)
    for name in _template_modules:
        sys.modules.pop(name, None)
    del _wsgidev_loader._skip[:]  # found again at READY, as a cold child does
    # Not importlib.invalidate_caches(): on 3.12+ it imports importlib.metadata
    # (email, zipfile, inspect…), which a cold child would not have.
    for finder in list(sys.path_importer_cache.values()):
        if hasattr(finder, "invalidate_caches"):
            finder.invalidate_caches()
    if "random" in sys.modules:
        sys.modules["random"].seed()  # CPython does this at fork too; other seeds are the app's
