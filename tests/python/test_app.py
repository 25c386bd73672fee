"""Scenario 3: pglet.app gives each browser its own session; events go to the right session;
stopping the app host makes its browsers show "application is inactive"."""

import json

INACTIVE = "Application is inactive. Please try refreshing this page later."
NOT_RUNNING = "Page not found or application is not running."


def test_app_sessions_and_inactive(server, host, standin, page_name):
    h = host("app_host.py", server, page_name)
    url = h.wait_text("App URL: ").split("App URL: ", 1)[1]
    assert url == f"{server.url}/p/{page_name}"
    name = f"p/{page_name}"
    # Printed by pglet.app after its registration succeeded.
    h.wait_text("Connected to Pglet app")

    a = standin(server, "A")
    b = standin(server, "B")
    ra = a.register(name, page_hash="alpha", win_width="1111", win_height="611")
    assert ra["error"] == ""
    rb = b.register(name, page_hash="beta", win_width="2222", win_height="622")
    assert rb["error"] == ""
    # The browser's hash and window size are stored on the session's page control.
    assert ra["session"]["controls"]["page"] == {
        "c": [], "i": "page", "p": "", "t": "page",
        "hash": "alpha", "winwidth": "1111", "winheight": "611",
    }
    assert rb["session"]["controls"]["page"]["hash"] == "beta"
    assert ra["session"]["id"] != rb["session"]["id"]

    # The app's handler ran once per browser, each seeing its own browser's page values.
    sa = h.expect("session", hash="alpha")
    sb = h.expect("session", hash="beta")
    assert sa["session"] != sb["session"]
    for web, s, w, hgt in ((a, sa, "1111", "611"), (b, sb, "2222", "622")):
        ids = s["ids"]
        web.wait_for(lambda x: ids["out"] in x.controls, what="app content")
        assert web.props(ids["who"])["value"] == f"hash={s['hash']} width={w} height={hgt}"
        assert web.props(ids["out"])["value"] == "0 clicks in this session"
        assert [c["t"] for c in web.tree()["children"]] == ["text", "button", "text"]

    # A click in A runs A's handler only.
    a.send_event(sa["ids"]["btn"], "click")
    assert h.expect("clicked", session=sa["session"])["n"] == 1
    a.wait_prop(sa["ids"]["out"], "value", "1 clicks in this session")
    a.send_event(sa["ids"]["btn"], "click")
    assert h.expect("clicked", session=sa["session"], n=2)
    a.wait_prop(sa["ids"]["out"], "value", "2 clicks in this session")
    # B's counter is its own: its first click is 1, not 3.
    b.send_event(sb["ids"]["btn"], "click")
    assert h.expect("clicked", session=sb["session"])["n"] == 1
    b.wait_prop(sb["ids"]["out"], "value", "1 clicks in this session")
    assert not any(m.get("session") == sb["session"] and m.get("n", 0) > 1
                   for m in h.messages if m.get("kind") == "clicked")
    # Nothing of A's session ever reached B, and the other way round.
    assert "alpha" not in json.dumps(b.frames) and "2 clicks" not in json.dumps(b.frames)
    assert "beta" not in json.dumps(a.frames)

    # Stopping the app host (SIGTERM: pglet.app closes its connection and returns).
    assert h.stop() == 0
    assert h.count("stopped") == 1
    for web in (a, b):
        web.wait_for(lambda x: x.error_message == INACTIVE, what="appBecomeInactive")
        inactive = [f for f in web.frames if f.get("action") == "appBecomeInactive"]
        assert inactive == [
            {"id": "", "action": "appBecomeInactive", "payload": {"message": INACTIVE}}
        ]

    # The app is gone: a new browser is told so.
    c = standin(server, "C")
    rc = c.register(name)
    assert rc["session"] is None
    assert rc["error"] == NOT_RUNNING
