"""Save → served: how long an editor waits for `newsgen serve --watch` and `hugo server`.

    python benchmarks/serve_latency.py benchmarks/out/corpus-10000 --edits 15

Starts each server as a whole process on the corpus written by benchmarks/corpus.py,
then edits one article again and again: each edit appends a paragraph with a new
token, and the clock runs from the write until a plain HTTP GET of the article's
URL returns a page holding the token (polled every 5 ms). That is the whole wait:
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


def wait_for(url: str, needle: str, limit: float) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if needle in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.005)
    return None


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
    original = article.read_text(encoding="utf-8")
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.DEVNULL)
    try:
        started = time.perf_counter()
        while not fetch(url):
            if proc.poll() is not None or time.perf_counter() - started > ready_limit:
                raise RuntimeError(f"{cmd[0]} did not start serving {url}")
            time.sleep(0.1)
        ready = time.perf_counter() - started
        time.sleep(1.0)  # let the server settle (a first background build, a watcher)
        waits: list[float] = []
        for i in range(edits):
            token = f"edit{i}x{secrets.token_hex(4)}"
            article.write_text(original + f"\n\nParagraph {token}.\n", encoding="utf-8")
            took = wait_for(url, token, 120.0)
            if took is None:
                raise RuntimeError(f"{cmd[0]}: the edit never showed at {url}")
            waits.append(took)
            time.sleep(0.5)  # an editor does not save twice within a moment
        return {"wall": statistics.median(waits), "min": min(waits), "max": max(waits),
                "cpu": 0.0, "rss": peak_memory_mib(proc.pid), "first": ready}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        article.write_text(original, encoding="utf-8")


def bench_newsgen_serve(site: Path, edits: int) -> dict[str, float]:
    article = sorted((site / "content" / "general").glob("*.md"))[-1]
    port = free_port()
    url = f"http://127.0.0.1:{port}/general/{article.stem}/"
    shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
    cmd = [sys.executable, "-m", "newsgen", "serve", "--watch", "-s", str(site),
           "--port", str(port)]
    return measure(cmd, site, url, article, edits)


def bench_hugo_server(site: Path, edits: int) -> dict[str, float]:
    article = sorted((site / "content" / "general").glob("*.md"))[-1]
    port = free_port()
    url = f"http://127.0.0.1:{port}/general/{article.stem}/"
    cmd = ["hugo", "server", "--port", str(port), "--bind", "127.0.0.1",
           "--baseURL", f"http://127.0.0.1:{port}/", "--disableLiveReload=false"]
    return measure(cmd, site, url, article, edits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder written by benchmarks/corpus.py")
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    rows = {"newsgen serve save→served": bench_newsgen_serve(args.corpus / "newsgen",
                                                              args.edits)}
    if shutil.which("hugo"):
        rows["hugo server save→served"] = bench_hugo_server(args.corpus / "hugo", args.edits)
    for name, r in rows.items():
        print(f"{name:28} median {r['wall']:.3f}s (min {r['min']:.3f}, max {r['max']:.3f}), "
              f"ready after {r['first']:.1f}s, peak {r['rss']:.0f} MiB")
    if len(rows) == 2:
        a, b = rows.values()
        print(f"newsgen / hugo: {a['wall'] / b['wall']:.2f}×")


if __name__ == "__main__":
    main()
