"""Fixtures: the server under test, browser stand-ins and Python host programs.

Every process a test starts (server, host programs) is stopped by PID in the fixture's
teardown, also when the test fails. Only 127.0.0.1 is ever contacted.

Environment:
  PGLET_TEST_SERVER_BIN   server binary (default: our debug build, $CARGO_TARGET_DIR/debug/pglet
                          or <repo>/target/debug/pglet). Point it at the reference binary from
                          the pglet wheel (.../site-packages/pglet/bin/pglet) to check the suite.
  PGLET_TEST_SERVER_KIND  "ours" or "reference" to skip auto-detection.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers.hostproc import HostProcess  # noqa: E402
from helpers.server import ServerProcess, default_server_bin, is_reference_server  # noqa: E402
from helpers.standin import StandIn  # noqa: E402


@pytest.fixture(scope="session")
def server_bin() -> str:
    path = default_server_bin()
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.fail(
            f"server binary not found: {path} (run `cargo build` or set PGLET_TEST_SERVER_BIN)"
        )
    return path


@pytest.fixture(scope="session")
def reference(server_bin) -> bool:
    return is_reference_server(server_bin)


@pytest.fixture
def make_server(server_bin, reference, tmp_path):
    """Factory: make_server(extra_args=[...]) -> started ServerProcess. All are stopped at
    teardown."""
    servers = []

    def make(extra_args=None, start=True):
        workdir = tmp_path / f"server{len(servers) + 1}"
        workdir.mkdir()
        s = ServerProcess(server_bin, workdir, reference, extra_args=extra_args)
        servers.append(s)
        if start:
            s.start()
        return s

    yield make
    problems = []
    for s in servers:
        was_running = s.running()
        code = s.stop()
        if was_running and code is None:
            problems.append(f"server on port {s.port} ignored SIGTERM for 10 s and was killed")
        # A panic in a server thread can leave the process up and the test green.
        for p in s.log_paths:
            text = p.read_text(errors="replace")
            for marker in ("panicked at", "panic:"):
                if marker in text:
                    problems.append(f"{p.name}: {marker!r} in the server log:\n{s.log_tail(60)}")
    if problems:
        pytest.fail("\n".join(problems))


@pytest.fixture
def server(make_server) -> ServerProcess:
    return make_server()


@pytest.fixture
def page_name(request) -> str:
    # Unique per test: the server normalises names to lower case "p/<name>".
    base = request.node.name.replace("_", "-").replace("[", "-").replace("]", "")
    return f"{base[:40]}-{uuid.uuid4().hex[:6]}".lower()


@pytest.fixture
def standin(request):
    """Factory: standin(server, label) -> connected StandIn. All are closed at teardown."""
    made = []

    def make(srv: ServerProcess, label: str = "web") -> StandIn:
        s = StandIn.connect(srv.ws_url, label=label)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


@pytest.fixture
def host(tmp_path):
    """Factory: host(script, server, page_name, *extra) -> running HostProcess. Each is
    stopped by PID at teardown."""
    procs = []

    def make(script: str, srv: ServerProcess, name: str, *extra: str, label: str = None):
        label = label or f"{Path(script).stem}{len(procs) + 1}"
        p = HostProcess(script, [srv.url, name, *extra], tmp_path, label=label)
        procs.append(p)
        return p

    yield make
    for p in procs:
        p.stop()


def pytest_report_header(config):
    path = default_server_bin()
    kind = "?"
    if os.path.isfile(path):
        try:
            kind = "reference" if is_reference_server(path) else "ours"
        except Exception as e:  # header only
            kind = f"unknown ({e})"
    return f"pglet server under test: {path} ({kind})"
