"""An app: every browser gets its own session with its own content and click counter
(scenario 3). Runs until SIGTERM, like any pglet.app program.

requests (served on a side thread, pglet.app owns the main one):
  host_client_id          -> the client's current hostClientID (known after the first session)
  wait_reconnected(old)   -> waits until the client registered again after a server restart
"""

import threading
import time

import pglet
from pglet import Button, Text

from hostlib import args, emit, serve

server, name, _ = args()
conn_box = {}  # the app's Connection, reachable through any of its pages


def main(page):
    conn_box.setdefault("conn", page.connection)
    clicks = {"n": 0}  # per session: a fresh closure for each page

    def on_click(e):
        clicks["n"] += 1
        out.value = f"{clicks['n']} clicks in this session"
        page.update()
        emit("clicked", session=page.session_id, n=clicks["n"])

    who = Text(value=f"hash={page.hash} width={page.win_width} height={page.win_height}")
    btn = Button(text="Click", on_click=on_click)
    out = Text(value="0 clicks in this session")
    page.add(who, btn, out)
    emit(
        "session",
        session=page.session_id,
        hash=page.hash,
        ids={"who": who.uid, "btn": btn.uid, "out": out.uid},
    )


def wait_reconnected(old, timeout=30):
    # The client stores the hostClientID of every successful registration.
    conn = conn_box["conn"]
    deadline = time.monotonic() + timeout
    while conn.host_client_id == old:
        if time.monotonic() > deadline:
            raise TimeoutError(f"client did not register again within {timeout}s")
        time.sleep(0.05)
    return {"host_client_id": conn.host_client_id}


threading.Thread(
    target=serve,
    args=({
        "host_client_id": lambda: {"host_client_id": conn_box["conn"].host_client_id},
        "wait_reconnected": wait_reconnected,
    },),
    daemon=True,
).start()

# Blocks until SIGINT/SIGTERM, then closes its connection.
pglet.app(name, target=main, server=server, no_window=True)
emit("stopped")
