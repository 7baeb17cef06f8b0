"""A local HTTP server with live reload, for any static site generator.

It knows two things of the program that uses it: a folder to serve, and a
`rebuild()` callable that rebuilds that folder and says how it went (`Rebuilt`).
Open pages learn of each rebuild over Server-Sent Events: they reload, refresh
only their stylesheets, or show the failed rebuild's problems in an overlay while
the server keeps serving the last good site. The page script is the package file
`livereload.js`.

Safety: the path of a request is decoded once, rejected if it holds `..`, a
backslash or a NUL, and the file's real path (symlinks resolved) must lie inside
the folder. Requests whose Host header names another machine (DNS rebinding) and
event streams opened from another origin are refused.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import os
import secrets
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from newsgen.dev.pages import SPECIAL, byte_range, error_page, inject, not_found_page, path_of

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("image/svg+xml", ".svg")

HEARTBEAT = 5.0  # (a closed tab's stream is noticed when a write fails)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LIVE_JS = resources.files(__package__ or "").joinpath("livereload.js").read_bytes()


@dataclass
class Rebuilt:
    """How a rebuild went: `ok` with whether open pages must `reload` (and whether only
    stylesheets changed), or not ok with its `problems`, one line each."""

    ok: bool
    reload: bool = False
    css_only: bool = False
    problems: list[str] = field(default_factory=list)
    undecided: bool = False  # sources changed while it ran: the next rebuild decides


class State:
    """What the server shows: the version of the last good build and the current problems."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.version = 0
        self.problems: list[str] = []
        self.css_only = False
        self.built = False  # a good build exists
        self.closing = False
        self.run = secrets.token_hex(4)  # this server's: a page of an earlier one reloads

    def snapshot(self) -> dict[str, Any]:
        return {"version": self.version, "problems": list(self.problems),
                "css_only": self.css_only, "run": self.run}


class LiveServer:
    """Serves `root` and, with `watch`, tells open pages about each `rebuild_now()`."""

    def __init__(self, root: Path, rebuild: Callable[[], Rebuilt], host: str, port: int, *,
                 watch: bool, name: str = "livereload", special: str = SPECIAL) -> None:
        self.root = root
        self.rebuild = rebuild
        self.host = host
        self.port = port
        self.watch = watch
        self.name = name
        self.special = special
        self.state = State()
        self.httpd: ThreadingHTTPServer | None = None
        self.lock = threading.Lock()  # (one rebuild at a time)
        self._serving = False

    @property
    def url(self) -> str:
        shown = self.host
        if shown in ("0.0.0.0", "::", ""):  # noqa: S104 - only a name for messages
            shown = "localhost"
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}/"

    def rebuild_now(self, rebuild: Callable[[], Rebuilt] | None = None) -> Rebuilt | None:
        """Rebuild (one at a time; with `rebuild` instead of the server's own callable)
        and tell the open pages; None once the server closes."""
        with self.lock:
            if self.state.closing:  # a late rebuild while the server stops
                return None
            outcome = (rebuild or self.rebuild)()
            if outcome.undecided:  # (what is shown, good or failing, stays as it was)
                return outcome
            with self.state.cond:
                self.state.problems = [] if outcome.ok else outcome.problems or ["the build failed"]
                if outcome.ok:
                    if outcome.reload:  # (a rebuild that changed nothing keeps what the
                        self.state.css_only = outcome.css_only  # last version's reload was)
                        self.state.version += 1
                    self.state.built = True
                self.state.cond.notify_all()
            return outcome

    def allowed_hosts(self) -> set[str]:
        hosts = set(LOCAL_HOSTS)
        hosts.add(self.host.lower().strip("[]"))
        return hosts

    def start(self) -> ThreadingHTTPServer:
        handler = type("Handler", (_Handler,), {"server_ref": self})
        server_class = _DualStackServer if ":" in self.host else _Server
        self.httpd = server_class((self.host, self.port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        return self.httpd

    def serve_in_background(self) -> threading.Thread:
        """Answer requests from a thread of its own; `close()` stops it."""
        if self.httpd is None:
            raise RuntimeError("LiveServer.start() first")
        thread = threading.Thread(target=self.httpd.serve_forever, name="livereload-http",
                                  kwargs={"poll_interval": 0.1}, daemon=True)  # (stops soon)
        thread.start()
        self._serving = True
        return thread

    def close(self) -> None:
        with self.state.cond:
            self.state.closing = True
            self.state.cond.notify_all()
        if self.httpd is not None:
            if self._serving:  # shutdown() waits for serve_forever(): only when it runs
                self.httpd.shutdown()
            self.httpd.server_close()


class _Server(ThreadingHTTPServer):
    """The HTTP server; a browser that drops a connection is no error worth a word."""

    daemon_threads = True
    # A browser opens six connections at once and keeps an event stream open per tab:
    # the standard library's backlog of 5 made parallel requests wait a second.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # reset, aborted or broken pipe: a closed tab, an aborted reload
        super().handle_error(request, client_address)


class _DualStackServer(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server_ref: LiveServer
    protocol_version = "HTTP/1.1"
    # A request never finished (or a connection left idle) gives up its thread and file
    # after this long; an event stream writes at least every HEARTBEAT, so it stays.
    timeout = 30
    def version_string(self) -> str:
        return self.server_ref.name

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        pass  # quiet: the terminal is for build messages

    # A browser may reset the connection at any point: while we read the request, write
    # the answer or stream events. Each is the end of that connection, nothing more.
    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):
            super().handle()

    def finish(self) -> None:
        with contextlib.suppress(ConnectionError):
            super().finish()

    # -- checks --------------------------------------------------------------------------

    def _host_ok(self) -> bool:
        dev = self.server_ref
        if dev.host in ("0.0.0.0", "::"):  # noqa: S104 - the user asked for every interface
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        if not host:
            return False
        # The name only, not the port: a port forwarded to this one (`ssh -L 8080:…`, an
        # editor's) names its own; a name of this machine is what stops DNS rebinding.
        name = host[1:].partition("]")[0] if host.startswith("[") else host.partition(":")[0]
        return name in dev.allowed_hosts()

    def _origin_ok(self) -> bool:
        origin = self.headers.get("Origin")
        if origin is None:
            return True
        dev = self.server_ref
        try:  # (`http://[::1`, a port beyond 65535: no origin of ours)
            parts = urlsplit(origin)
            parts.port  # noqa: B018 - (a port beyond 65535 raises ValueError: none of ours)
            return parts.scheme == "http" and (parts.hostname or "") in dev.allowed_hosts()
        except ValueError:
            return False

    def _refuse(self, status: HTTPStatus, text: str) -> None:
        body = (text + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # -- methods -------------------------------------------------------------------------

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        with contextlib.suppress(ConnectionError):
            self._get()

    def _get(self) -> None:
        if not self._host_ok():
            self._refuse(HTTPStatus.FORBIDDEN,
                         f"{self.server_ref.name}: refused: unknown Host header")
            return
        state = self.server_ref.state
        with state.cond:  # before the file is read: a rebuild that ends meanwhile makes the
            self.shown = state.snapshot()  # page older than its version, so it reloads
        raw_path = path_of(self.path)
        if raw_path is None:  # `GET //[::1`
            self._refuse(HTTPStatus.BAD_REQUEST, f"{self.server_ref.name}: not a path")
            return
        special = self.server_ref.special
        if raw_path.startswith(special):
            self._special(raw_path[len(special):])
            return
        try:  # (a name too long for the system: no file of the site)
            target = self._resolve(raw_path)
        except OSError:
            target = None
        if target is None:
            self._not_found()
            return
        if target.is_dir():
            if not raw_path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                query = self.path.partition("?")[2]  # kept: `/general?x=1` to `/general/?x=1`
                self.send_header("Location", raw_path + "/" + (f"?{query}" if query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = target / "index.html"
        elif raw_path.endswith("/"):  # `/robots.txt/`, a file as a folder: a 404, as on a host
            target = target / "index.html"
        if not self._inside(target) or not target.is_file():
            self._not_found()
            return
        self._send_file(target, HTTPStatus.OK)

    def _resolve(self, raw_path: str) -> Path | None:
        """The file a request names inside the output folder, or None."""
        try:
            path = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
        except UnicodeDecodeError:
            return None
        if "\x00" in path or "\\" in path or not path.startswith("/"):
            return None
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") for p in parts):
            return None
        root = self.server_ref.root
        candidate = root.joinpath(*parts) if parts else root
        if not self._inside(candidate) or not candidate.exists():
            return None
        return candidate

    def _inside(self, candidate: Path) -> bool:
        root = os.path.realpath(self.server_ref.root)
        real = os.path.realpath(candidate)
        try:
            return os.path.commonpath([root, real]) == root
        except ValueError:
            return False

    def _not_found(self) -> None:
        dev = self.server_ref
        if not dev.state.built:
            self._error_page()
            return
        page = not_found_page(dev.root, path_of(self.path) or "/")
        if page is not None:
            self._send_file(page, HTTPStatus.NOT_FOUND)
        else:
            self._refuse(HTTPStatus.NOT_FOUND, "404 not found")

    def _error_page(self) -> None:
        body = error_page(self.server_ref.name, self.server_ref.state.problems)
        self._send_bytes(body, "text/html; charset=utf-8", HTTPStatus.INTERNAL_SERVER_ERROR)

    def _send_file(self, path: Path, status: HTTPStatus) -> None:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            self._refuse(HTTPStatus.NOT_FOUND, "404 not found")
            return
        kind, encoding = mimetypes.guess_type(path.name)
        kind = kind or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/xml", "application/rss+xml",
                                                "application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        self._send_bytes(data, kind, status)

    def _send_bytes(self, data: bytes, kind: str, status: HTTPStatus) -> None:
        dev = self.server_ref
        html_page = kind.startswith("text/html")
        if dev.watch and html_page:
            shown = getattr(self, "shown", None) or dev.state.snapshot()
            data = inject(data, shown["version"], dev.special, dev.name,
                          shown["problems"], shown["run"])
        part = byte_range(self.headers.get("Range"), len(data)) if (
            status == HTTPStatus.OK and not html_page) else True
        if part is False:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            data = b""
        elif part is not True:
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Range", f"bytes {part[0]}-{part[1]}/{len(data)}")
            data = data[part[0]:part[1] + 1]
        else:
            self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if not html_page:
            self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    # -- live reload ---------------------------------------------------------------------

    def _special(self, name: str) -> None:
        if name == "live.js":
            self._send_bytes(LIVE_JS, "text/javascript; charset=utf-8", HTTPStatus.OK)
        elif name == "events" and self.server_ref.watch:
            if not self._origin_ok():
                self._refuse(HTTPStatus.FORBIDDEN,
                             f"{self.server_ref.name}: refused: cross-origin event stream")
                return
            self._events()
        else:
            self._refuse(HTTPStatus.NOT_FOUND, "404 not found")

    def _events(self) -> None:
        state = self.server_ref.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        last: dict[str, Any] | None = None
        while True:
            with state.cond:
                if last is not None and state.snapshot() == last and not state.closing:
                    state.cond.wait(HEARTBEAT)
                if state.closing:
                    return
                current = state.snapshot()
            try:
                if current != last:
                    payload = json.dumps(current, ensure_ascii=False)
                    self.wfile.write(f"event: state\ndata: {payload}\n\n".encode())
                    last = current
                else:
                    self.wfile.write(b": ping\n\n")
                self.wfile.flush()
            except OSError:
                return
