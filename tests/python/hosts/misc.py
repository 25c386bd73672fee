"""Odd values, page events, grid selection, structural changes (extra coverage).

requests:
  build(values)          -> one Text per value, a grid with selection; returns ids
  state                  -> Python-side page.hash, win_width, selected first names, last events
  set_values(values)     -> the texts get these values; page.update()
  remove_first           -> page.remove(first text)
  clean_page             -> page.clean(), then page.add(Text("fresh"))
"""

import threading

import pglet
from pglet import Column, Grid, Text

from hostlib import args, emit, serve

server, name, _ = args()
page = pglet.page(name, server=server, no_window=True)
emit("ready", page_name=page.name)

events = []
events_lock = threading.Lock()


def remember(e):
    with events_lock:
        events.append([e.target, e.name, e.data])
    emit("event", target=e.target, name=e.name, data=e.data)


page.on_hash_change = remember
page.on_resize = remember

texts = []
people = [{"first": "Ann", "age": 30}, {"first": "Bob", "age": 25}, {"first": "Cid", "age": 41}]
grid = Grid(
    selection_mode="multiple",
    columns=[Column(name="First", field_name="first")],
    items=people,
    on_select=remember,
)


def build(values):
    texts.extend(Text(value=v) for v in values)
    page.add(*texts, grid)
    return {
        "texts": [t.uid for t in texts],
        "grid": grid.uid,
        "items": [grid._items._get_children()[i].uid for i in range(len(people))],
    }


def state():
    with events_lock:
        ev = list(events)
    return {
        "hash": page.hash,
        "win_width": page.win_width,
        "win_height": page.win_height,
        "selected": [p["first"] for p in grid.selected_items],
        "events": ev,
    }


def set_values(values):
    for t, v in zip(texts, values):
        t.value = v
    page.update()


def remove_first():
    page.remove(texts[0])


def clean_page():
    page.clean()
    fresh = Text(value="fresh")
    page.add(fresh)
    return {"fresh": fresh.uid}


serve({
    "build": build,
    "state": state,
    "set_values": set_values,
    "remove_first": remove_first,
    "clean_page": clean_page,
})
page.close()
