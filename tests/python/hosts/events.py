"""Shared page with a button and a textbox whose handlers update the page (scenario 2).

requests:
  build              -> adds the controls; returns their ids
  tb_value           -> the Python-side textbox.value (written back by browser edits)
  set_tb(value)      -> textbox.value = value; page.update()
"""

import threading

import pglet
from pglet import Button, Text, Textbox

from hostlib import args, emit, serve

server, name, _ = args()
page = pglet.page(name, server=server, no_window=True)
emit("ready", page_name=page.name)

clicks = {"n": 0}
lock = threading.Lock()  # handlers run in threads of their own


def on_click(e):
    with lock:
        clicks["n"] += 1
        n = clicks["n"]
    status.value = f"clicked {n} times, data={e.data}"
    page.update()
    emit("clicked", n=n, target=e.target, data=e.data)


def on_change(e):
    # e.data is the event's own value; textbox.value is the write-back, applied by the
    # client from the `page change` event (possibly on another thread, so not read here).
    echo.value = f"Hello, {e.data}!"
    page.update()
    emit("changed", target=e.target, data=e.data)


def on_page_event(e):
    # page.on_connect / on_disconnect: the server's "page connect" / "page disconnect"
    emit("page_event", name=e.name, data=e.data)


page.on_connect = on_page_event
page.on_disconnect = on_page_event

btn = Button(text="Click me", data="btn-data", on_click=on_click)
tb = Textbox(label="Name", on_change=on_change)
status = Text(value="no clicks yet")
echo = Text()


def build():
    page.add(btn, tb, status, echo)
    return {"btn": btn.uid, "tb": tb.uid, "status": status.uid, "echo": echo.uid}


def set_tb(value):
    tb.value = value
    page.update()


serve({
    "build": build,
    "tb_value": lambda: {"value": tb.value},
    "set_tb": set_tb,
})
page.close()
