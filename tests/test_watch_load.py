"""Watch under load (hardening suite 6): 200 saves 10 ms apart, editor-style rename saves,
a 500-file bulk copy, deletes and renames. The server never crashes, rebuilds are
coalesced, the final content is served and equals a clean build; 1,000 saves grow the
server's memory by less than 20 MB."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from conftest import article, newsgen, write_site
from serverutil import serving


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_bursts_copies_deletes_and_renames(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Load\n",
        "content/general/hot.md": article("Hot 0", "2024-12-18 10:00"),
    })
    bulk = tmp_path / "bulk"
    for i in range(500):
        write_site(bulk, {f"b{i:03d}.md": article(f"Bulk {i}", f"2024-11-{1 + i % 28:02d}",
                                                  "Library", tags=f"[t{i % 9}]")})
    with serving(site) as srv:
        srv.wait_builds(1)
        start = srv.builds
        # 200 saves, 10 ms apart.
        for i in range(200):
            write_site(site, {"content/general/hot.md": article(f"Hot {i}", "2024-12-18 10:00")})
            time.sleep(0.01)
        srv.wait_for(lambda: b"Hot 199" in srv.get("/general/hot/")[2], what="the last save")
        srv.wait_quiet()
        assert srv.builds - start < 40, srv.builds - start  # coalesced, not 200 rebuilds
        # Editor-style saves: a temporary file renamed into place, 20 times.
        for i in range(20):
            tmp = site / "content/general/.hot.md.tmp"
            tmp.write_text(article(f"Renamed {i}", "2024-12-18 10:00"))
            os.replace(tmp, site / "content/general/hot.md")
            time.sleep(0.02)
        srv.wait_for(lambda: b"Renamed 19" in srv.get("/general/hot/")[2], what="renames")
        # A 500-file bulk copy (like a git checkout) becomes few rebuilds.
        before = srv.builds
        shutil.copytree(bulk, site / "content/library")
        srv.wait_for(lambda: srv.get("/library/b499/")[0] == 200, what="the bulk copy")
        srv.wait_quiet()
        assert srv.builds - before <= 6
        # Deletes and renames of files and folders.
        (site / "content/library/b000.md").unlink()
        (site / "content/library/b001.md").rename(site / "content/library/moved.md")
        shutil.rmtree(site / "content/library")  # then the whole folder goes
        srv.wait_for(lambda: srv.get("/library/b499/")[0] == 404, what="the folder delete")
        srv.wait_quiet()
        assert srv.proc.poll() is None
        # The served site equals a clean build of the same sources.
        out = tmp_path / "clean"
        assert newsgen("build", "-s", site, "-o", out, "--base-url",
                       f"http://127.0.0.1:{srv.port}/").code == 0
        for page in out.rglob("*"):
            if not page.is_file() or page.name == ".newsgen-output":
                continue
            rel = "/" + page.relative_to(out).as_posix()
            status, _, body = srv.get(rel)
            assert status == 200, rel
            state = srv.state()
            body = body.replace(
                f'<script src="/__newsgen__/live.js" data-version="{state["version"]}" '
                f'data-run="{state["run"]}" data-name="newsgen"></script>'.encode(), b"")
            assert body == page.read_bytes(), rel
        assert srv.failures == 0


def test_a_thousand_saves_do_not_grow_memory(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/hot.md": article("Hot 0", "2024-12-18 10:00"),
        "content/general/cold.md": article("Cold", "2024-12-17 10:00"),
    })
    with serving(site) as srv:
        srv.wait_builds(1)
        # Warm up, then measure across 1,000 saves (in bursts, so they really rebuild).
        for i in range(20):
            write_site(site, {"content/general/hot.md": article(f"Warm {i}", "2024-12-18")})
            time.sleep(0.02)
        srv.wait_quiet()
        before = rss_kb(srv.proc.pid)
        for i in range(1000):
            write_site(site, {"content/general/hot.md": article(f"Save {i}", "2024-12-18",
                                                                body=f"Body {i}." * 20)})
            if i % 50 == 49:
                srv.wait_for(lambda i=i: f"Save {i}".encode() in srv.get("/general/hot/")[2],
                             what=f"save {i}")
        srv.wait_quiet()
        grown = rss_kb(srv.proc.pid) - before
        assert grown < 20 * 1024, f"memory grew by {grown} KB"
        assert b"Save 999" in srv.get("/general/hot/")[2]
