"""More of what Python programs do: hard values, page events, grid selection, remove/clean."""

# Values the client sends as JSON strings; none of them may be touched by the command text
# grammar (quotes, `//`, `=`, punctuation, escapes) on the way to the browser.
HARD = [
    'He said "hi", then left.',
    "line1\nline2\ttabbed",
    "http://example.org/a//b // not a comment",
    "C:\\Program Files\\x",
    "Привет, 世界 🎉",
    "a=b c=d to=page at=0",
    "  padded  ",
    "`backquoted`",
]
HARD2 = [v[::-1] for v in HARD[:-1]] + [""]


def start(server, host, standin, page_name):
    h = host("misc.py", server, page_name)
    name = h.expect("ready")["page_name"]
    web = standin(server)
    assert web.register(name, page_hash="start", win_width="800", win_height="600")["error"] == ""
    ids = h.request("build", values=HARD)
    web.wait_for(lambda s: ids["grid"] in s.controls, what="page built")
    return h, web, ids, name


def test_values_arrive_verbatim(server, host, standin, page_name):
    h, web, ids, name = start(server, host, standin, page_name)
    assert [web.props(t).get("value") for t in ids["texts"]] == HARD

    h.request("set_values", values=HARD2)
    # The last value is "": setting a prop to "" deletes it.
    web.wait_for(lambda s: "value" not in s.props(ids["texts"][-1]), what="value deleted")
    assert [web.props(t).get("value") for t in ids["texts"]] == HARD2[:-1] + [None]

    late = standin(server, "late")
    late.register(name)
    assert [late.props(t).get("value") for t in ids["texts"]] == HARD2[:-1] + [None]
    assert late.snapshot() == web.snapshot()


def test_hash_and_resize_reach_python(server, host, standin, page_name):
    h, web, ids, name = start(server, host, standin, page_name)
    # A shared page's session is made by the host, so the browser's values are not stored.
    assert h.request("state")["hash"] == ""

    # What the React page does on a hash change and on a resize.
    web.send_props([{"i": "page", "hash": "section2"}])
    web.send_event("page", "hashChange", "section2")
    assert h.expect("event", name="hashChange")["data"] == "section2"
    h.poll_until("state", lambda r: r["hash"] == "section2")

    web.send_props([{"i": "page", "winwidth": "1024"}, {"i": "page", "winheight": "768"}])
    web.send_event("page", "resize", "1024 768")
    assert h.expect("event", name="resize")["data"] == "1024 768"
    st = h.poll_until("state", lambda r: r["win_width"] == 1024)
    assert st["win_height"] == 768


def test_grid_selection_reaches_python(server, host, standin, page_name):
    h, web, ids, name = start(server, host, standin, page_name)
    items = ids["items"]
    assert [web.props(i)["first"] for i in items] == ["Ann", "Bob", "Cid"]
    # What the React grid does: write selectedindices back, then `select` with item ids.
    web.send_props([{"i": ids["grid"], "selectedindices": "0 2"}])
    web.send_event(ids["grid"], "select", f"{items[0]} {items[2]}")
    ev = h.expect("event", name="select")
    assert ev["target"] == ids["grid"]
    assert h.request("state")["selected"] == ["Ann", "Cid"]


def test_remove_and_clean(server, host, standin, page_name):
    h, web, ids, name = start(server, host, standin, page_name)
    first = ids["texts"][0]
    h.request("remove_first")
    web.wait_for(lambda s: first not in s.controls, what="first text removed")
    assert web.tree()["children"][0]["i"] == ids["texts"][1]

    fresh = h.request("clean_page")["fresh"]
    web.wait_for(lambda s: fresh in s.controls, what="fresh text")
    assert web.tree()["children"] == [
        {"i": fresh, "t": "text", "value": "fresh", "children": []}
    ]
    # Everything under the page is gone from the map, not only unlinked.
    assert set(web.controls) == {"page", fresh}

    late = standin(server, "late")
    late.register(name)
    assert late.snapshot() == web.snapshot()
    assert web.apply_errors == []
