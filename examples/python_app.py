"""A small Pglet app in Python (pglet==0.7.3, unchanged) against pglet-rs: a to-do list.

    pip install pglet==0.7.3
    PGLET_SERVER=http://127.0.0.1:8550 python examples/python_app.py

Every browser tab gets its own session (an app page); the text box, checkboxes and the
tabs are two-way bound, so the handlers read what the user typed.
"""

import os

import pglet
from pglet import Button, Checkbox, Stack, Tab, Tabs, Text, Textbox


def main(page):
    page.title = "To-do"
    page.horizontal_align = "center"
    page.update()

    tasks = Stack(gap=4)
    count = Text(size="small")
    new_task = Textbox(placeholder="What needs to be done?", width="100%")
    filters = Tabs(value="all", tabs=[Tab(text="all"), Tab(text="active"), Tab(text="done")])

    def refresh(e=None):
        shown = 0
        for row in tasks.controls:
            box = row.controls[0]
            show = filters.value == "all" or (filters.value == "done") == bool(box.value)
            row.visible = show
            shown += 1 if show else 0
        left = sum(1 for row in tasks.controls if not row.controls[0].value)
        count.value = f"{left} item(s) left"
        page.update()

    def delete(row):
        def handler(e):
            tasks.controls.remove(row)
            refresh()

        return handler

    def add(e):
        if not new_task.value:
            return
        row = Stack(horizontal=True, vertical_align="center")
        row.controls.append(Checkbox(label=new_task.value, on_change=refresh))
        row.controls.append(Button(icon="Delete", title="Delete", on_click=delete(row)))
        tasks.controls.append(row)
        new_task.value = ""
        refresh()

    filters.on_change = refresh
    page.add(
        Stack(
            width="min(500px, 100%)",
            controls=[
                Text(value="To-do", size="xxLarge", align="center"),
                Stack(horizontal=True, on_submit=add, controls=[new_task, Button(text="Add", primary=True, on_click=add)]),
                filters,
                tasks,
                count,
            ],
        )
    )
    refresh()


pglet.app("todo", target=main, server=os.environ.get("PGLET_SERVER"), no_window=True)
