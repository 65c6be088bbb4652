"""The child's threads: the thread that reads a CALL runs it itself.

One thread at a time holds the reader's place: it reads the parent's frames,
hands BODY, CREDIT, STEP and CANCEL to their calls, and runs each CALL it
reads at once, on its own stack ("inline"). A fast app is thus served with
no handover between threads: no futex, no GIL passed back and forth, one
thread doing read, app, write, read. (A frame reader handing each call to a
worker cost about 30 futex calls and half the child's CPU per request.)

While the reader runs a call nobody reads, so a standby thread keeps watch:
once the call has run for SLOW, or as soon as it must wait for the parent
(request body, flow-control credit, a step gate), the standby takes the
reader's place and the call goes on on the thread it started on. So one slow
or streaming request holds the others up for at most SLOW (plus the wait for
the GIL when the slow request computes rather than waits). The standby wakes
only while the reader runs a call, and sleeps until woken once calls stop.

Threads are made as needed and kept: at most ``limit`` calls run at once
(more wait in a backlog, and the parent hears of each wait: WAIT when a call
joins the backlog, RUN when it leaves it), plus the reader and the standby.
"""

import os
import sys
import threading
import traceback
from collections import deque
from time import monotonic

SLOW = 0.002  # seconds a call may hold the reader's place before the standby takes it
QUIET = 10  # looks with no call started before the standby sleeps until woken

READ, WATCH, IDLE, EXIT = range(4)  # a thread's roles


class Pool(object):
    def __init__(self, run, limit):
        self.run = run  # run(call): runs a call to its end
        self.limit = limit
        self.lock = threading.Lock()
        self.recruit = threading.Condition(self.lock)  # idle threads wait here
        self.wake = threading.Lock()  # the standby waits on it; released to wake it
        self.wake.acquire()
        self.wake_pending = False  # wake is released and not yet taken
        self.reader = None  # ident of the thread in the reader's place; None while vacant
        self.inline = None  # the call the reader is running, if any
        self.started = 0  # calls the reader has started inline, to tell them apart
        self.since = 0.0  # when the reader started its call
        self.standby = False  # a standby thread watches, or is on its way
        self.parked = False  # the standby sleeps until woken
        self.running = 0  # calls being run, inline or not
        self.backlog = deque()  # calls read while ``limit`` were running
        self.idle = 0
        self.recruits = 0  # idle threads asked to become the standby
        self.closed = threading.Event()
        self.read = None
        self.threads = 0

    def serve(self, read):
        """Serve until the parent closes the pipe. read() returns the next Call
        to run, None after any other frame, and raises EOFError at the end."""
        self.read = read
        self.spawn(READ)
        self.closed.wait()

    def spawn(self, role):
        self.threads += 1
        name = "wsgidev-worker-%d" % self.threads
        threading.Thread(target=self.thread, args=(role,), name=name, daemon=True).start()

    def thread(self, role):
        me = threading.get_ident()
        if role == READ:
            with self.lock:
                self.reader = me
        try:
            while role != EXIT:
                if role == READ:
                    role = self.read_frames(me)
                elif role == WATCH:
                    role = self.watch(me)
                else:
                    role = self.wait_idle()
        except BaseException:
            # A fault of the runner's own (the app's are caught in run_call) or
            # a broken pipe. The pool might be left with nobody reading, so the
            # child ends and the parent, which notices at once, starts another.
            traceback.print_exc(file=sys.__stderr__)
            sys.__stderr__.flush()
            os._exit(70)

    def read_frames(self, me):
        while True:
            try:
                call = self.read()
            except EOFError:
                self.closed.set()
                return EXIT
            if call is None:
                continue
            with self.lock:
                waiting = 0
                if self.running >= self.limit:
                    self.backlog.append(call)
                    waiting = len(self.backlog)
                else:
                    self.running += 1
                    spawn = self.go_inline(call)
            if waiting:
                call.wait_thread(waiting)  # the parent tells the user why the request hangs
                continue
            if spawn:
                self.spawn(WATCH)
            role = self.work(me, call)
            if role != READ:
                return role

    def go_inline(self, call):
        """Under the lock: the reader runs call itself; make sure someone watches.
        Returns whether a standby thread must be started."""
        self.inline = call
        call.inline = True
        self.started += 1
        self.since = monotonic()
        if self.standby:
            if self.parked:
                self.wake_standby()
            return False
        self.standby = True
        if self.idle > self.recruits:
            self.recruits += 1
            self.recruit.notify()
            return False
        return True

    def work(self, me, call):
        """Run call, then any backlog; return the thread's next role."""
        while True:
            if call.waited:
                call.got_thread()
            self.run(call)
            spawn = False
            with self.lock:
                reading = self.reader == me
                if reading:
                    self.inline = None
                if self.backlog:
                    call = self.backlog.popleft()
                    if reading:
                        spawn = self.go_inline(call)
                else:
                    self.running -= 1
                    if reading:
                        return READ
                    if self.reader is None:  # vacated, and the standby is not there yet
                        self.reader = me
                        return READ
                    if not self.standby:
                        self.standby = True
                        return WATCH
                    return IDLE
            if spawn:
                self.spawn(WATCH)

    def watch(self, me):
        """The standby: take the reader's place when its call is slow or waits."""
        last = -1
        quiet = 0
        timeout = SLOW
        while True:
            woken = self.wake.acquire(True, timeout)
            with self.lock:
                self.parked = False
                if woken:
                    self.wake_pending = False
                stuck = self.inline
                now = monotonic()
                if self.reader is None or (stuck is not None and now - self.since >= SLOW):
                    self.reader = me
                    self.inline = None
                    self.standby = False
                    if stuck is not None:
                        stuck.inline = False
                    break
                quiet = quiet + 1 if stuck is None and self.started == last else 0
                last = self.started
                if stuck is not None:
                    timeout = self.since + SLOW - now
                elif quiet < QUIET:
                    timeout = SLOW
                else:
                    self.parked = True
                    timeout = -1
        if stuck is not None:
            stuck.flush()  # what it held back while inline goes out now
        return READ

    def wait_idle(self):
        with self.lock:
            self.idle += 1
            while not self.recruits:
                self.recruit.wait()
            self.recruits -= 1
            self.idle -= 1
        return WATCH

    def wake_standby(self):
        # Under the lock. The release stays pending for a standby on its way.
        if not self.wake_pending:
            self.wake_pending = True
            self.wake.release()

    def vacate(self, call):
        """call, run inline, must wait for the parent: the standby reads now."""
        with self.lock:
            if self.inline is call:
                self.inline = None
                self.reader = None
                call.inline = False
                self.wake_standby()
