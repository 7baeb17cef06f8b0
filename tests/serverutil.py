"""Running `newsgen serve` as a real process on a free port, for the server tests."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc = proc
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def builds(self) -> int:
        return sum(1 for line in self.lines if line.startswith("newsgen: built in"))

    @property
    def failures(self) -> int:
        return sum(1 for line in self.lines if line.startswith(
            ("newsgen: rebuild failed", "newsgen: the site does not build")))

    def get(self, path: str, headers: dict[str, str] | None = None,
            method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.base + path, headers=headers or {},  # noqa: S310
                                     method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - a local server
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def raw(self, request: bytes) -> bytes:
        """Send bytes as they are (no client-side path normalization)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(request)
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except TimeoutError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)

    def wait_for(self, predicate, timeout: float = 20.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}\n" + "\n".join(self.lines[-30:]))

    def wait_quiet(self, quiet: float = 1.0, timeout: float = 20.0) -> None:
        """Wait until no build has started or ended for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        seen, since = len(self.lines), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if len(self.lines) != seen:
                seen, since = len(self.lines), time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
        raise AssertionError("the server never went quiet")

    def wait_builds(self, count: int, timeout: float = 20.0) -> None:
        self.wait_for(lambda: self.builds + self.failures >= count, timeout,
                      f"{count} builds")

    def state(self) -> dict[str, object]:
        """The first event of the event stream: the server's current state."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(f"GET /__newsgen__/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                      "\r\n".encode())
            data = b""
            while b"\n\n" not in data.split(b"\r\n\r\n", 1)[-1] or b"data:" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        for line in data.decode().splitlines():
            if line.startswith("data: "):
                return json.loads(line[6:])  # type: ignore[no-any-return]
        raise AssertionError(data)


@contextmanager
def serving(site: Path, *extra: str, watch: bool = True,
            port: int | None = None) -> Iterator[Served]:
    port = port or free_port()
    args = [sys.executable, "-m", "newsgen", "serve", "-s", str(site), "--port", str(port),
            *extra]
    if watch:
        args.append("--watch")
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    served = Served(proc, port)
    try:
        # "newsgen: serving … at": the server listens (the warning "serving on 0.0.0.0"
        # comes before it does).
        served.wait_for(lambda: any(line.startswith("newsgen: serving ") for line in served.lines)
                        or proc.poll() is not None, 30, "the server to start")
        assert proc.poll() is None, "\n".join(served.lines)
        yield served
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        served._reader.join(timeout=5)
        assert not any("Traceback" in line for line in served.lines), "\n".join(served.lines)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass


EXAMPLE = Path(__file__).resolve().parent.parent  # the bundled example site


@contextmanager
def built_and_served(factory: Any, names: Iterable[str]) -> Iterator[dict[str, str]]:
    """Each fixture site of `tests/sites/` (or "example", the bundled one) built and served
    over HTTP by a plain static server, by name: its URL (the pages use root-relative
    links)."""
    from conftest import NOW, SITES, newsgen

    urls: dict[str, str] = {}
    servers = []
    try:
        for name in names:
            site = factory.mktemp(name) / "site"
            if name == "example":
                for part in ("content", "static", "templates", "newsgen.yaml"):
                    copy = shutil.copytree if (EXAMPLE / part).is_dir() else shutil.copy
                    copy(EXAMPLE / part, site / part)
            else:
                shutil.copytree(SITES / name, site)
            now = "2025-01-26 12:00" if name == "example" else NOW  # (its articles' time)
            run = newsgen("build", "-s", site, "--now", now, "--base-url", "/")
            assert run.code == 0, run.err
            handler = functools.partial(_Quiet, directory=str(site / "dist"))
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            urls[name] = f"http://127.0.0.1:{server.server_address[1]}"
        yield urls
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
