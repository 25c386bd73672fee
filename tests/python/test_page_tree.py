"""Scenarios 1 and 5: a page built by pglet 0.7.3 shows the right tree, live and to a late
browser.

About ids: pglet 0.7.3 sends a user-given id as a JSON array (`"id": ["form", true]`, its
(value, dirty) tuple; control.py `_get_cmd_attrs`). The reference server ignores an attribute
that is not a string, so every control of a Python page gets an automatic id `_N`, numbered in
document order. That is what existing Python apps see, so it is what we expect.
"""

from helpers.standin import outline
from helpers.trees import ids_and_types, node

# The tree hosts/page_tree.py `build` makes (wire names, string values, document order).
BUILT = node(
    "page", "page",
    node(
        "stack", "_1",
        node("text", "_2", value="Hello, world!", bold="true"),
        node("button", "_3", text="OK", primary="true", data="ok-data"),
        node("textbox", "_4", label="Your name", value="Ann", placeholder="type here"),
        node("text", "_5", value="auto-id text"),
        horizontal="true", gap="5",
    ),
    node(
        "grid", "_6",
        node(
            "columns", "_7",
            node("column", "_8", name="First name", fieldname="first"),
            node("column", "_9", name="Age", fieldname="age", sortable="number"),
        ),
        node(
            "items", "_10",
            node("item", "_11", first="Ann", age="30"),
            node("item", "_12", first="Bob", age="25"),
        ),
        selection="single",
    ),
    node(
        "tabs", "_13",
        node("tab", "_14", node("text", "_15", value="inside one"), text="One", key="one"),
        node("tab", "_16", text="Two", key="two", count="3"),
        value="two",
    ),
    node(
        "dropdown", "_17",
        node("option", "_18", key="red"),
        node("option", "_19", key="green", text="Green!"),
        node("option", "_20", key="blue", disabled="true"),
        label="Color", value="green",
    ),
    title="Compat tree",
)

# After `mutate`: inserted text at form[1], auto-id text removed, hello changed and its bold
# deleted, grid row Ann removed and Cid appended, banner inserted at the top of the page,
# tab One cleaned.
MUTATED = node(
    "page", "page",
    node("text", "_23", value="Top banner"),
    node(
        "stack", "_1",
        node("text", "_2", value="Hello again"),
        node("text", "_21", value="I was inserted"),
        node("button", "_3", text="OK", primary="true", data="ok-data"),
        node("textbox", "_4", label="Your name", value="Ann", placeholder="type here"),
        horizontal="true", gap="5",
    ),
    node(
        "grid", "_6",
        node(
            "columns", "_7",
            node("column", "_8", name="First name", fieldname="first"),
            node("column", "_9", name="Age", fieldname="age", sortable="number"),
        ),
        node(
            "items", "_10",
            node("item", "_12", first="Bob", age="25"),
            node("item", "_22", first="Cid", age="41"),
        ),
        selection="single",
    ),
    node(
        "tabs", "_13",
        node("tab", "_14", text="One", key="one"),
        node("tab", "_16", text="Two", key="two", count="3"),
        value="two",
    ),
    node(
        "dropdown", "_17",
        node("option", "_18", key="red"),
        node("option", "_19", key="green", text="Green!"),
        node("option", "_20", key="blue", disabled="true"),
        label="Color", value="green",
    ),
    title="Compat tree",
)


def assert_tree(actual, expected, who):
    # Compare outlines first: a failure then shows a readable line diff.
    assert outline(actual) == outline(expected), f"{who}: tree differs"
    assert actual == expected, f"{who}: tree differs"


def test_built_page_tree(server, host, standin, page_name):
    """Scenario 1: types, ids, props, nesting and order as the stand-in applies them."""
    h = host("page_tree.py", server, page_name)
    ready = h.expect("ready")
    assert ready["page_name"] == f"p/{page_name}"
    assert ready["url"] == f"{server.url}/p/{page_name}"

    web = standin(server, "early")
    reply = web.register(ready["page_name"])
    assert reply["error"] == ""
    assert reply["session"]["controls"] == {"page": {"c": [], "i": "page", "p": "", "t": "page"}}

    built = h.request("build")
    web.wait_for(lambda s: len(s.controls) == 21, what="21 controls")
    assert web.apply_errors == []
    assert_tree(web.tree(), BUILT, "live stand-in")
    # The ids the Python client got back are the ids the browser knows, with the same types.
    assert built["index"] == ids_and_types(web.snapshot())

    # One page.add() is one command batch: the browser gets it as one message.
    updates = web.frames[1:]
    assert [f["action"] for f in updates] == ["pageControlsBatch"], web.describe_frames()

    late = standin(server, "late")
    assert late.register(ready["page_name"])["error"] == ""
    assert_tree(late.tree(), BUILT, "late stand-in")


def test_late_browser_gets_full_state(server, host, standin, page_name):
    """Scenario 5: after inserts, removes, cleans, prop deletes, a browser that connects late
    gets exactly the state an early browser built from the update messages."""
    h = host("page_tree.py", server, page_name)
    ready = h.expect("ready")
    early = standin(server, "early")
    early.register(ready["page_name"])
    h.request("build")
    early.wait_for(lambda s: len(s.controls) == 21, what="built page")
    mutated = h.request("mutate")
    # The clean of tab One is the last mutation; waited for by content, not by id, so that
    # wrong ids show up in the tree comparison below rather than as a timeout.
    early.wait_for(
        lambda s: any(c.get("key") == "one" and c.get("c") == [] for c in s.controls.values())
        and any(c.get("value") == "Top banner" for c in s.controls.values()),
        what="mutations applied",
    )
    assert early.apply_errors == []
    assert_tree(early.tree(), MUTATED, "early stand-in")
    assert mutated["index"] == ids_and_types(early.snapshot())

    late = standin(server, "late")
    reply = late.register(ready["page_name"])
    assert reply["error"] == ""
    assert_tree(late.tree(), MUTATED, "late stand-in")
    # Not only the rendered tree: the whole flat map (parents, child lists, `at`) is the same.
    assert late.snapshot() == early.snapshot()
