"""Scenario 6: 1,000 progress updates arrive in order, none lost, with the right final value."""

N = 1000


def value_log(web, cid):
    return [v for (i, k, v) in web.prop_log if i == cid and k == "value"]


def flat(frames):
    """Frames with pageControlsBatch opened up, in order."""
    for f in frames:
        if f.get("action") == "pageControlsBatch":
            yield from flat(f["payload"])
        else:
            yield f


def check_sequence(frames, cid, first, last):
    """Every value of `cid` a browser is sent is the next one, unless a full state (a
    registerWebClient frame) comes in between, which then carries a later value: updates may
    be coalesced into a full state, never silently lost or reordered. Returns the number of
    full states."""
    expect = first
    resyncs = 0
    for f in flat(frames):
        if f.get("action") == "updateControlProps":
            for p in f["payload"]["props"]:
                if p.get("i") == cid and "value" in p:
                    assert p["value"] == str(expect), (
                        f"got value {p['value']} where {expect} was next (no full state "
                        f"in between): an update was lost or reordered"
                    )
                    expect += 1
        elif f.get("action") == "registerWebClient":
            resyncs += 1
            v = int(f["payload"]["session"]["controls"][cid]["value"])
            assert v >= expect - 1, f"full state went back in time: {v} after {expect - 1}"
            expect = v + 1
    assert expect - 1 == last, f"last value seen {expect - 1}, wanted {last}"
    return resyncs


def start(server, host, standin, page_name):
    h = host("progress.py", server, page_name)
    name = h.expect("ready")["page_name"]
    web = standin(server)
    assert web.register(name)["error"] == ""
    ids = h.request("build")
    web.wait_for(lambda s: ids["done"] in s.controls, what="progress added")
    # The initial value travels with the add, not as an update.
    assert web.props(ids["prog"]) == {"label": "Working", "value": "0"}
    return h, web, ids


def test_thousand_updates_in_order(server, host, standin, page_name):
    h, web, ids = start(server, host, standin, page_name)
    mark = web.frame_count()
    h.request("run_updates", n=N, timeout=90)
    web.wait_prop(ids["done"], "value", f"updates done: {N}", timeout=30)
    # Paced by the client (each update waits for its reply): every value arrives, no full
    # state needed.
    assert value_log(web, ids["prog"]) == [str(i) for i in range(1, N + 1)]
    assert check_sequence(web.frames[mark:], ids["prog"], 1, N) == 0
    assert web.props(ids["prog"])["value"] == str(N)
    assert web.apply_errors == []

    # A browser opening now sees the final value.
    late = standin(server, "late")
    late.register(h.expect("ready")["page_name"])
    assert late.props(ids["prog"])["value"] == str(N)


def test_thousand_fire_and_forget_setf_in_order(server, host, standin, page_name):
    h, web, ids = start(server, host, standin, page_name)
    mark = web.frame_count()
    h.request("run_setf", n=N, start=1, timeout=90)
    web.wait_prop(ids["done"], "value", f"setf done: {N}", timeout=30)
    # A burst this fast (the client writes 1,000 frames in a few ms) may make the server
    # replace queued updates by one full state (our server does: a bounded browser queue);
    # what must hold is order, no silent gap, and the final value.
    check_sequence(web.frames[mark:], ids["prog"], 1, N)
    assert web.props(ids["prog"])["value"] == str(N)
    # Fire-and-forget means no reply: the client prints any frame it cannot route.
    assert not [t for t in h.text if "result" in t], h.text[-5:]
    assert web.apply_errors == []
