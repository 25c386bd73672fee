"""Many small updates in a row (scenario 6).

requests:
  build                -> a Progress and a Text; returns their ids
  run_updates(n)       -> for i in 1..n: progress.value = i; page.update()   (the public API)
  run_setf(n, start)   -> n fire-and-forget `setf` commands on the client's own connection,
                          then one page.update() as a barrier (see below)
"""

import json
import time

import pglet
from pglet import Progress, Text
from pglet.protocol import Actions, Command, Message, PageCommandRequestPayload

from hostlib import args, emit, serve

server, name, _ = args()
page = pglet.page(name, server=server, no_window=True)
emit("ready", page_name=page.name)

prog = Progress(label="Working", value=0)
done = Text(value="idle")


def build():
    page.add(prog, done)
    return {"prog": prog.uid, "done": done.uid}


def run_updates(n):
    t0 = time.monotonic()
    for i in range(1, n + 1):
        prog.value = i
        page.update()
    done.value = f"updates done: {n}"
    page.update()
    return {"seconds": time.monotonic() - t0}


def run_setf(n, start):
    # pglet 0.7.3 has no fire-and-forget API (pglet's other clients have `setf`), so the
    # protocol message is written on the client's own WebSocket, serialised exactly as the
    # client serialises its commands. id "" = no reply expected; a reply would be printed
    # by the client's Connection ("{'result': ...}") and the test checks none is.
    conn = page.connection
    t0 = time.monotonic()
    for i in range(start, start + n):
        cmd = Command(0, "setf", [prog.uid], {"value": str(i)}, None, None)
        msg = Message("", Actions.PAGE_COMMAND_FROM_HOST,
                      PageCommandRequestPayload(page.name, page.session_id, cmd))
        conn._ws.send(json.dumps(msg, default=vars))
    sent = time.monotonic() - t0
    # Barrier: a request/reply on the same socket after all the setf frames.
    done.value = f"setf done: {n}"
    page.update()
    return {"seconds": sent}


serve({"build": build, "run_updates": run_updates, "run_setf": run_setf})
page.close()
