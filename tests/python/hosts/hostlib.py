"""The host programs' side of the test line protocol.

A host program is a normal pglet program; it additionally reports what it did as JSON lines
on stdout (`emit`) and accepts requests from the test on stdin (`serve`), so the test can
drive it step by step and read state that only exists inside the Python process (for example
`textbox.value` after a browser edit).
"""

import json
import sys
import threading
import traceback

_out_lock = threading.Lock()


def emit(kind, **data):
    line = json.dumps({"kind": kind, **data})
    # The pglet client prints from its own threads, without our lock, and `print` writes
    # its pieces one by one: a line could start inside "Session started: <id>" (seen in
    # CI). Starting on a fresh line keeps ours whole; the reader skips the empty lines.
    with _out_lock:
        sys.stdout.write("\n" + line + "\n")
        sys.stdout.flush()


def args():
    """argv: <server url> <page name> [extra...]"""
    if len(sys.argv) < 3:
        sys.exit("usage: host.py SERVER_URL PAGE_NAME [...]")
    server = sys.argv[1]
    # The pglet client starts a server of its own when the URL names localhost and it cannot
    # connect; the suite must only ever talk to the server under test.
    assert "localhost" not in server, server
    return server, sys.argv[2], sys.argv[3:]


def serve(handlers):
    """Answers requests from stdin until EOF: {"id", "cmd", ...} -> {"kind": "reply", "id", ...}.

    Each request runs on this (main) thread, one at a time, in order.
    """
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        rid = req.pop("id")
        cmd = req.pop("cmd")
        try:
            result = handlers[cmd](**req) or {}
            emit("reply", id=rid, cmd=cmd, **result)
        except Exception:
            emit("error", id=rid, cmd=cmd, error=traceback.format_exc())


def index_types(page):
    """{uid: control type} of every control the Python page knows (page.index)."""
    return {
        uid: ctrl._get_control_name()
        for uid, ctrl in page.index.items()
        if uid != "page"
    }
