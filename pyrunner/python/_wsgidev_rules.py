"""PEP 3333's rules for what an app passes to start_response(): each check
names the rule it enforces and says what the app did, in words that teach.

Must run unchanged on CPython 3.8 through 3.13.
"""

import re

HOP_BY_HOP = frozenset((
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailers", "transfer-encoding", "upgrade",
))


class Violation(Exception):
    """The app broke a PEP 3333 rule: ``rule`` names it, the message teaches it."""

    def __init__(self, rule, message):
        Exception.__init__(self, message)
        self.rule = rule


# A good status in one look: three digits, a space, then latin-1 without
# control characters. Any other goes through the checks that name the rule.
_status_ok = re.compile(r"[1-9][0-9][0-9] [\x20-\x7e\x80-\xff]*\Z").match
_status_control = re.compile(r"[\x00-\x1f\x7f]").search
_status_format = re.compile(r"[1-9][0-9][0-9] ").match


def check_status(status):
    if type(status) is str and _status_ok(status):
        return
    if not isinstance(status, str):
        raise Violation("status-type", "start_response() got a status of type %s; PEP 3333 "
                        "requires a str such as '200 OK'" % type(status).__name__)
    found = _status_control(status)
    if found:
        raise Violation("status-control", "start_response() got the status %r, which contains the control "
                        "character %r; PEP 3333 forbids control characters in the status (a CR or LF would "
                        "end the status line and start a header the app never set)" % (status, found.group(0)))
    try:
        status.encode("latin-1")
    except UnicodeEncodeError:
        raise Violation("status-latin1", "start_response() got the status %r, which has characters outside "
                        "latin-1; PEP 3333 requires latin-1 str, as HTTP sends the status line as bytes "
                        "(write the reason phrase in ASCII)" % (status,))
    if not _status_format(status):
        raise Violation("status-format", "start_response() got the status %r; PEP 3333 requires "
                        "a three-digit code, a space and a reason phrase, such as '200 OK'" % (status,))


# The fast loop in check_headers passes only names wsgiref.validate accepts
# and values free of control characters (a tab aside, which HTTP allows);
# any other header goes to explain_headers, which fails what HTTP forbids
# and warns about the rest.
_plain_name = re.compile(r"[A-Za-z](?:[A-Za-z0-9_-]*[A-Za-z0-9])?\Z").match  # nor ending in - or _
_control = re.compile(r"[\x01-\x08\x0b-\x1f]").search
_unusual_value = re.compile(r"[\x00-\x08\x0a-\x1f]").search  # _control, or NUL, CR, LF
_UNUSUAL = HOP_BY_HOP | frozenset(("status",))
NO_BODY = (204, 304)


def check_headers(headers):
    """Return the headers as fields (name, value, ...), the declared
    Content-Length (None if none), whether a Content-Type is among them and
    the lint warnings [(rule, message)]; or raise the Violation of the first
    bad header. Plain headers take the fast loop; the first unusual one
    sends all of them through explain_headers."""
    if type(headers) is list:
        fields = []
        length = None
        has_type = False
        for item in headers:
            if type(item) is not tuple or len(item) != 2:
                break
            name, value = item
            if type(name) is not str or type(value) is not str or not _plain_name(name) or _unusual_value(value):
                break
            lower = name.lower()
            if lower in _UNUSUAL:
                break
            if lower == "content-length":
                length = declared_length(value)
            elif lower == "content-type":
                has_type = True
            fields.append(name)
            fields.append(value)
        else:
            return fields, length, has_type, None
    warnings = []
    fields = explain_headers(headers, warnings)
    length = None
    has_type = False
    for i in range(0, len(fields), 2):
        lower = fields[i].lower()
        if lower == "content-length":
            length = declared_length(fields[i + 1])
        elif lower == "content-type":
            has_type = True
    return fields, length, has_type, warnings


def lint_content_type(status, has_type):
    """wsgiref.validate's Content-Type rule: every response with a body says
    what it is, and a 204 or 304 (which has none) says nothing."""
    code = int(status[:3])
    if code in NO_BODY:
        if has_type:
            return ("content-type-no-body", "the app sent a Content-Type with %s, a status that never has a body; "
                    "PEP 3333's reference validator (wsgiref.validate) expects no Content-Type there" % status)
    elif not has_type and code >= 200:
        return ("content-type-missing", "the app sent %s without a Content-Type header; wsgiref.validate expects one "
                "on every response that can have a body, or the browser has to guess what it is" % status)
    return None


def lint_exc_info(exc_info):
    if exc_info is not None and type(exc_info) is not tuple:
        return ("exc-info-type", "start_response() got exc_info of type %s; PEP 3333 wants None or the "
                "(type, value, traceback) tuple sys.exc_info() returns" % type(exc_info).__name__)
    return None


_POSITIONS = {"status": 0, "response_headers": 1, "headers": 1, "exc_info": 2}
_SIGNATURE = "PEP 3333 defines start_response(status, response_headers, exc_info=None)"


def start_args(args, kw):
    """Sort out an unusual start_response() call: return (status, headers,
    exc_info, warning) or raise the Violation."""
    if len(args) > 3 or (not kw and len(args) < 2):
        raise Violation("start-response-args", "start_response() takes 2 or 3 arguments and got %d; %s"
                        % (len(args) + len(kw), _SIGNATURE))
    if not kw:
        return args[0], args[1], args[2] if len(args) == 3 else None, None
    slots = list(args) + [_POSITIONS] * (3 - len(args))  # _POSITIONS marks a slot not given
    for name, value in kw.items():
        i = _POSITIONS.get(name)
        if i is None or slots[i] is not _POSITIONS:
            raise Violation("start-response-args", "start_response() got the keyword argument %r it cannot "
                            "take; %s" % (name, _SIGNATURE))
        slots[i] = value
    if slots[0] is _POSITIONS or slots[1] is _POSITIONS:
        raise Violation("start-response-args", "start_response() got no status or no headers; " + _SIGNATURE)
    warning = ("start-response-keywords", "the app called start_response() with keyword arguments (%s); "
               "PEP 3333 passes status, headers and exc_info by position, and another server may name "
               "them differently" % ", ".join(sorted(kw)))
    return slots[0], slots[1], None if slots[2] is _POSITIONS else slots[2], warning


HEADERS_AFTER_BODY = ("headers-after-body", "the app called start_response() again after body bytes were sent, "
                      "without exc_info; the client already has the first headers. PEP 3333 allows a second "
                      "call only with exc_info, and then the server re-raises the error")


def unclosed_wrapper(wrappers):
    """wsgidev always calls close() on what the app returned; a file_wrapper
    the app made that is still open afterwards was dropped on the way out,
    by a middleware whose own iterable did not pass close() on."""
    for wrapper in wrappers:
        if not wrapper.closed:
            return ("close-not-called", "the app made a wsgi.file_wrapper whose close() was never called: "
                    "something between wsgidev and the app (a middleware) returned its own iterable and "
                    "did not call close() on the app's; PEP 3333 requires close() to reach the app's "
                    "iterable, or files and connections leak")
    return None


def declared_length(value):
    try:
        n = int(value)
    except ValueError:
        return None
    return n if n >= 0 else None


def explain_headers(headers, warnings):
    """The slow, thorough check: raises the Violation of the first bad header
    (latin-1 included), or returns the fields and adds to warnings what
    wsgiref.validate would reject that HTTP still carries."""
    if type(headers) is not list:
        raise Violation("headers-type", "start_response() got headers of type %s; PEP 3333 requires "
                        "a list of (name, value) tuples" % type(headers).__name__)
    fields = []
    for item in headers:
        if type(item) is not tuple or len(item) != 2:
            raise Violation("header-item", "start_response() got the header %r; each header must be "
                            "a (name, value) tuple" % (item,))
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise Violation("header-str", "start_response() got the header %r; PEP 3333 requires "
                            "names and values of type str, not bytes or other types" % (item,))
        try:
            name.encode("latin-1")
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise Violation("header-latin1", "the header %r has characters outside latin-1; "
                            "PEP 3333 headers must be latin-1 str (encode other text, e.g. RFC 2047 "
                            "or percent-encoding)" % (item,))
        if not name or any(c in name for c in ":\r\n\0 \t"):
            raise Violation("header-name", "the header name %r is not a valid HTTP token" % (name,))
        if any(c in value for c in "\r\n\0"):
            raise Violation("header-value", "the value of header %r contains a line break or NUL, "
                            "which HTTP forbids" % (name,))
        if name.lower() in HOP_BY_HOP:
            raise Violation("hop-by-hop", "the app set the hop-by-hop header %r; PEP 3333 reserves "
                            "those for the server (remove it)" % (name,))
        lint_header(name, value, warnings)
        fields.append(name)
        fields.append(value)
    return fields


def lint_header(name, value, warnings):
    if name.lower() == "status":
        warnings.append(("header-status", "the app set a header named %r; the status goes in start_response()'s "
                         "first argument, and wsgiref.validate rejects a Status header (it clashes with CGI)" % name))
    elif name[-1] in "-_":
        warnings.append(("header-name-end", "the header name %r ends in %r; wsgiref.validate rejects names "
                         "ending in - or _" % (name, name[-1])))
    elif not _plain_name(name):
        warnings.append(("header-name-chars", "the header name %r has characters other than letters, digits, "
                         "- and _ (or starts with one of those); wsgiref.validate expects a name like "
                         "X-Request-Id" % name))
    found = _control(value)
    if found:
        warnings.append(("header-value-control", "the value of header %r contains the control character %r; "
                         "wsgiref.validate rejects control characters in values (only a tab may appear)"
                         % (name, found.group(0))))
