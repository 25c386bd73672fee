"""Starting and stopping the Pglet server under test (ours or the reference binary)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import List, Optional

REPO_ROOT = Path(__file__).resolve().parents[3]


def default_server_bin() -> str:
    """PGLET_TEST_SERVER_BIN, else our debug build ($CARGO_TARGET_DIR or target/)."""
    env = os.environ.get("PGLET_TEST_SERVER_BIN")
    if env:
        return env
    target = os.environ.get("CARGO_TARGET_DIR") or str(REPO_ROOT / "target")
    return str(Path(target) / "debug" / "pglet")


def is_reference_server(binary: str) -> bool:
    """The reference (Go) server has no --data-dir: it keeps everything in memory.

    Told apart by its `server --help`, so any path to either binary works.
    """
    override = os.environ.get("PGLET_TEST_SERVER_KIND")
    if override:
        return override == "reference"
    out = subprocess.run(
        [binary, "server", "--help"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    return "--data-dir" not in (out.stdout + out.stderr)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(tmpdir: Path) -> dict:
    # Our server reads PGLET_* variables (port, data dir, durability...): a developer's
    # environment must not change what is tested. TMPDIR is private so the reference server's
    # `$TMPDIR/pglet-<port>.lock` never clashes with anything else.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PGLET_")}
    env["TMPDIR"] = str(tmpdir)
    env.setdefault("RUST_BACKTRACE", "1")
    return env


class ServerProcess:
    """One server process on 127.0.0.1:port. Restartable on the same port and data dir."""

    def __init__(
        self,
        binary: str,
        workdir: Path,
        reference: bool,
        port: Optional[int] = None,
        extra_args: Optional[List[str]] = None,
    ):
        self.binary = binary
        self.reference = reference
        self.port = port or free_port()
        self.workdir = Path(workdir)
        self.data_dir = self.workdir / "data"
        self.tmp_dir = self.workdir / "tmp"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.extra_args = list(extra_args or [])
        self.proc: Optional[subprocess.Popen] = None
        self.starts = 0
        self.log_paths: List[Path] = []

    @property
    def url(self) -> str:
        # 127.0.0.1, never "localhost": the pglet client only tries to start a server of its
        # own when the URL says localhost (utils.is_localhost_url), and it never must here.
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def args(self) -> List[str]:
        a = [self.binary, "server", "--port", str(self.port)]
        if not self.reference:
            a += ["--data-dir", str(self.data_dir)]
            a += self.extra_args
        return a

    def start(self, timeout: float = 20.0) -> "ServerProcess":
        assert self.proc is None, "server already running"
        self.starts += 1
        log = self.workdir / f"server-{self.starts}.log"
        self.log_paths.append(log)
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                self.args(),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=_clean_env(self.tmp_dir),
                cwd=str(self.workdir),
            )
        self._wait_listening(timeout)
        return self

    def _wait_listening(self, timeout: float) -> None:
        # Readiness = the port accepts a TCP connection (both servers bind only when ready).
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.proc.returncode} during start:\n{self.log_tail()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"server did not listen within {timeout}s:\n{self.log_tail()}")
            time.sleep(0.02)  # poll interval of the readiness check, not synchronisation

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> Optional[int]:
        """Signals the server (by PID) and waits for it to exit; returns the exit code.

        If it does not exit in time it is killed and the exit code is returned as None, so
        a test can tell a graceful stop from a forced one.
        """
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        if proc.poll() is not None:
            return proc.returncode
        proc.send_signal(sig)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            return None

    def kill(self) -> None:
        """kill -9 by PID."""
        self.stop(sig=signal.SIGKILL, timeout=10)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, n: int = 40) -> str:
        out = []
        for p in self.log_paths:
            try:
                lines = p.read_text(errors="replace").splitlines()
            except OSError:
                continue
            out.append(f"--- {p.name}")
            out.extend(lines[-n:])
        return "\n".join(out)
