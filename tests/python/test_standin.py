"""The browser stand-in's reducer, checked on frames recorded from the reference server
(shared/spec/vectors.txt) so the scenarios can trust what it reports. No server is needed."""

from helpers.standin import ControlMap, render_tree


def page_only():
    m = ControlMap()
    m.apply({"id": "", "action": "registerWebClient", "payload": {
        "session": {"id": "tok", "controls": {"page": {"c": [], "i": "page", "p": "", "t": "page"}}},
        "error": "", "signinOptions": None}})
    return m


def add(controls, trim=()):
    return {"id": "", "action": "addPageControls",
            "payload": {"controls": controls, "trimIDs": list(trim)}}


def ctrl(i, p, t="text", c=(), **props):
    return {"c": list(c), "i": i, "p": p, "t": t, **props}


def child_ids(m, cid):
    return list(m.controls[cid]["c"])


def test_register_reply_replaces_map_and_keeps_session():
    m = page_only()
    assert m.session_id == "tok"
    m.apply(add([ctrl("x", "page")]))
    # A resent full state replaces everything (also what was added before).
    m.apply({"id": "", "action": "registerWebClient", "payload": {
        "session": {"id": "tok2", "controls": {
            "page": {"c": ["y"], "i": "page", "p": "", "t": "page"},
            "y": ctrl("y", "page")}}, "error": "", "signinOptions": None}})
    assert set(m.controls) == {"page", "y"}
    assert m.session_id == "tok2"


def test_add_nested_links_only_top_level_and_splices_at():
    m = page_only()
    # vectors: multi-line add; parents arrive with `c` already filled
    m.apply(add([ctrl("s1", "page", "stack", c=["s1:a", "s1:s2"]),
                 ctrl("s1:a", "s1", value="A"),
                 ctrl("s1:s2", "s1", "stack", c=["s1:s2:b"]),
                 ctrl("s1:s2:b", "s1:s2", "button", text="B"),
                 ctrl("after", "page")]))
    assert child_ids(m, "page") == ["s1", "after"]
    assert child_ids(m, "s1") == ["s1:a", "s1:s2"]
    # vectors: add ... at=0 / at=1 / at=99
    m.apply(add([ctrl("first", "page", at="0")]))
    m.apply(add([ctrl("s1:i1", "s1", at="1"), ctrl("s1:i2", "s1", at="2")]))
    m.apply(add([ctrl("s1:s2:far", "s1:s2", at="99")]))
    assert child_ids(m, "page") == ["first", "s1", "after"]
    assert child_ids(m, "s1") == ["s1:a", "s1:i1", "s1:i2", "s1:s2"]
    assert child_ids(m, "s1:s2") == ["s1:s2:b", "s1:s2:far"]


def test_re_added_control_keeps_children_and_is_not_linked_twice():
    m = page_only()
    m.apply(add([ctrl("s", "page", "stack", c=["s:k"]), ctrl("s:k", "s")]))
    m.apply(add([ctrl("s", "page", "stack", gap="5")]))
    assert child_ids(m, "page") == ["s"]
    assert child_ids(m, "s") == ["s:k"]
    assert m.controls["s"]["gap"] == "5"


def test_trim_ids_removed():
    m = page_only()
    m.apply(add([ctrl("log", "page", "stack", c=[f"log:l{i}" for i in range(1, 6)])]
                + [ctrl(f"log:l{i}", "log", "t") for i in range(1, 6)]))
    # vectors: add t id=l6 to=log trim=3
    m.apply(add([ctrl("log:l6", "log", "t", trim="3")], trim=["log:l1", "log:l2", "log:l3"]))
    assert child_ids(m, "log") == ["log:l4", "log:l5", "log:l6"]
    assert "log:l1" not in m.controls


def test_update_sets_and_empty_deletes_append_concatenates():
    m = page_only()
    m.apply(add([ctrl("g", "page", value="Hi", color="red")]))
    m.apply({"id": "", "action": "updateControlProps",
             "payload": {"props": [{"i": "g", "value": "Bye", "color": ""}, {"i": "nope", "x": "1"}]}})
    assert m.controls["g"] == ctrl("g", "page", value="Bye")
    m.apply({"id": "", "action": "appendControlProps",
             "payload": {"props": [{"i": "g", "value": " more"}, {"i": "g", "extra": "!"}]}})
    assert m.controls["g"]["value"] == "Bye more"
    assert m.controls["g"]["extra"] == "!"
    assert m.prop_log == [("g", "value", "Bye"), ("g", "color", None),
                          ("g", "value", "Bye more"), ("g", "extra", "!")]


def test_clean_remove_replace_and_batch():
    m = page_only()
    m.apply(add([ctrl("box", "page", "stack", c=["box:o1", "box:o2"]),
                 ctrl("box:o1", "box", "stack", c=["box:o1:x"]),
                 ctrl("box:o1:x", "box:o1"),
                 ctrl("box:o2", "box")]))
    # vectors: replace to=box (remove=false: clean, then add)
    m.apply({"id": "", "action": "replacePageControls", "payload": {
        "ids": ["box"], "remove": False,
        "controls": [ctrl("box:r1", "box"), ctrl("box:r2", "box")]}})
    assert child_ids(m, "box") == ["box:r1", "box:r2"]
    assert "box:o1:x" not in m.controls
    # vectors: replace box:r1 (remove=true) with an at=0 control
    m.apply({"id": "", "action": "replacePageControls", "payload": {
        "ids": ["box:r1"], "remove": True, "controls": [ctrl("box:r3", "box", at="0")]}})
    assert child_ids(m, "box") == ["box:r3", "box:r2"]
    m.apply({"id": "", "action": "pageControlsBatch", "payload": [
        add([ctrl("bt1", "page", value="one")]),
        {"id": "", "action": "updateControlProps", "payload": {"props": [{"i": "bt1", "value": "two"}]}},
        {"id": "", "action": "removeControl", "payload": {"ids": ["box:r2"]}},
        {"id": "", "action": "cleanControl", "payload": {"ids": ["page"]}},
        add([ctrl("last", "page")]),
    ]})
    assert set(m.controls) == {"page", "last"}
    assert render_tree(m.controls) == {"i": "page", "t": "page", "children": [
        {"i": "last", "t": "text", "children": []}]}


def test_inactive_message_kept():
    m = page_only()
    m.apply({"id": "", "action": "appBecomeInactive", "payload": {"message": "gone"}})
    assert m.error_message == "gone"
