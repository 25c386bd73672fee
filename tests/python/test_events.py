"""Scenario 2: browser clicks and edits reach the Python handlers; their updates come back."""

from helpers.trees import node


def start(server, host, standin, page_name):
    h = host("events.py", server, page_name)
    ready = h.expect("ready")
    web = standin(server)
    assert web.register(ready["page_name"])["error"] == ""
    ids = h.request("build")
    web.wait_for(lambda s: ids["echo"] in s.controls, what="controls added")
    return h, web, ids


def test_built_controls(server, host, standin, page_name):
    h, web, ids = start(server, host, standin, page_name)
    assert web.tree()["children"] == [
        node("button", ids["btn"], text="Click me", data="btn-data"),
        # on_change makes the client ask for change events: onchange=true
        node("textbox", ids["tb"], label="Name", onchange="true"),
        node("text", ids["status"], value="no clicks yet"),
        node("text", ids["echo"]),
    ]


def test_button_click_runs_handler(server, host, standin, page_name):
    h, web, ids = start(server, host, standin, page_name)

    # What the React Button sends: eventData is the button's `data`.
    web.send_event(ids["btn"], "click", "btn-data")
    clicked = h.expect("clicked", n=1)
    assert clicked["target"] == ids["btn"]
    assert clicked["data"] == "btn-data"
    web.wait_prop(ids["status"], "value", "clicked 1 times, data=btn-data")

    web.send_event(ids["btn"], "click", "btn-data")
    h.expect("clicked", n=2)
    web.wait_prop(ids["status"], "value", "clicked 2 times, data=btn-data")
    assert h.count("clicked") == 2
    assert web.apply_errors == []


def test_textbox_edit_writes_back_and_runs_handler(server, host, standin, page_name):
    h, web, ids = start(server, host, standin, page_name)
    tb = ids["tb"]

    # What the React Textbox does on typing: write the value back, then the change event.
    web.send_props([{"i": tb, "value": "Zoe"}])
    web.send_event(tb, "change", "Zoe")

    changed = h.expect("changed")
    assert (changed["target"], changed["data"]) == (tb, "Zoe")
    web.wait_prop(ids["echo"], "value", "Hello, Zoe!")
    # The write-back reached the Python object (the client applies `page change` events).
    h.poll_until("tb_value", lambda r: r["value"] == "Zoe", timeout=10)

    # And the other way: Python sets the value, the browser shows it.
    h.request("set_tb", value="set by Python")
    web.wait_prop(tb, "value", "set by Python")
    assert h.request("tb_value")["value"] == "set by Python"

    # A second edit after the Python write: still written back.
    web.send_props([{"i": tb, "value": "Zoe 2"}])
    web.send_event(tb, "change", "Zoe 2")
    web.wait_prop(ids["echo"], "value", "Hello, Zoe 2!")
    h.poll_until("tb_value", lambda r: r["value"] == "Zoe 2", timeout=10)
    assert web.apply_errors == []


def test_browser_connect_and_disconnect_reach_page_handlers(server, host, standin, page_name):
    h = host("events.py", server, page_name)
    name = h.expect("ready")["page_name"]
    web = standin(server)
    assert web.register(name)["error"] == ""
    assert h.expect("page_event", name="connect")["data"] == ""
    web.close()
    assert h.expect("page_event", name="disconnect")["data"] == ""
    assert h.count("page_event") == 2
