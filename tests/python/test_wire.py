"""The exact frames pglet 0.7.3 writes, checked one by one against the server's replies.

The scenarios run whole programs; these tests pin down single frames, so that a failure names
the frame. Each frame is made by the client's own code (pglet.protocol dataclasses, serialised
with `json.dumps(msg, default=vars)` as pglet/connection.py does), not written by hand.
"""

import json

import pytest
import websocket

from pglet import Stack, Text
from pglet.protocol import (
    Actions,
    Command,
    Message,
    PageCommandsBatchRequestPayload,
    RegisterHostClientRequestPayload,
)


def client_frame(msg_id, action, payload) -> str:
    # pglet/connection.py _send_message_with_result, verbatim.
    return json.dumps(Message(msg_id, action, payload), default=vars)


class RawHost:
    def __init__(self, server):
        self.ws = websocket.create_connection(server.ws_url, timeout=10)

    def call(self, frame: str) -> dict:
        self.ws.send(frame)
        sent_id = json.loads(frame)["id"]
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == sent_id:
                return reply

    def close(self):
        self.ws.close()


@pytest.fixture
def raw_host(server):
    hosts = []

    def make():
        h = RawHost(server)
        hosts.append(h)
        return h

    yield make
    for h in hosts:
        h.close()


def register_frame(page_name, host_client_id=None, is_app=False):
    # pglet.page(name) without token/permissions, first connection: hostClientID, authToken
    # and permissions are None, i.e. JSON null.
    return client_frame(
        "r1",
        Actions.REGISTER_HOST_CLIENT,
        RegisterHostClientRequestPayload(host_client_id, page_name, is_app, False, None, None),
    )


def test_register_host_client_with_null_fields(raw_host, page_name):
    frame = register_frame(page_name)
    assert '"hostClientID": null' in frame and '"authToken": null' in frame
    reply = raw_host().call(frame)
    assert reply["action"] == ""
    p = reply["payload"]
    assert p["error"] == "", f"sent {frame}\ngot {json.dumps(reply)}"
    assert p["pageName"] == f"p/{page_name}"
    assert p["sessionID"] == "0"
    assert p["hostClientID"]


def test_register_app_host_with_null_fields(raw_host, page_name):
    reply = raw_host().call(register_frame(page_name, is_app=True))
    assert reply["payload"]["error"] == ""
    assert reply["payload"]["sessionID"] == ""
    assert reply["payload"]["pageName"] == f"p/{page_name}"


def registered(raw_host, page_name):
    h = raw_host()
    # Registered with empty strings instead of nulls, so these tests do not depend on the
    # one above.
    reg = json.loads(register_frame(page_name))
    reg["payload"].update(hostClientID="", authToken="", permissions="")
    reply = h.call(json.dumps(reg))
    assert reply["payload"]["error"] == ""
    return h, reply["payload"]["pageName"]


def test_fetch_page_details_batch_with_null_fields(raw_host, page_name):
    h, name = registered(raw_host, page_name)
    # page.py _fetch_page_details: nine `get page <prop>`, attrs/lines/commands None.
    props = ["hash", "winwidth", "winheight", "userauthprovider", "userid", "userlogin",
             "username", "useremail", "userclientip"]
    cmds = [Command(0, "get", ["page", p], None, None, None) for p in props]
    frame = client_frame("b1", Actions.PAGE_COMMANDS_BATCH_FROM_HOST,
                         PageCommandsBatchRequestPayload(name, "0", cmds))
    reply = h.call(frame)
    assert reply["payload"] == {"results": [""] * 9, "error": ""}


def test_user_ids_sent_as_tuples_get_automatic_ids(raw_host, page_name):
    """pglet 0.7.3 sends `id` as its internal (value, dirty) tuple: `"id": ["form", true]`.
    The reference server ignores a non-string attribute, so the controls get automatic ids.
    Making ids out of the JSON text (`["form",true]`) gives ids no other client produces,
    with quotes and brackets in them."""
    h, name = registered(raw_host, page_name)
    stack = Stack(id="form", controls=[Text(id="t", value="x")])
    # control.py build_update_commands for a control inserted at 0 of the page:
    inner = stack.get_cmd_str(index={}, added_controls=[])
    cmd = Command(0, "add", None, {"to": "page", "at": "0"}, None, inner)
    frame = client_frame("a1", Actions.PAGE_COMMANDS_BATCH_FROM_HOST,
                         PageCommandsBatchRequestPayload(name, "0", [cmd]))
    assert '"id": ["form", true]' in frame
    reply = h.call(frame)
    assert reply["payload"] == {"results": ["_1 _2"], "error": ""}, f"sent {frame}"
