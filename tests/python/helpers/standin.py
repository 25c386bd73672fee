"""A browser stand-in: a WebSocket client that behaves like the Pglet 0.7 web client.

It registers with `registerWebClient`, keeps the flat control map from the reply and applies
every update message the way the React client's reducer does (spec: controls.md section 4,
reference-server.md section 9.3a). Tests read the result as a nested tree.

Everything a test waits for is a condition on frames received so far, checked each time a
frame arrives (a `threading.Condition`), with a deadline: no sleeps as synchronisation.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from typing import Any, Callable, Dict, List, Optional

import websocket

# Keys of a control record that are structure, not properties.
SYSTEM_KEYS = ("t", "p", "i", "c", "at")

DEFAULT_TIMEOUT = 10.0


class StandInError(AssertionError):
    pass


class StandIn:
    """One browser tab. Create with `StandIn.connect(ws_url, label)`."""

    def __init__(self, ws: websocket.WebSocket, label: str):
        self.label = label
        self._ws = ws
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()
        # Every frame received, decoded, in arrival order.
        self.frames: List[dict] = []
        # The browser's state, changed only by frames (and local edits) under self._cond.
        self.map = ControlMap()
        self.closed = False
        self.close_reason: Optional[str] = None
        # Problems applying a frame (a frame the React client could not apply either).
        self.apply_errors: List[str] = []
        self._reader = threading.Thread(
            target=self._read_loop, name=f"standin-{label}", daemon=True
        )
        self._reader.start()

    # ------------------------------------------------------------------ connection

    @classmethod
    def connect(cls, ws_url: str, label: str = "web", timeout: float = 5.0) -> "StandIn":
        # An explicit timeout: the pglet client calls websocket.setdefaulttimeout() globally,
        # so never rely on the default here.
        ws = websocket.create_connection(ws_url, timeout=timeout)
        # Reads block until a frame arrives or the socket closes; the reader thread owns them.
        ws.settimeout(None)
        return cls(ws, label)

    def _read_loop(self) -> None:
        while True:
            try:
                raw = self._ws.recv()
            except Exception as e:  # closed by the server or by close()
                with self._cond:
                    self.closed = True
                    self.close_reason = repr(e)
                    self._cond.notify_all()
                return
            if raw is None or raw == "":
                # websocket-client returns "" for a close frame
                with self._cond:
                    self.closed = True
                    self.close_reason = "close frame"
                    self._cond.notify_all()
                return
            try:
                msg = json.loads(raw)
            except ValueError:
                with self._cond:
                    self.apply_errors.append(f"non-JSON frame: {raw[:200]!r}")
                    self._cond.notify_all()
                continue
            with self._cond:
                self.frames.append(msg)
                try:
                    self.map.apply(msg)
                except Exception as e:  # recorded; tests assert apply_errors is empty
                    self.apply_errors.append(f"{type(e).__name__}: {e} in {raw[:300]}")
                self._cond.notify_all()

    def send(self, action: str, payload: Any, msg_id: str = "") -> None:
        frame = json.dumps({"id": msg_id, "action": action, "payload": payload})
        with self._send_lock:
            self._ws.send(frame)

    def close(self) -> None:
        try:
            self._ws.close(timeout=1)
        except Exception:
            pass
        self._reader.join(timeout=3)

    # ------------------------------------------------------------------ browser -> server

    def register(
        self,
        page_name: str,
        page_hash: str = "",
        win_width: str = "1280",
        win_height: str = "720",
        session_id: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> dict:
        """Sends registerWebClient and waits for its reply; returns the reply payload."""
        payload = {
            "pageName": page_name,
            "pageHash": page_hash,
            "winWidth": win_width,
            "winHeight": win_height,
        }
        if session_id is not None:
            payload["sessionID"] = session_id
        start = self.frame_count()
        self.send("registerWebClient", payload)
        frame = self.wait_frame(
            lambda f: f.get("action") == "registerWebClient", since=start, timeout=timeout
        )
        return frame["payload"]

    def send_event(self, target: str, name: str, data: str = "") -> None:
        self.send(
            "pageEventFromWeb",
            {"eventTarget": target, "eventName": name, "eventData": data},
        )

    def send_props(self, props: List[dict]) -> None:
        """A user edit: the web client applies it locally at once, then tells the server."""
        with self._cond:
            self.map.update_props(props)
        self.send("updateControlProps", {"props": props})

    # ------------------------------------------------------------------ waiting

    def frame_count(self) -> int:
        with self._cond:
            return len(self.frames)

    def wait_for(
        self,
        predicate: Callable[["StandIn"], Any],
        timeout: float = DEFAULT_TIMEOUT,
        what: str = "condition",
    ) -> Any:
        """Waits until predicate(self) is truthy, re-checking on every frame."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate(self)
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StandInError(
                        f"[{self.label}] timed out after {timeout}s waiting for {what}; "
                        f"closed={self.closed} ({self.close_reason}); last frames:\n"
                        + self.describe_frames(last=8)
                    )
                if self.closed:
                    # Frames are applied before `closed` is set: nothing more can change.
                    raise StandInError(
                        f"[{self.label}] connection closed ({self.close_reason}) while "
                        f"waiting for {what}; last frames:\n" + self.describe_frames(last=8)
                    )
                self._cond.wait(remaining)

    def wait_closed(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Waits until the server has closed this connection."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise StandInError(f"[{self.label}] still connected after {timeout}s")
                self._cond.wait(remaining)

    def wait_frame(
        self,
        match: Callable[[dict], bool],
        since: int = 0,
        timeout: float = DEFAULT_TIMEOUT,
        what: str = "frame",
    ) -> dict:
        """Waits for the first frame at index >= since that matches; returns it."""

        def found(s: "StandIn"):
            for f in s.frames[since:]:
                if match(f):
                    return f
            return None

        return self.wait_for(found, timeout=timeout, what=what)

    def wait_prop(self, cid: str, prop: str, value: str, timeout: float = DEFAULT_TIMEOUT):
        return self.wait_for(
            lambda s: s.controls.get(cid, {}).get(prop) == value,
            timeout=timeout,
            what=f"{cid}.{prop} == {value!r}",
        )

    def describe_frames(self, last: int = 5) -> str:
        lines = []
        for f in self.frames[-last:]:
            s = json.dumps(f)
            lines.append("  " + (s if len(s) < 400 else s[:400] + "..."))
        return "\n".join(lines) or "  (none)"

    # ------------------------------------------------------------------ reading state

    @property
    def controls(self) -> Dict[str, dict]:
        """The flat control map, id -> control record (the browser's Redux `controls`)."""
        return self.map.controls

    @property
    def prop_log(self) -> List[tuple]:
        return self.map.prop_log

    @property
    def session_id(self) -> Optional[str]:
        return self.map.session_id

    @property
    def error_message(self) -> Optional[str]:
        return self.map.error_message

    def snapshot(self) -> Dict[str, dict]:
        with self._cond:
            return copy.deepcopy(self.controls)

    def tree(self, root: str = "page") -> Optional[dict]:
        """The map rendered as nested dicts: {"i", "t", <props>..., "children": [...]}.

        Children come from `c` in order, as the React client renders them. A child id in `c`
        that is missing from the map is rendered as {"i": id, "missing": True} so a test sees it.
        """
        with self._cond:
            return render_tree(self.controls, root)

    def props(self, cid: str) -> Dict[str, str]:
        with self._cond:
            ctrl = self.controls.get(cid)
            if ctrl is None:
                return {}
            return {k: v for k, v in ctrl.items() if k not in SYSTEM_KEYS}

class ControlMap:
    """The web client's control store and its reducer (controls.md section 4)."""

    def __init__(self):
        self.controls: Dict[str, dict] = {}
        # (id, prop, value) for every property assignment applied, in order; a deleted prop is
        # logged with value None. Lets tests check the order of many updates.
        self.prop_log: List[tuple] = []
        self.session_id: Optional[str] = None
        self.register_error: Optional[str] = None
        # Message of appBecomeInactive / sessionCrashed, as the web client would show it.
        self.error_message: Optional[str] = None


    def apply(self, msg: dict) -> None:
        action = msg.get("action")
        payload = msg.get("payload")
        if action == "registerWebClient":
            # The reply (or a resent full state): replaces the whole map.
            session = payload.get("session") if isinstance(payload, dict) else None
            self.register_error = payload.get("error") if isinstance(payload, dict) else None
            if session:
                self.session_id = session.get("id")
                self.controls = copy.deepcopy(session.get("controls") or {})
        elif action == "pageControlsBatch":
            # One reducer call, the contained messages in order.
            for sub in payload:
                self.apply(sub)
        elif action == "addPageControls":
            self._add_controls(payload.get("controls") or [])
            for tid in payload.get("trimIDs") or []:
                self._remove(tid)
        elif action == "replacePageControls":
            for cid in payload.get("ids") or []:
                if payload.get("remove"):
                    self._remove(cid)
                else:
                    self._clean(cid)
            self._add_controls(payload.get("controls") or [])
        elif action == "updateControlProps":
            self.update_props(payload.get("props") or [])
        elif action == "appendControlProps":
            for props in payload.get("props") or []:
                ctrl = self.controls.get(props.get("i"))
                if ctrl is None:
                    continue
                for k, v in props.items():
                    if k == "i":
                        continue
                    ctrl[k] = (ctrl.get(k) or "") + (v or "")
                    self.prop_log.append((props["i"], k, ctrl[k]))
        elif action == "cleanControl":
            for cid in payload.get("ids") or []:
                self._clean(cid)
        elif action == "removeControl":
            for cid in payload.get("ids") or []:
                self._remove(cid)
        elif action in ("appBecomeInactive", "sessionCrashed"):
            self.error_message = payload.get("message")
        # signout and unknown actions change no controls

    def _add_controls(self, ctrls: List[dict]) -> None:
        if not ctrls:
            return
        first_parent = ctrls[0].get("p")
        for ctrl in ctrls:
            ctrl = copy.deepcopy(ctrl)
            cid = ctrl["i"]
            existing = self.controls.get(cid)
            if existing is not None:
                # A known control keeps its children list.
                ctrl["c"] = existing.get("c", [])
                self.controls[cid] = ctrl
                continue
            ctrl.setdefault("c", [])
            self.controls[cid] = ctrl
            if ctrl.get("p") == first_parent:
                parent = self.controls.get(first_parent)
                if parent is None:
                    raise KeyError(f"parent {first_parent!r} of {cid!r} not in map")
                children = parent.setdefault("c", [])
                if "at" in ctrl:
                    # JS splice: the index string is converted, clamped to the array length.
                    at = int(ctrl["at"])
                    if at < 0:
                        at = max(len(children) + at, 0)
                    children.insert(min(at, len(children)), cid)
                else:
                    children.append(cid)

    def update_props(self, props_list: List[dict]) -> None:
        for props in props_list:
            cid = props.get("i")
            ctrl = self.controls.get(cid)
            if ctrl is None:
                continue
            for k, v in props.items():
                if k == "i":
                    continue
                if v == "" or v is None:
                    ctrl.pop(k, None)
                    self.prop_log.append((cid, k, None))
                else:
                    ctrl[k] = v
                    self.prop_log.append((cid, k, v))

    def _descendants(self, cid: str) -> List[str]:
        out = []
        ctrl = self.controls.get(cid)
        if ctrl is None:
            return out
        for child in ctrl.get("c", []):
            out.append(child)
            out.extend(self._descendants(child))
        return out

    def _clean(self, cid: str) -> None:
        ctrl = self.controls.get(cid)
        if ctrl is None:
            return
        for d in self._descendants(cid):
            self.controls.pop(d, None)
        ctrl["c"] = []

    def _remove(self, cid: str) -> None:
        ctrl = self.controls.get(cid)
        if ctrl is None:
            return
        for d in self._descendants(cid):
            self.controls.pop(d, None)
        self.controls.pop(cid, None)
        parent = self.controls.get(ctrl.get("p"))
        if parent is not None and cid in parent.get("c", []):
            parent["c"].remove(cid)



def render_tree(controls: Dict[str, dict], root: str = "page") -> Optional[dict]:
    ctrl = controls.get(root)
    if ctrl is None:
        return None
    node = {"i": ctrl["i"], "t": ctrl.get("t")}
    for k, v in sorted(ctrl.items()):
        if k not in SYSTEM_KEYS:
            node[k] = v
    children = []
    for cid in ctrl.get("c", []):
        sub = render_tree(controls, cid)
        children.append(sub if sub is not None else {"i": cid, "missing": True})
    node["children"] = children
    return node


def outline(tree: Optional[dict], depth: int = 0) -> List[str]:
    """A readable, comparable outline: one line per control, `  ` per level."""
    if tree is None:
        return []
    props = " ".join(
        f"{k}={v!r}" for k, v in tree.items() if k not in ("i", "t", "children")
    )
    lines = [f"{'  ' * depth}{tree.get('t')}#{tree['i']} {props}".rstrip()]
    for ch in tree.get("children", []):
        lines.extend(outline(ch, depth + 1))
    return lines
