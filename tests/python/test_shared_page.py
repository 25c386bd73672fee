"""Scenario 4: two browsers on one shared page see the same state; an edit by one is relayed
to the other (and to the Python host)."""


def is_update_for(frame, cid, value):
    return frame.get("action") == "updateControlProps" and any(
        p.get("i") == cid and p.get("value") == value
        for p in (frame.get("payload") or {}).get("props", [])
    )


def test_two_browsers_share_state(server, host, standin, page_name):
    h = host("events.py", server, page_name)
    name = h.expect("ready")["page_name"]
    a = standin(server, "A")
    b = standin(server, "B")
    assert a.register(name)["error"] == ""
    assert b.register(name)["error"] == ""
    ids = h.request("build")
    tb, echo = ids["tb"], ids["echo"]
    for web in (a, b):
        web.wait_for(lambda s: echo in s.controls, what="controls added")
    assert a.tree() == b.tree()

    # A types: B gets the same updateControlProps, relayed verbatim.
    a_mark, b_mark = a.frame_count(), b.frame_count()
    a.send_props([{"i": tb, "value": "typed in A"}])
    relayed = b.wait_frame(lambda f: is_update_for(f, tb, "typed in A"), since=b_mark)
    assert relayed == {
        "id": "",
        "action": "updateControlProps",
        "payload": {"props": [{"i": tb, "value": "typed in A"}]},
    }
    assert b.props(tb)["value"] == "typed in A"
    # The Python host's copy follows too.
    h.poll_until("tb_value", lambda r: r["value"] == "typed in A", timeout=10)

    # A's change event: the handler's update reaches both browsers.
    a.send_event(tb, "change", "typed in A")
    a.wait_prop(echo, "value", "Hello, typed in A!")
    b.wait_prop(echo, "value", "Hello, typed in A!")
    # The sender is not sent its own edit back (it applied it locally already).
    assert not any(is_update_for(f, tb, "typed in A") for f in a.frames[a_mark:])

    # And B -> A.
    b.send_props([{"i": tb, "value": "typed in B"}])
    a.wait_prop(tb, "value", "typed in B")
    b.send_event(tb, "change", "typed in B")
    a.wait_prop(echo, "value", "Hello, typed in B!")
    b.wait_prop(echo, "value", "Hello, typed in B!")

    # Python writes: both see it; in the end both maps are the same.
    h.request("set_tb", value="from Python")
    a.wait_prop(tb, "value", "from Python")
    b.wait_prop(tb, "value", "from Python")
    assert a.snapshot() == b.snapshot()
    assert a.apply_errors == [] and b.apply_errors == []
