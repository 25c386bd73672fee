"""Scenario 7: the server restarts under a running Python host.

The page is built by a Python host; the server is stopped (SIGTERM, or kill -9 with
`--durability strict`) and started again on the same port and data directory. A new browser
gets the identical tree, and the same host process, which reconnects and registers again by
itself, keeps updating the page.
"""

import signal

import pytest

from helpers.standin import outline


@pytest.mark.parametrize(
    "how,server_args",
    [
        ("sigterm", []),
        ("kill9", ["--durability", "strict"]),
    ],
)
def test_restart_keeps_page_and_host(how, server_args, make_server, reference, host, standin, page_name):
    if reference:
        pytest.skip("the reference server keeps pages in memory only: nothing survives a restart")
    srv = make_server(extra_args=server_args)
    h = host("restart.py", srv, page_name)
    name = h.expect("ready")["page_name"]
    a = standin(srv, "before")
    assert a.register(name)["error"] == ""
    ids = h.request("build")
    a.wait_for(lambda s: len(s.controls) == len(ids["index"]) + 1, what="page built")
    before_map = a.snapshot()
    before_tree = a.tree()
    assert before_tree["title"] == "Survives restarts"
    assert [c["t"] for c in before_tree["children"]] == ["text", "stack"]
    old_id = h.request("host_client_id")["host_client_id"]
    assert old_id

    # The last update is acknowledged to the host and the server is stopped right away: an
    # acknowledged update must survive (strict durability: the reply waits for the flush;
    # SIGTERM: a graceful stop flushes).
    h.request("set_status", value="acknowledged before stop")
    before_map[ids["status"]]["value"] = "acknowledged before stop"
    before_tree["children"][0]["value"] = "acknowledged before stop"

    port = srv.port
    if how == "sigterm":
        assert srv.stop(signal.SIGTERM) == 0, "server did not stop cleanly on SIGTERM:\n" + srv.log_tail()
    else:
        srv.kill()
    a.wait_closed()
    srv.start()
    assert srv.port == port

    # The unchanged host process reconnects (its own backoff: 1-2 s) and registers again,
    # presenting its previous hostClientID.
    again = h.request("wait_reconnected", old=old_id, timeout=40)
    assert again["page_name"] == name

    b = standin(srv, "after")
    reply = b.register(name)
    assert reply["error"] == "", reply
    assert outline(b.tree()) == outline(before_tree)
    assert b.snapshot() == before_map

    # The host keeps driving the page: a property update...
    h.request("set_status", value="after restart")
    b.wait_prop(ids["status"], "value", "after restart")
    # ...and a new control, whose id must not collide with any id from before the restart.
    added = h.request("add_text", value="added after restart")
    assert added["new_id"] not in before_map
    b.wait_for(lambda s: added["new_id"] in s.controls, what="control added after restart")
    assert [c.get("value") for c in b.tree()["children"]] == [
        "after restart", None, "added after restart"
    ]
    assert added["index"] == {k: v["t"] for k, v in b.snapshot().items() if k != "page"}

    # A browser arriving now sees exactly what the connected one built from updates.
    c = standin(srv, "late")
    assert c.register(name)["error"] == ""
    assert c.snapshot() == b.snapshot()
    assert b.apply_errors == [] and c.apply_errors == []


def test_restart_keeps_app_sessions_working(make_server, reference, host, standin, page_name):
    """An app session's browser comes back after a restart with its session cookie: it gets
    its content back, and its clicks reach the same (never restarted) app process, whose
    Page object for that session is still there."""
    if reference:
        pytest.skip("the reference server keeps pages in memory only: nothing survives a restart")
    srv = make_server()
    h = host("app_host.py", srv, page_name)
    h.wait_text("Connected to Pglet app")
    name = f"p/{page_name}"
    a = standin(srv, "A")
    ra = a.register(name, page_hash="alpha")
    assert ra["error"] == ""
    s = h.expect("session", hash="alpha")
    out, btn = s["ids"]["out"], s["ids"]["btn"]
    a.wait_for(lambda x: out in x.controls, what="app content")
    a.send_event(btn, "click")
    a.wait_prop(out, "value", "1 clicks in this session")
    before = a.snapshot()
    old_id = h.request("host_client_id")["host_client_id"]

    assert srv.stop(signal.SIGTERM) == 0
    a.wait_closed()
    srv.start()
    h.request("wait_reconnected", old=old_id, timeout=40)

    # The browser reloads: registerWebClient with the session cookie it was given.
    a2 = standin(srv, "A again")
    r = a2.register(name, page_hash="alpha", session_id=ra["session"]["id"])
    assert r["error"] == "", r
    assert a2.snapshot() == before
    # No new session was started in the app for this browser.
    assert h.count("session") == 1

    a2.send_event(btn, "click")
    assert h.expect("clicked", session=s["session"], n=2, timeout=10)
    a2.wait_prop(out, "value", "2 clicks in this session")
