"""An app: every browser gets its own session with its own content and click counter
(scenario 3). Runs until SIGTERM, like any pglet.app program."""

import pglet
from pglet import Button, Text

from hostlib import args, emit

server, name, _ = args()


def main(page):
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


# Blocks until SIGINT/SIGTERM, then closes its connection.
pglet.app(name, target=main, server=server, no_window=True)
emit("stopped")
