"""A shared page that outlives a server restart (scenario 7). The process is never restarted:
pglet's ReconnectingWebSocket reconnects by itself and registers again with the
hostClientID it was given before.

requests:
  build                    -> a small page; returns ids
  host_client_id           -> the client's current hostClientID
  wait_reconnected(old)    -> waits until the client has registered again (its
                              hostClientID is replaced by the new registration's reply)
  set_status(value)        -> status.value = value; page.update()
  add_text(value)          -> page.add(Text(value)); returns the new control's id
"""

import time

import pglet
from pglet import Button, Stack, Text, Textbox

from hostlib import args, emit, index_types, serve

server, name, _ = args()
page = pglet.page(name, server=server, no_window=True)
emit("ready", page_name=page.name)

status = Text(value="before restart")
box = Stack(horizontal=True, controls=[Textbox(label="Kept", value="kept value"), Button(text="Go")])


def build():
    page.title = "Survives restarts"
    page.add(status, box)
    return {"status": status.uid, "box": box.uid, "index": index_types(page)}


def wait_reconnected(old, timeout=30):
    # Only observable from inside: the client stores the hostClientID of every successful
    # registration (pglet.py _on_ws_connect). Polled, with a deadline.
    conn = page.connection
    deadline = time.monotonic() + timeout
    while conn.host_client_id == old:
        if time.monotonic() > deadline:
            raise TimeoutError(f"client did not register again within {timeout}s")
        time.sleep(0.05)
    return {"host_client_id": conn.host_client_id, "page_name": conn.page_name}


def set_status(value):
    status.value = value
    page.update()


def add_text(value):
    t = Text(value=value)
    page.add(t)
    return {"new_id": t.uid, "index": index_types(page)}


serve({
    "build": build,
    "host_client_id": lambda: {"host_client_id": page.connection.host_client_id},
    "wait_reconnected": wait_reconnected,
    "set_status": set_status,
    "add_text": add_text,
})
page.close()
