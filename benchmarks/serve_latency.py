"""Save → served: how long an editor waits for `newsgen serve --watch` and `hugo server`.

    python benchmarks/serve_latency.py benchmarks/out/corpus-10000 --edits 15

Starts each server as a whole process on the corpus written by benchmarks/corpus.py,
then edits one article again and again: each edit appends a paragraph with a new
token, and the clock runs from the write until a plain HTTP GET of the article's
URL returns a page holding the token (polled every 5 ms). With `--publishes N`, it
also adds N new articles, one at a time (each the newest, in the largest section),
each timed until its own URL serves it, and deletes each again once it is served,
timed until its section's first page no longer lists it (`hugo server` 0.111 keeps
serving a deleted article's own page; newsgen's is a 404 from the same rebuild).
That is the whole wait:
the watcher noticing the save, its debounce, the rebuild and the serving, but not
a browser's repaint (both servers reload the browser the same way). Reports the
median, minimum and maximum per server, and the servers' peak memory.
"""

from __future__ import annotations

import argparse
import contextlib
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - localhost
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


class ServerDied(RuntimeError):
    """A server ended while it was being measured (`hugo server` at 100,000 articles on
    a 24 GiB machine: the system's out-of-memory killer, at the first new article)."""


def wait_for(url: str, needle: str, limit: float, *, gone: bool = False,
             server: tuple[str, subprocess.Popen[bytes]] | None = None) -> float | None:
    """Seconds until `url` serves `needle` (`gone`: no longer serves it); ServerDied when
    the `server` (its name and process) ends meanwhile."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if (needle in fetch(url)) is not gone:
            return time.perf_counter() - started
        if server is not None and (status := server[1].poll()) is not None:
            raise ServerDied(_ended(server[0], status))
        time.sleep(0.005)
    return None


def _ended(name: str, status: int) -> str:
    if status >= 0:
        return f"{name} exited with status {status}"
    oom = " (the system's out-of-memory killer sends it)" if status == -9 else ""
    return f"{name} was killed by signal {-status}{oom}"


def peak_memory_mib(pid: int) -> float:
    """VmHWM of a process and its children still running (Linux)."""
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def measure(cmd: list[str], cwd: Path, url: str, article: Path, edits: int,
            ready_limit: float = 900.0) -> dict[str, float]:
    """Edit `article` `edits` times: each save until `url` serves it."""
    original = article.read_text(encoding="utf-8")

    def edit(i: int) -> tuple[str, str, bool]:
        token = f"edit{i}x{secrets.token_hex(4)}"
        article.write_text(original + f"\n\nParagraph {token}.\n", encoding="utf-8")
        return url, token, False

    try:
        return timed(cmd, cwd, url, edit, edits, ready_limit)["shown"]
    finally:
        article.write_text(original, encoding="utf-8")


def publish(cmd: list[str], cwd: Path, url: str, folder: Path, head: str, times: int,
            ready_limit: float = 900.0) -> dict[str, dict[str, float]]:
    """Add `times` new articles to `folder` (each the newest, `head` its front matter
    after the title and date): each until its URL serves it ("new→served"), then
    deleted until the first page of its list no longer shows it ("deleted→unlisted")."""
    made: list[tuple[Path, str, str]] = []
    listed = url.replace("ARTICLE/", "")

    def new_or_gone(i: int) -> tuple[str, str, bool]:
        if i % 2:  # the one made just before, deleted: until its section's first page
            path, page, token = made[-1]  # no longer lists it (hugo server 0.111 serves
            path.unlink()  # a deleted article's own page until it restarts)
            return listed, token, True
        token = f"new{i}x{secrets.token_hex(4)}"
        path = folder / f"zz-bench-{i}.md"
        page = url.replace("ARTICLE", path.stem)
        made.append((path, page, token))
        path.write_text(f"---\ntitle: Published {token}\ndate: 2026-01-01T{8 + i // 60:02d}:"
                        f"{i % 60:02d}:00+05:00\n{head}---\n\nA new story, {token}.\n",
                        encoding="utf-8")
        return page, token, False

    try:
        found = timed(cmd, cwd, url.replace("ARTICLE", ""), new_or_gone, 2 * times,
                      ready_limit)
        return {"new→served": found["shown"], "deleted→unlisted": found["gone"]}
    finally:
        for path, _, _ in made:
            path.unlink(missing_ok=True)


def timed(cmd: list[str], cwd: Path, ready_url: str,
          change: Callable[[int], tuple[str, str, bool]], times: int,
          ready_limit: float) -> dict[str, dict[str, float]]:
    """Start the server, then make each change and wait until its URL serves its token
    ("shown"), or, for a change that says so, no longer serves it ("gone")."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.DEVNULL)
    try:
        started = time.perf_counter()
        while not fetch(ready_url):
            if proc.poll() is not None or time.perf_counter() - started > ready_limit:
                raise RuntimeError(f"{cmd[0]} did not start serving {ready_url}")
            time.sleep(0.1)
        ready = time.perf_counter() - started
        time.sleep(1.0)  # let the server settle (a first background build, a watcher)
        waits: dict[str, list[float]] = {"shown": [], "gone": []}
        for i in range(times):
            url, token, gone = change(i)
            took = wait_for(url, token, 120.0, gone=gone, server=(cmd[0], proc))
            if took is None:
                raise RuntimeError(f"{cmd[0]}: the change never showed at {url}")
            waits["gone" if gone else "shown"].append(took)
            time.sleep(0.5)  # an editor does not save twice within a moment
        rss = peak_memory_mib(proc.pid)
        return {what: {"wall": statistics.median(w), "min": min(w), "max": max(w),
                       "cpu": 0.0, "rss": rss, "first": ready}
                for what, w in waits.items() if w}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def bench_newsgen_serve(site: Path, edits: int) -> dict[str, dict[str, float]]:
    article = sorted((site / "content" / "general").glob("*.md"))[-1]
    cmd, port = newsgen_server(site)
    return {"save→served": measure(cmd, site, f"http://127.0.0.1:{port}/general/"
                                               f"{article.stem}/", article, edits)}


def newsgen_server(site: Path) -> tuple[list[str], int]:
    port = free_port()
    shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
    return [sys.executable, "-m", "newsgen", "serve", "--watch", "-s", str(site),
            "--port", str(port)], port


def hugo_server() -> tuple[list[str], int]:
    port = free_port()
    return ["hugo", "server", "--port", str(port), "--bind", "127.0.0.1",
            "--baseURL", f"http://127.0.0.1:{port}/", "--disableLiveReload=false"], port


def bench_newsgen_publish(site: Path, times: int) -> dict[str, dict[str, float]]:
    """A new article, the newest, in the largest section: its page served; then gone."""
    cmd, port = newsgen_server(site)
    return publish(cmd, site, f"http://127.0.0.1:{port}/general/ARTICLE/",
                   site / "content" / "general", "section: General\ntags: [energy, trade]\n"
                   "author: Reporter 1\n", times)


def bench_hugo_publish(site: Path, times: int) -> dict[str, dict[str, float]]:
    cmd, port = hugo_server()
    return publish(cmd, site, f"http://127.0.0.1:{port}/general/ARTICLE/",
                   site / "content" / "general", "tags: [energy, trade]\n"
                   "authors: [Reporter 1]\n", times)


def bench_hugo_server(site: Path, edits: int) -> dict[str, dict[str, float]]:
    article = sorted((site / "content" / "general").glob("*.md"))[-1]
    cmd, port = hugo_server()
    return {"save→served": measure(cmd, site, f"http://127.0.0.1:{port}/general/"
                                              f"{article.stem}/", article, edits)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder written by benchmarks/corpus.py")
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--publishes", type=int, default=0,
                        help="also time this many new articles → served (and each "
                             "deleted → gone), per server")
    args = parser.parse_args()
    rows: dict[str, dict[str, float]] = {}
    for times, ours, theirs in ((args.edits, bench_newsgen_serve, bench_hugo_server),
                                (args.publishes, bench_newsgen_publish, bench_hugo_publish)):
        if times:
            for tool, bench, corpus in (("newsgen serve", ours, "newsgen"),
                                        ("hugo server", theirs, "hugo")):
                if tool == "newsgen serve" or shutil.which("hugo"):
                    rows.update({f"{tool} {what}": r
                                 for what, r in bench(args.corpus / corpus, times).items()})
    for name, r in rows.items():
        print(f"{name:28} median {r['wall']:.3f}s (min {r['min']:.3f}, max {r['max']:.3f}), "
              f"ready after {r['first']:.1f}s, peak {r['rss']:.0f} MiB")
    for what in ("save→served", "new→served", "deleted→unlisted"):
        a, b = (rows.get(f"{tool} {what}") for tool in ("newsgen serve", "hugo server"))
        if a is not None and b is not None:
            print(f"{what}: newsgen / hugo: {a['wall'] / b['wall']:.2f}×")


if __name__ == "__main__":
    main()
