"""`newsgen serve`: a local HTTP server for previewing the site, with live reload.

The server builds into a folder of its own (never the site's `dist/`) and serves
only files inside it. In watch mode it rebuilds on every change, tells open pages
over Server-Sent Events to reload (or to refresh only their stylesheets), and
shows a failed rebuild's errors in an overlay while it keeps serving the last
good site.

Safety: the path of a request is decoded once, rejected if it holds `..`, a
backslash or a NUL, and the file's real path (symlinks resolved) must lie inside
the output folder. Requests whose Host header names another machine (DNS
rebinding) and event streams opened from another origin are refused.
"""

from __future__ import annotations

import contextlib
import html
import json
import mimetypes
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import webbrowser
from dataclasses import replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from newsgen.build import BuildOptions, build
from newsgen.errors import BuildFailed, Diagnostic, Reporter, count
from newsgen.incremental.cache import BuildCache
from newsgen.output.guard import OutputRefused
from newsgen.stages import search

SPECIAL = "/__newsgen__/"
HEARTBEAT = 15.0
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

LIVE_JS = r"""(function () {
  "use strict";
  var script = document.currentScript;
  var version = parseInt(script && script.dataset.version || "0", 10);
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(problems) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "newsgen-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas," +
      "monospace;padding:2rem;white-space:pre-wrap";
    var title = document.createElement("h2");
    var n = problems.length;
    title.textContent = "newsgen: the last rebuild failed with " + n +
      (n === 1 ? " error" : " errors") + " \u2014 showing the last good site";
    title.style.cssText = "color:#ff8080;font:bold 18px system-ui,sans-serif;margin:0 0 1rem";
    overlay.appendChild(title);
    problems.forEach(function (p) {
      var line = document.createElement("div");
      line.className = "newsgen-problem";
      line.textContent = p;
      overlay.appendChild(line);
    });
    var hint = document.createElement("p");
    hint.textContent = "Fix the file and save: this page updates by itself.";
    hint.style.cssText = "color:#bbb;font-family:system-ui,sans-serif;margin-top:1.5rem";
    overlay.appendChild(hint);
    document.body.appendChild(overlay);
  }
  function refreshStyles() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("newsgen", Date.now());
      link.href = url.toString();
    });
  }
  var source = new EventSource("/__newsgen__/events");
  source.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (state.problems.length) { show(state.problems); return; }
    if (state.version > version) {
      if (state.css_only && state.version === version + 1) {
        version = state.version; hide(); refreshStyles();
      } else {
        location.reload();
      }
      return;
    }
    hide();
  });
})();
"""

mimetypes.add_type("image/webp", ".webp")
mimetypes.add_type("application/rss+xml", ".rss")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("image/svg+xml", ".svg")


class State:
    """What the server shows: the version of the last good build and the current problems."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.version = 0
        self.problems: list[str] = []
        self.css_only = False
        self.built = False  # a good build exists
        self.closing = False

    def snapshot(self) -> dict[str, Any]:
        return {"version": self.version, "problems": list(self.problems),
                "css_only": self.css_only}


class DevServer:
    def __init__(self, options: BuildOptions, host: str, port: int, *, watch: bool,
                 say: Any = None) -> None:
        self.host = host
        self.port = port
        self.watch = watch
        self.say = say or (lambda text: print(text, file=sys.stderr, flush=True))
        self.workdir = Path(tempfile.mkdtemp(prefix="newsgen-serve-"))
        self.out = self.workdir / "site"
        self.state = State()
        self.cache = BuildCache(None)
        self.options = options
        self.httpd: ThreadingHTTPServer | None = None
        self._build_lock = threading.Lock()
        self._serving = False

    # -- building ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        shown = self.host
        if shown in ("0.0.0.0", "::", ""):  # noqa: S104 - only a name for messages
            shown = "localhost"
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}/"

    def build(self, *, search_now: bool = False) -> bool:
        """Build into the server's folder; True on success. Problems go to the terminal too.

        With search on, a rebuild leaves the changed parts of the search index that the
        site already has for a second build, started at once in the background: the page
        reloads without waiting for Pagefind, and search catches up a moment later.
        """
        with self._build_lock:
            if self.state.closing:  # a late background build while the server stops
                return False
            started = time.perf_counter()
            reporter = Reporter()
            options = replace(self.options, output=self.out, base_url=self.url, write=True,
                              jobs=1, use_cache=True, preview=True,
                              work_dir=self.workdir / "work",
                              search_later=self.state.built and not search_now)
            try:
                result = build(options, reporter, cache=self.cache)
            except BuildFailed:
                result = None
            except OutputRefused as exc:  # pragma: no cover - our own temporary folder
                reporter.error("(serve)", None, str(exc))
                result = None
            except OSError as exc:
                reporter.error("(serve)", None, f"{exc.strerror or exc} ({exc.filename})")
                result = None
            except Exception as exc:  # noqa: BLE001 - keep serving the last good site
                reporter.error("(serve)", None, f"internal error: {type(exc).__name__}: {exc}")
                result = None
            for d in reporter.sorted():
                self.say(d.format())
            with self.state.cond:
                if result is None:
                    self.state.problems = [d.format() for d in reporter.errors] or [
                        "the build failed"]
                    failed = count(len(reporter.errors), "error")
                    self.say(f"newsgen: rebuild failed ({failed}); still serving the last "
                             "good site")
                else:
                    changed = result.changed
                    self.state.problems = []
                    search_only = bool(changed) and all(
                        f"/{search.BUNDLE}" in f"/{p}" for p in changed)
                    if (result.nothing_changed or (self.state.built and not changed)
                            or search_only):  # a new search index needs no reload
                        self.state.css_only = False
                    else:
                        self.state.css_only = bool(changed) and all(
                            p.endswith(".css") for p in changed)
                        self.state.version += 1
                    self.state.built = True
                    took = time.perf_counter() - started
                    self.say(f"newsgen: built in {took:.2f}s ({count(result.rendered, 'page')} "
                             f"rendered, {count(result.written, 'file')} written)")
                self.state.cond.notify_all()
            if result is not None and result.search_stale:
                threading.Thread(target=self.build, kwargs={"search_now": True},
                                 name="newsgen-search", daemon=True).start()
            return result is not None

    # -- serving -------------------------------------------------------------------------

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
            raise RuntimeError("DevServer.start() first")
        thread = threading.Thread(target=self.httpd.serve_forever, name="newsgen-http",
                                  daemon=True)
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
        shutil.rmtree(self.workdir, ignore_errors=True)


class _Server(ThreadingHTTPServer):
    """The HTTP server; a browser that drops a connection is no error worth a word."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # reset, aborted or broken pipe: a closed tab, an aborted reload
        super().handle_error(request, client_address)


class _DualStackServer(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server_ref: DevServer
    protocol_version = "HTTP/1.1"
    def version_string(self) -> str:
        return "newsgen"

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
        if host.startswith("["):
            name, _, port = host[1:].partition("]")
            port = port.lstrip(":")
        else:
            name, _, port = host.partition(":")
        if port and port != str(dev.port):
            return False
        return name in dev.allowed_hosts()

    def _origin_ok(self) -> bool:
        origin = self.headers.get("Origin")
        if origin is None:
            return True
        parts = urlsplit(origin)
        dev = self.server_ref
        return (parts.scheme == "http" and (parts.hostname or "") in dev.allowed_hosts()
                and parts.port == dev.port)

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
            self._refuse(HTTPStatus.FORBIDDEN, "newsgen: refused: unknown Host header")
            return
        raw_path = urlsplit(self.path).path
        if raw_path.startswith(SPECIAL):
            self._special(raw_path[len(SPECIAL):])
            return
        target = self._resolve(raw_path)
        if target is None:
            self._not_found()
            return
        if target.is_dir():
            if not raw_path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", raw_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
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
        root = self.server_ref.out
        candidate = root.joinpath(*parts) if parts else root
        if not self._inside(candidate) or not candidate.exists():
            return None
        return candidate

    def _inside(self, candidate: Path) -> bool:
        root = os.path.realpath(self.server_ref.out)
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
        page = not_found_page(dev.out, urlsplit(self.path).path)
        if page is not None:
            self._send_file(page, HTTPStatus.NOT_FOUND)
        else:
            self._refuse(HTTPStatus.NOT_FOUND, "404 not found")

    def _error_page(self) -> None:
        """Before any good build there is nothing to serve: show the problems instead."""
        dev = self.server_ref
        items = "".join(f"<li>{html.escape(p)}</li>" for p in dev.state.problems)
        body = ("<!doctype html><html lang=en><meta charset=utf-8><title>newsgen: build "
                "failed</title><body><h1>newsgen: the site does not build yet</h1>"
                f"<ul>{items}</ul></body></html>").encode()
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
        if dev.watch and kind.startswith("text/html"):
            data = inject(data, dev.state.version)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    # -- live reload ---------------------------------------------------------------------

    def _special(self, name: str) -> None:
        if name == "live.js":
            self._send_bytes(LIVE_JS.encode("utf-8"), "text/javascript; charset=utf-8",
                             HTTPStatus.OK)
        elif name == "events" and self.server_ref.watch:
            if not self._origin_ok():
                self._refuse(HTTPStatus.FORBIDDEN, "newsgen: refused: cross-origin event stream")
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


def not_found_page(root: Path, raw_path: str) -> Path | None:
    """The 404 page for a missing path: `/tk/nope/` gets `tk/404.html` when the site has
    one (a language's own), anything else the site's `404.html`."""
    first = raw_path.lstrip("/").split("/", 1)[0]
    candidates = [root / "404.html"]
    if first and first not in (".", "..") and "\\" not in first and "\x00" not in first:
        candidates.insert(0, root / first / "404.html")
    for page in candidates:
        real = os.path.realpath(page)
        if os.path.commonpath([os.path.realpath(root), real]) == os.path.realpath(root) \
                and os.path.isfile(real):
            return page
    return None


def inject(page: bytes, version: int) -> bytes:
    """The live-reload script, added to a served HTML page (never to the built files)."""
    tag = (f'<script src="{SPECIAL}live.js" data-version="{version}"></script>').encode()
    at = page.rfind(b"</body>")
    if at < 0:
        return page + tag
    return page[:at] + tag + page[at:]


def serve(options: BuildOptions, host: str, port: int, *, watch: bool, open_browser: bool,
          polling: bool = False) -> int:
    """Run the dev server until Ctrl-C. Returns the exit status."""
    _stop_on_signals()

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if host not in LOCAL_HOSTS:
        say(f"newsgen: warning: serving on {host}: other machines on the network can see "
            "the preview")
    dev = DevServer(options, host, port, watch=watch, say=say)
    try:
        dev.start()
    except OSError as exc:
        shutil.rmtree(dev.workdir, ignore_errors=True)
        reason = "is already in use" if exc.errno in (98, 48, 10048) else (
            f"cannot be used ({exc.strerror})")
        say(f"newsgen: error: port {port} on {host} {reason}; choose another with --port")
        return 1
    watcher = None
    # From here on, Ctrl-C (or SIGTERM) at any moment, even during the first build, stops
    # the server cleanly.
    try:
        dev.build()
        if watch:
            from newsgen.dev.watch import Watcher

            watcher = Watcher(options.site, dev.build, say, polling=polling)
            watcher.start()
        say(f"newsgen: serving {options.site} at {dev.url}"
            + (" (watching for changes; Ctrl-C to stop)" if watch else " (Ctrl-C to stop)"))
        if open_browser:
            with contextlib.suppress(Exception):
                webbrowser.open(dev.url)
        thread = dev.serve_in_background()
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        say("newsgen: stopping")
    finally:
        if watcher is not None:
            watcher.stop()
        dev.close()
    return 0


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop the server. Installed explicitly: a process started in the
    background by a script inherits SIGINT ignored, and Python then installs no handler
    (so a test's, or a supervisor's, SIGINT would never stop it)."""
    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)


__all__ = ["DevServer", "Diagnostic", "inject", "serve"]
