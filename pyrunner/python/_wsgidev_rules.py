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


def check_status(status):
    if not isinstance(status, str):
        raise Violation("status-type", "start_response() got a status of type %s; PEP 3333 "
                        "requires a str such as '200 OK'" % type(status).__name__)
    if len(status) < 4 or not status[:3].isdigit() or status[3] != " " or int(status[:3]) < 100:
        raise Violation("status-format", "start_response() got the status %r; PEP 3333 requires "
                        "a three-digit code, a space and a reason phrase, such as '200 OK'" % (status,))


_bad_name = re.compile(r"[:\r\n\x00 \t]").search
_bad_value = re.compile(r"[\r\n\x00]").search


def check_headers(headers):
    """Return the headers as fields (name, value, ...) and the declared
    Content-Length (None if none), or raise the Violation of the first bad one."""
    if type(headers) is list:
        fields = []
        length = None
        for item in headers:
            if type(item) is not tuple or len(item) != 2:
                break
            name, value = item
            if type(name) is not str or type(value) is not str or not name or _bad_name(name) or _bad_value(value):
                break
            lower = name.lower()
            if lower in HOP_BY_HOP:
                break
            if lower == "content-length":
                length = declared_length(value)
            fields.append(name)
            fields.append(value)
        else:
            return fields, length
    fields = explain_headers(headers)
    length = None
    for i in range(0, len(fields), 2):
        if fields[i].lower() == "content-length":
            length = declared_length(fields[i + 1])
    return fields, length


def declared_length(value):
    try:
        n = int(value)
    except ValueError:
        return None
    return n if n >= 0 else None


def explain_headers(headers):
    """The slow, thorough check: raises the Violation of the first bad header
    (latin-1 included), or returns the fields."""
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
        fields.append(name)
        fields.append(value)
    return fields
