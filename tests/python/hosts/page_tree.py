"""Shared page with Stack/Text/Button/Textbox/Grid/Tabs/Dropdown (scenarios 1 and 5).

requests:
  build   -> adds the page content in one page.add()
  mutate  -> structural edits: insert at a position, remove, grid rows changed, clean a stack,
             property set and property delete
  index   -> {uid: type} of every control the Python page knows
"""

import pglet
from pglet import (
    Button,
    Column,
    Dropdown,
    Grid,
    Stack,
    Tab,
    Tabs,
    Text,
    Textbox,
)
from pglet import dropdown

from hostlib import args, emit, index_types, serve

server, name, _ = args()

page = pglet.page(name, server=server, no_window=True)
emit("ready", page_name=page.name, url=page.url)

ctl = {}


def build():
    page.title = "Compat tree"
    ctl["form"] = Stack(
        id="form",
        horizontal=True,
        gap=5,
        controls=[
            Text(id="hello", value="Hello, world!", bold=True),
            Button(id="ok", text="OK", primary=True, data="ok-data"),
            Textbox(id="name", label="Your name", value="Ann", placeholder="type here"),
            Text(value="auto-id text"),
        ],
    )
    ctl["people"] = Grid(
        id="people",
        selection_mode="single",
        columns=[
            Column(name="First name", field_name="first"),
            Column(name="Age", field_name="age", sortable="number"),
        ],
        items=[
            {"first": "Ann", "age": 30},
            {"first": "Bob", "age": 25},
        ],
    )
    ctl["tabs"] = Tabs(
        id="tabs",
        value="two",
        tabs=[
            Tab(text="One", key="one", controls=[Text(id="in1", value="inside one")]),
            Tab(text="Two", key="two", count=3),
        ],
    )
    ctl["color"] = Dropdown(
        id="color",
        label="Color",
        value="green",
        options=[
            dropdown.Option("red"),
            dropdown.Option("green", "Green!"),
            dropdown.Option("blue", disabled=True),
        ],
    )
    page.add(ctl["form"], ctl["people"], ctl["tabs"], ctl["color"])
    return {"index": index_types(page)}


def mutate():
    form = ctl["form"]
    # insert at position 1 of an existing stack -> "add ... to=form at=1"
    form.controls.insert(1, Text(id="inserted", value="I was inserted"))
    # remove the auto-id text (last) -> "remove <uid>"
    form.controls.pop()
    # property change and property deletion (None -> "" deletes it)
    ctl["hello"] = form.controls[0]
    ctl["hello"].value = "Hello again"
    ctl["hello"].bold = None
    form.update()
    # grid rows: one removed, one appended
    grid = ctl["people"]
    grid.items = [{"first": "Bob", "age": 25}, {"first": "Cid", "age": 41}]
    grid.update()
    # a page-level insert at the top
    page.insert(0, Text(id="banner", value="Top banner"))
    # the first tab is emptied (clean)
    tab1 = ctl["tabs"].tabs[0]
    tab1.clean()
    return {"index": index_types(page)}


def index():
    return {"index": index_types(page)}


serve({"build": build, "mutate": mutate, "index": index})
page.close()
