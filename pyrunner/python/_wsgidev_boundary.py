"""What a request changes at each boundary between the served app's layers
(PROTOCOL.md, "Layers"); _wsgidev_layers.py finds the layers and puts a
Boundary where each is held.

Per request the runner calls call_app() and, once close() was called,
end_call(). Each boundary notes, in an entry, the environ as it came in (a
copy), the last status and headers the layer passed out, what it returned,
what it raised and how long its call took. Nothing else is touched: the
layer gets the same environ, a start_response that makes the same call, and
its return value and exceptions go up as they are. The changes are worked
out once the call is over, by comparing each layer with the first one it
called, and go to the parent as one LAYERS frame before DONE.

Recording costs a hello world through three layers a fifth to a quarter of its
throughput, in the child's GIL and the parent's decoding. So the parent
asks for it per call (CALL's flag 4): for every call when it captures,
for a debugged or replayed one, and else for at most a budget of calls a
second (devserver/record_layers.go): everything a person sends by hand, a
sample of a load test. A call not recorded crosses each Boundary with one
lookup. bench/run -only layers measures it (issue 16 asks for at most 5%).
It is written for speed (entries are lists, diffs are comprehensions).
Must run unchanged on CPython 3.8 through 3.13.
"""

import struct
import threading
from time import perf_counter
from weakref import ref as weakref_ref

from _wsgidev_loader import safe_repr
from _wsgidev_wire import LAYERS, RESULT

MAX_VALUE = 4096  # characters of a changed value the parent is told, should the payload be too long
MAX_PAYLOAD = 1 << 20  # characters: far below a frame's limit
RESULT_HEAD = struct.Struct(">BII")  # flags, len(), µs in the call
HAS_CLOSE, HAS_LEN = 1, 2

_here = threading.local()  # .entries: the running call's entries, on its own thread


class Stack(object):
    """The layers found at load (_wsgidev_layers.Layer); recording is on
    when two or more are shown."""

    def __init__(self):
        self.layers = []
        self.up = []  # a layer's index -> the index of the layer above it
        self.chain = None  # [0, 1, …] when the layers are a plain chain, all shown
        self.shown = {}  # a layer's index -> its index in READY's list
        self.recording = False
        self.top = None  # a Boundary of the app itself, layer 0


stack = Stack()

# An entry: one boundary a request crossed, in the order crossed. RETURNED
# holds what the layer returned weakly where it can: holding a generator the
# layer above dropped would delay its clean-up (its finally blocks).
LAYER, ENVIRON, T_IN, T_OUT, STATUS, HEADERS, RETURNED, TYPE, RAISED = range(9)


class Boundary(object):
    """Stands where the layer above holds a layer: calls it, noting what
    crossed. Other attributes read through to the layer."""

    __slots__ = ("wsgidev_layer", "wsgidev_inner")

    def __init__(self, layer, inner):
        self.wsgidev_layer = layer
        self.wsgidev_inner = inner

    def __call__(self, environ, start_response):
        entries = getattr(_here, "entries", None)
        if entries is None:  # outside a request, or on a thread the app started
            return self.wsgidev_inner(environ, start_response)
        # One frame, no helper calls: this runs at every boundary of every request.
        entry = [self.wsgidev_layer, environ.copy() if type(environ) is dict else None, 0.0, 0.0, None, None, None, "",
                 None]
        entries.append(entry)
        entry[T_IN] = perf_counter()
        try:
            result = self.wsgidev_inner(environ, StartResponse(entry, start_response))
        except BaseException as e:
            entry[T_OUT] = perf_counter()
            entry[RAISED] = type(e).__name__
            raise
        entry[T_OUT] = perf_counter()
        # Lists and tuples are kept as they are (nothing to clean up), any
        # other result by a weakref where it takes one.
        cls = type(result)
        entry[TYPE] = cls.__name__
        if cls is list or cls is tuple:
            entry[RETURNED] = result
        else:
            try:
                entry[RETURNED] = weakref_ref(result)
            except TypeError:
                entry[RETURNED] = result
        return result

    def __getattr__(self, name):
        return getattr(object.__getattribute__(self, "wsgidev_inner"), name)

    def __repr__(self):
        return repr(self.wsgidev_inner)


class StartResponse(object):
    """start_response as the layer below gets it: the same call, noted in
    the entry. Its repr is the one it stands for, as a debug page's locals
    show it. The headers are copied: a layer above may append to the very
    list."""

    __slots__ = ("entry", "inner")

    def __init__(self, entry, inner):
        self.entry = entry
        self.inner = inner

    def __call__(self, *args, **kw):
        entry = self.entry
        try:
            entry[STATUS], entry[HEADERS] = args[0], list(args[1])
        except Exception:
            note_odd_start(entry, args, kw)
        return self.inner(*args, **kw)

    def __repr__(self):
        return repr(self.inner)


def note_odd_start(entry, args, kw):
    """start_response called with keywords or headers that are no list: the
    runner says what is wrong with it; note what can be made out."""
    status = kw.get("status", args[0] if args else None)
    headers = kw.get("response_headers", kw.get("headers", args[1] if len(args) > 1 else None))
    entry[STATUS] = status
    entry[HEADERS] = list(headers) if type(headers) is list else None


def call_app(call, app, environ, start_response):
    """result = app(environ, start_response), as the runner makes it, noting
    each boundary the request crosses when there are layers to record and
    the parent asked for them (the first through stack.top, a Boundary of
    the app itself); the Boundaries of a call not recorded only pass it
    on. Tells the parent what the app returned (RESULT)."""
    if not stack.recording or not call.record_layers:
        t0 = perf_counter()
        result = app(environ, start_response)
        call.queue(RESULT, describe_result(result, perf_counter() - t0))
        return result
    entries = _here.entries = []
    result = stack.top(environ, start_response)
    call.queue(RESULT, describe_result(result, entries[0][T_OUT] - entries[0][T_IN]))
    return result


def end_call(call):
    """After close(): tell the parent what crossed each boundary (LAYERS)."""
    entries = getattr(_here, "entries", None)
    if entries is None:
        return
    _here.entries = None
    try:
        payload = encode(entries)
    except Exception:
        return  # never fail a request over its record
    call.queue(LAYERS, payload)


# -- what the app returned -------------------------------------------------------

def describe_result(result, took):
    """RESULT's payload: has close(), len(), the µs app() took, type, repr."""
    flags = HAS_CLOSE if hasattr(result, "close") else 0
    n = 0
    cls = type(result)
    if hasattr(cls, "__len__"):
        try:
            n = len(result)
            flags |= HAS_LEN
        except Exception:
            pass
    text = "%s\0%s" % (cls.__name__, result_repr(result, cls))
    return RESULT_HEAD.pack(flags, min(max(n, 0), 0xFFFFFFFF), min(int(took * 1e6), 0xFFFFFFFF)) + \
        text.encode("utf-8", "backslashreplace")


def result_repr(result, cls):
    """A short repr: a list shows its first items, cut; an object with a
    repr of its own shows it, cut."""
    if cls is list or cls is tuple:
        items = [item_repr(x) for x in result[:3]]
        if len(result) > 3:
            items.append("...")
        if cls is tuple and len(result) == 1:
            return "(%s,)" % items[0]
        return ("[%s]" if cls is list else "(%s)") % ", ".join(items)
    text = safe_repr(result)
    return text if len(text) <= 120 else text[:117] + "..."


def item_repr(x):
    if type(x) is bytes:
        return repr(x) if len(x) <= 40 else repr(x[:40]) + "..."
    text = safe_repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


# -- what changed at each boundary ----------------------------------------------

def encode(entries):
    """LAYERS's payload: NUL-separated latin-1 fields (PROTOCOL.md). An
    entry was called by the last entry before it of the layer above; the
    trampoline of Flask's pattern (_wsgidev_layers.trampoline) is left out,
    and what it called counts as called by its caller. Values go in as
    they are, and are checked once joined: a NUL or a length past the
    frame's limit sends the payload through safe_payload instead."""
    out, told = records(entries)
    try:
        text = "\0".join(out)
    except TypeError:  # a key or header that is not a str
        return safe_payload(out)
    if text.count("\0") != len(out) - 1 + 5 * told or len(text) > MAX_PAYLOAD:  # an E record has 6 fields
        return safe_payload(out)
    return text.encode("latin-1", "backslashreplace")


def records(entries):
    """The fields of the payload, and how many E records they hold."""
    n = len(entries)
    if stack.chain and n <= len(stack.chain) and [e[LAYER] for e in entries] == stack.chain[:n]:
        # The common case: a plain chain, each layer called once by the one above.
        out = []
        for i, e in enumerate(entries):
            out.append(E_RECORD % (i, i - 1, (e[T_OUT] - e[T_IN]) * 1e6, e[TYPE], e[RAISED] or ""))
            if i + 1 < n:
                changes(e, entries[i + 1], out)
        return out, n
    return records_tree(entries)


E_RECORD = "E\0%d\0%d\0%d\0%s\0%s"  # layer, caller, µs, returned type, raised


def records_tree(entries):
    """records() for a stack with branches (mounts) or Flask's trampoline:
    each entry told gets a block, its E record and then its changes."""
    up, shown = stack.up, stack.shown
    blocks = []
    told = []  # for each entry, its block; -1 when left out
    callers = []
    changed = set()  # entries whose changes are told: against the first entry each called
    for i, e in enumerate(entries):
        layer = e[LAYER]
        want = up[layer]
        caller = i - 1
        while caller >= 0 and entries[caller][LAYER] != want:
            caller -= 1
        callers.append(caller)
        if caller >= 0 and caller not in changed:
            changed.add(caller)
            if told[caller] >= 0:
                changes(entries[caller], e, blocks[told[caller]])
        while caller >= 0 and told[caller] < 0:
            caller = callers[caller]
        if layer not in shown:
            told.append(-1)
            continue
        told.append(len(blocks))
        blocks.append([E_RECORD % (shown[layer], told[caller] if caller >= 0 else -1,
                                   (e[T_OUT] - e[T_IN]) * 1e6, e[TYPE], e[RAISED] or "")])
    return [field for block in blocks for field in block], len(blocks)


def changes(outer, inner, out):
    """What outer changed against inner, the first layer it called: the
    environ it passed in, the status and headers it passed out, the body.
    Each part is first compared whole, the way a layer that changes
    nothing passes it on."""
    before, after = outer[ENVIRON], inner[ENVIRON]
    if before is not None and after is not None and before != after:
        environ_changes(before, after, (outer[LAYER], inner[LAYER]), out)
    status, theirs = outer[STATUS], inner[STATUS]
    if status is not theirs and status is not None and theirs is not None and status != theirs:
        out += ("S", str(theirs), str(status))
    headers, theirs = outer[HEADERS], inner[HEADERS]
    if headers is not None and theirs is not None and headers != theirs:
        n = len(theirs)
        if headers[:n] == theirs:  # the usual middleware: headers added at the end
            for name, value in headers[n:]:
                out += ("h+", name, value)
        else:
            header_changes(theirs, headers, out)
    mine, below = outer[RETURNED], inner[RETURNED]
    if mine is not below and mine is not None and below is not None:
        # Two weakrefs to one object are one weakref in CPython, dead or alive.
        if type(mine) is weakref_ref and mine() is not None:
            mine = mine()
        if type(below) is weakref_ref and below() is not None:
            below = below()
        if mine is not below:
            out.append("B")


_missing = object()
_shapes = {}  # (outer layer, inner layer) -> the keys that differed last time, and those gone


def environ_changes(before, after, boundary, out):
    """The keys the layer added, changed and deleted. A layer changes the
    same keys on every request, so the keys of the last request are tried
    first: the rest is then checked in one dict comparison, in C, where
    finding the keys afresh looks at each key in Python."""
    shape = _shapes.get(boundary)
    if shape is not None:
        keys, gone = shape
        probe = before.copy()
        for key in keys:
            value = after.get(key, _missing)
            if value is _missing or probe.get(key, _missing) is value:
                shape = None  # a key of the last request's is not changed now
                break
            probe[key] = value
        for key in gone:
            probe.pop(key, None)
        if probe != after:
            shape = None
    if shape is None:
        get = before.get
        keys = tuple([k for k, v in after.items() if get(k, _missing) is not v])
        added = len([k for k in keys if k not in before])
        gone = tuple([k for k in before if k not in after]) if len(before) + added != len(after) else ()
        _shapes[boundary] = (keys, gone)
    get = before.get
    for key in keys:
        value, old = after[key], get(key, _missing)
        if old is _missing:
            out += ("+", key, "str", value) if type(value) is str else ("+", key) + typed(value)
        elif type(old) is not type(value) or old != value:
            out += ("~", key) + typed(old) + typed(value)
    for key in gone:
        out += ("-", key) + typed(before[key])


def typed(value):
    """A value as two fields: its type, and the str itself or its repr."""
    if type(value) is str:
        return ("str", value)
    return (type(value).__name__, safe_repr(value))


def safe_payload(out):
    """The payload the slow way: every field a str of at most MAX_VALUE
    characters, NUL written as \\x00. E records hold NULs of their own."""
    fields = []
    for item in out:
        if type(item) is str and item.startswith("E\0"):
            fields.append(item)
        else:
            fields.append(field(item))
    return "\0".join(fields).encode("latin-1", "backslashreplace")


def field(value):
    text = value if type(value) is str else safe_repr(value)
    if len(text) > MAX_VALUE:
        text = text[:MAX_VALUE] + "... [%d more characters]" % (len(text) - MAX_VALUE)
    return text.replace("\0", "\\x00")


def header_changes(inner, outer, out):
    """Headers outer passed out that inner did not (h+), that inner passed
    and outer did not (h-), and a name whose value outer replaced (h~)."""
    a, b = pairs(inner), pairs(outer)
    removed = [h for h in a if h not in b]
    added = [h for h in b if h not in a]
    for name, value in removed:
        match = next((h for h in added if h[0].lower() == name.lower()), None)
        if match is not None:
            added.remove(match)
            out += ("h~", name, value, match[1])
        else:
            out += ("h-", name, value)
    for name, value in added:
        out += ("h+", name, value)


def pairs(headers):
    try:
        return [(str(n), str(v)) for n, v in headers]
    except Exception:
        return []
