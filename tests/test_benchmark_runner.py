"""The benchmark runner's own parts that a long run depends on: a peer's server that
dies mid-run (the out-of-memory killer took `hugo server` at 100,000 articles) is said,
and the run goes on without its rows, rather than waiting out every change and losing
an hour's results to a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import serve_latency  # noqa: E402


def test_a_server_killed_while_measured_is_said_at_once() -> None:
    server = subprocess.Popen([sys.executable, "-c", "import os, signal; "
                               "os.kill(os.getpid(), signal.SIGKILL)"])
    server.wait(timeout=30)
    url = f"http://127.0.0.1:{serve_latency.free_port()}/general/new/"
    with pytest.raises(serve_latency.ServerDied, match="hugo was killed by signal 9 "
                       r"\(the system's out-of-memory killer sends it\)"):
        serve_latency.wait_for(url, "token", 60.0, server=("hugo", server))  # (without
        # the check, it waited out the minute and returned None)


def test_a_server_that_exits_is_said_with_its_status() -> None:
    server = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    server.wait(timeout=30)
    with pytest.raises(serve_latency.ServerDied, match="hugo exited with status 3"):
        serve_latency.wait_for(f"http://127.0.0.1:{serve_latency.free_port()}/", "token",
                               60.0, server=("hugo", server))
