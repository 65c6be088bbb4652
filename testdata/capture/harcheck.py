"""An independent HAR 1.2 check for capture_test.go: reads a HAR file with
json and checks the fields the HAR 1.2 spec requires
(http://www.softwareishard.com/blog/har-12-spec/), their types and the rules
that tie them together. Prints one line per entry, "METHOD URL STATUS
SHA256-OF-BODY", then "ok"; or the problems, and exits 1."""

import base64
import datetime
import hashlib
import json
import sys

problems = []


def need(obj, where, field, types):
    if not isinstance(obj, dict) or field not in obj:
        problems.append("%s: missing %s" % (where, field))
        return None
    value = obj[field]
    if isinstance(value, bool) or not isinstance(value, types):
        problems.append("%s.%s: %r is not %s" % (where, field, value, types))
        return None
    return value


def pairs(obj, where, field):
    for i, item in enumerate(need(obj, where, field, list) or []):
        need(item, "%s.%s[%d]" % (where, field, i), "name", str)
        need(item, "%s.%s[%d]" % (where, field, i), "value", str)


def check_date(value, where):
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        problems.append("%s: %r is not an ISO 8601 date" % (where, value))


def check_entry(entry, where):
    check_date(need(entry, where, "startedDateTime", str), where + ".startedDateTime")
    total = need(entry, where, "time", (int, float))
    need(entry, where, "cache", dict)
    req = need(entry, where, "request", dict) or {}
    w = where + ".request"
    for field in ("method", "url", "httpVersion"):
        need(req, w, field, str)
    for field in ("headers", "queryString"):
        pairs(req, w, field)
    pairs(req, w, "cookies")
    need(req, w, "headersSize", int)
    need(req, w, "bodySize", int)
    if "postData" in req:
        pd = need(req, w, "postData", dict) or {}
        need(pd, w + ".postData", "mimeType", str)
        pairs(pd, w + ".postData", "params")
        need(pd, w + ".postData", "text", str)
    resp = need(entry, where, "response", dict) or {}
    w = where + ".response"
    need(resp, w, "status", int)
    for field in ("statusText", "httpVersion", "redirectURL"):
        need(resp, w, field, str)
    for field in ("headers", "cookies"):
        pairs(resp, w, field)
    need(resp, w, "headersSize", int)
    need(resp, w, "bodySize", int)
    content = need(resp, w, "content", dict) or {}
    need(content, w + ".content", "size", int)
    need(content, w + ".content", "mimeType", str)
    body = content.get("text", "").encode("utf-8")
    if content.get("encoding") == "base64":
        body = base64.b64decode(content["text"], validate=True)
    elif "encoding" in content:
        problems.append("%s.content.encoding: %r is not base64" % (w, content["encoding"]))
    timings = need(entry, where, "timings", dict) or {}
    spent = 0.0
    for field in ("send", "wait", "receive"):
        t = need(timings, where + ".timings", field, (int, float))
        if t is not None and t < 0:
            problems.append("%s.timings.%s: %r is negative" % (where, field, t))
        spent += t or 0
    for field in ("blocked", "dns", "connect", "ssl"):
        t = timings.get(field, -1)
        if t != -1 and t < 0:
            problems.append("%s.timings.%s: %r" % (where, field, t))
        if t > 0 and field != "ssl":
            spent += t
    if total is not None and abs(total - spent) > 0.01:
        problems.append("%s: time %r is not the sum of its timings %r" % (where, total, spent))
    return "%s %s %s %s" % (req.get("method"), req.get("url"), resp.get("status"), hashlib.sha256(body).hexdigest())


def main(path):
    with open(path, encoding="utf-8") as f:
        har = json.load(f)
    log = need(har, "", "log", dict) or {}
    if need(log, "log", "version", str) not in ("1.2", None):
        problems.append("log.version: %r, want 1.2" % log["version"])
    creator = need(log, "log", "creator", dict) or {}
    need(creator, "log.creator", "name", str)
    need(creator, "log.creator", "version", str)
    lines = [check_entry(e, "log.entries[%d]" % i) for i, e in enumerate(need(log, "log", "entries", list) or [])]
    if problems:
        print("\n".join(problems))
        return 1
    print("\n".join(lines + ["ok"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
