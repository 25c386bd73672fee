"""Running a Python host program (tests/python/hosts/*.py) as a subprocess.

The host programs are ordinary pglet 0.7.3 programs. They talk to the test on a tiny line
protocol (see hosts/hostlib.py): JSON lines on stdout (`{"kind": ...}`) and JSON requests on
stdin (`{"id": n, "cmd": ...}`). Anything else the client prints ("Page URL: ...") is kept as
text lines for diagnostics and for asserting on.
"""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HOSTS_DIR = Path(__file__).resolve().parents[1] / "hosts"

DEFAULT_TIMEOUT = 20.0


class HostError(AssertionError):
    pass


class HostProcess:
    def __init__(self, script: str, args: List[str], workdir: Path, label: str = "host"):
        self.label = label
        self.script = HOSTS_DIR / script
        self.workdir = Path(workdir)
        self.stderr_path = self.workdir / f"{label}.stderr"
        self._cond = threading.Condition()
        self.messages: List[Dict[str, Any]] = []
        self.text: List[str] = []
        self.eof = False
        self._ids = itertools.count(1)
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            # -u: unbuffered, every line reaches the test as it is printed.
            [sys.executable, "-u", str(self.script), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=str(HOSTS_DIR),
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if not line:
                continue
            msg = None
            if line.startswith("{\"kind\""):
                try:
                    msg = json.loads(line)
                except ValueError:
                    msg = None
            with self._cond:
                if msg is not None:
                    self.messages.append(msg)
                else:
                    self.text.append(line)
                self._cond.notify_all()
        with self._cond:
            self.eof = True
            self._cond.notify_all()

    def stderr_tail(self, n: int = 30) -> str:
        try:
            lines = self.stderr_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def _diag(self) -> str:
        return (
            f"exit={self.proc.poll()} text={self.text[-10:]!r}\n"
            f"last messages={self.messages[-5:]!r}\nstderr:\n{self.stderr_tail()}"
        )

    def wait_message(
        self,
        match: Callable[[Dict[str, Any]], bool],
        timeout: float = DEFAULT_TIMEOUT,
        what: str = "message",
    ) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for m in self.messages:
                    if match(m):
                        return m
                if self.eof:
                    raise HostError(f"[{self.label}] exited while waiting for {what}: {self._diag()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise HostError(f"[{self.label}] timed out waiting for {what}: {self._diag()}")
                self._cond.wait(remaining)

    def expect(self, kind: str, timeout: float = DEFAULT_TIMEOUT, **fields) -> Dict[str, Any]:
        """Waits for a message of this kind (and these field values)."""
        return self.wait_message(
            lambda m: m.get("kind") == kind and all(m.get(k) == v for k, v in fields.items()),
            timeout=timeout,
            what=f"{kind} {fields}",
        )

    def wait_text(self, prefix: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Waits for a plain (non-JSON) stdout line starting with prefix, such as the
        client's own "Page URL: ..." print."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for t in self.text:
                    if t.startswith(prefix):
                        return t
                if self.eof:
                    raise HostError(f"[{self.label}] exited while waiting for {prefix!r}: {self._diag()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise HostError(f"[{self.label}] timed out waiting for {prefix!r}: {self._diag()}")
                self._cond.wait(remaining)

    def count(self, kind: str) -> int:
        with self._cond:
            return sum(1 for m in self.messages if m.get("kind") == kind)

    def request(self, cmd: str, timeout: float = DEFAULT_TIMEOUT, **args) -> Dict[str, Any]:
        """Sends a command to the host program and waits for its reply."""
        rid = next(self._ids)
        line = json.dumps({"id": rid, "cmd": cmd, **args})
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise HostError(f"[{self.label}] cannot send {cmd}: {e}: {self._diag()}")
        reply = self.wait_message(
            lambda m: m.get("kind") in ("reply", "error") and m.get("id") == rid,
            timeout=timeout,
            what=f"reply to {cmd}",
        )
        if reply["kind"] == "error":
            raise HostError(f"[{self.label}] {cmd} failed in the host:\n{reply.get('error')}")
        return reply

    def poll_until(
        self,
        cmd: str,
        predicate: Callable[[Dict[str, Any]], bool],
        timeout: float = DEFAULT_TIMEOUT,
        interval: float = 0.05,
        **args,
    ) -> Dict[str, Any]:
        """Asks the host repeatedly until its reply satisfies predicate (state inside the
        host process can only be observed by asking)."""
        deadline = time.monotonic() + timeout
        while True:
            reply = self.request(cmd, **args)
            if predicate(reply):
                return reply
            if time.monotonic() > deadline:
                raise HostError(f"[{self.label}] {cmd} never satisfied the condition; last: {reply}")
            time.sleep(interval)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> Optional[int]:
        """Signals the host by PID and waits; returns its exit code, or None if it had to be
        killed."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
                self._close_files()
                return None
        self._close_files()
        return self.proc.returncode

    def _close_files(self) -> None:
        self._reader.join(timeout=3)
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except Exception:
                pass
        try:
            self._stderr.close()
        except Exception:
            pass
