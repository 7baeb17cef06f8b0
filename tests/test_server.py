"""`newsgen serve`: a real server on a free port, real file edits, raw-socket attacks."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import article, soup, write_site
from serverutil import free_port, serving

from newsgen.dev.pages import overlay

CANARY = "CANARY-7f3a9c-outside-the-output"


def make_site(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text(CANARY)
    (tmp_path / "site-dist-sibling").mkdir()
    (tmp_path / "site-dist-sibling/index.html").write_text(CANARY)
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Served\n",
        "content/general/one.md": article("First title", "2024-12-18 10:00", body="Hello."),
        "content/general/two.md": article("Second", "2024-12-17 10:00"),
        "static/style.css": "body { color: black }",
    })
    return site


def test_serves_pages_with_types_head_404_and_redirects(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with serving(site, watch=False) as srv:
        status, headers, body = srv.get("/general/one/")
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Cache-Control"] == "no-store"
        assert soup_text(body).startswith("First title")
        assert b"__newsgen__" not in body  # no live reload without --watch
        status, headers, body = srv.get("/general/one/", method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) > 100
        assert srv.get("/feed.xml")[1]["Content-Type"].startswith("application/xml")
        assert srv.get("/style.css")[1]["Content-Type"] == "text/css; charset=utf-8"
        status, _, body = srv.get("/no/such/page/")
        assert status == 404 and b"Page not found" in body
        raw = srv.raw(b"GET /general/one HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Connection: close\r\n\r\n")
        assert raw.startswith(b"HTTP/1.1 301") and b"Location: /general/one/" in raw
        raw = srv.raw(b"GET /general/one?q=port HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Connection: close\r\n\r\n")  # the query goes along
        assert raw.startswith(b"HTTP/1.1 301") and b"Location: /general/one/?q=port\r\n" in raw
        # Links in the served site stay on the server.
        status, _, body = srv.get("/")
        assert f"http://127.0.0.1:{srv.port}/".encode() in body
    assert not (site / "dist").exists()  # the server never writes the site's dist/


def soup_text(body: bytes) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(body, "html.parser").h1.get_text()


TRAVERSALS = [
    "/../secret.txt", "/../../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt",
    "/%2e%2e%2fsecret.txt", "/%2E%2E/secret.txt", "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/\\..\\secret.txt",
    "/general/../../secret.txt", "/general/%2e%2e/%2e%2e/secret.txt", "/./../secret.txt",
    "/%00/../secret.txt", "/secret.txt%00.html", "/..%00/secret.txt", "/..%c0%afsecret.txt",
    "/..%ef%bc%8fsecret.txt", "/.%2e/secret.txt", "/%2e./secret.txt", "//../secret.txt",
    "/..;/secret.txt", "/../site-dist-sibling/index.html", "/../site-dist-sibling/",
    "/%2e%2e/site-dist-sibling/", "/leak.txt", "/leakdir/secret.txt", "/..", "/../",
    "/%2e%2e", "/general/..%2f..%2fsecret.txt", "/general/..%252f..%252fsecret.txt",
    "/" + "../" * 20 + "secret.txt", "/....//....//secret.txt", "/...//secret.txt",
    "/%c0%ae%c0%ae/secret.txt", "/%u002e%u002e/secret.txt", "/..%u2215secret.txt",
    "/general/one/../../../secret.txt", "/?../../secret.txt", "/#../../secret.txt",
    "http://127.0.0.1/../secret.txt", "/../site/newsgen.yaml", "/../site/content/general/one.md",
]


def test_nothing_outside_the_output_is_ever_served(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with serving(site, watch=False) as srv:
        refused = 0
        for path in TRAVERSALS:
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n" \
                      "Connection: close\r\n\r\n"
            response = srv.raw(request.encode("latin-1"))
            assert CANARY.encode() not in response, path
            assert b"title: Served" not in response, path
            refused += 1
        assert refused >= 40
        # The server keeps answering.
        assert srv.get("/")[0] == 200


def test_symlinks_in_the_served_folder_are_not_followed_outside(tmp_path: Path) -> None:
    """Builds refuse symlinks that leave the site; the server checks real paths anyway."""
    import threading

    from newsgen.build import BuildOptions
    from newsgen.dev.server import DevServer

    (tmp_path / "secret.txt").write_text(CANARY)
    dev = DevServer(BuildOptions(site=tmp_path), "127.0.0.1", 0, watch=False)
    dev.out.mkdir(parents=True)
    (dev.out / "index.html").write_text("<html><body>home</body></html>")
    (dev.out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (dev.out / "leakdir").symlink_to(tmp_path)
    dev.state.built = True
    httpd = dev.start()
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        import urllib.request

        for path in ["/leak.txt", "/leakdir/secret.txt", "/leakdir/", "/leakdir"]:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{dev.port}{path}",  # noqa: S310
                                            timeout=5) as resp:
                    body = resp.read()
            except urllib.error.HTTPError as err:
                body = err.read()
                assert err.code == 404
            assert CANARY.encode() not in body, path
    finally:
        dev.close()


def test_symlinks_in_static_fail_the_build_instead(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "static/leak.txt").symlink_to(tmp_path / "secret.txt")
    with serving(site) as srv:  # (without --watch it would stop: nothing to serve)
        status, _, body = srv.get("/")
        assert status == 500 and b"symbolic link" in body
        assert CANARY.encode() not in srv.get("/leak.txt")[2]


def test_wrong_host_and_cross_origin_events_are_refused(tmp_path: Path) -> None:
    """Another machine's name (DNS rebinding) is refused; a port forwarded to the server
    (`ssh -L 8080:localhost:8000`, an editor's) names its own, and is served, its page's
    event stream too (it was refused: no preview through a forwarded port)."""
    site = make_site(tmp_path)
    with serving(site) as srv:
        for host in ["evil.example", f"evil.example:{srv.port}", "127.0.0.1.evil.example",
                     "", "attacker.com:80"]:
            status, _, _ = srv.get("/", headers={"Host": host})
            assert status in (400, 403), host
        assert srv.get("/", headers={"Host": f"localhost:{srv.port}"})[0] == 200
        assert srv.get("/", headers={"Host": "localhost:8080"})[0] == 200
        status, _, _ = srv.get("/__newsgen__/events", headers={"Origin": "http://evil.example"})
        assert status == 403
        status, _, _ = srv.get("/__newsgen__/events",
                               headers={"Origin": "http://evil.example:8080"})
        assert status == 403
        # Origins and targets that are no URL: refused, and the server goes on serving.
        for origin in ("http://[::1", "http://127.0.0.1:99999"):
            assert srv.get("/__newsgen__/events", headers={"Origin": origin})[0] == 403
        raw = srv.raw(b"GET //[::1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert raw.startswith((b"HTTP/1.1 400", b"HTTP/1.1 404")), raw[:80]
        assert srv.get("/")[0] == 200


def test_rebuild_after_edit_rename_and_burst(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with serving(site) as srv:
        srv.wait_builds(1)
        status, _, body = srv.get("/general/one/")
        assert b'src="/__newsgen__/live.js"' in body  # injected only when serving
        # A plain write.
        write_site(site, {"content/general/one.md": article("Edited title", "2024-12-18 10:00")})
        srv.wait_for(lambda: b"Edited title" in srv.get("/general/one/")[2], what="the edit")
        # An editor's atomic save: write a temporary file, rename it into place.
        tmp = site / "content/general/.one.md.swp"
        tmp.write_text(article("Renamed into place", "2024-12-18 10:00"))
        os.replace(tmp, site / "content/general/one.md")
        srv.wait_for(lambda: b"Renamed into place" in srv.get("/general/one/")[2],
                     what="the rename")
        # A burst of 100 saves becomes a few rebuilds, and the last content is served.
        before = srv.builds
        for i in range(100):
            write_site(site, {"content/general/two.md": article(f"Burst {i}", "2024-12-17")})
            time.sleep(0.005)
        srv.wait_for(lambda: b"Burst 99" in srv.get("/general/two/")[2], what="burst")
        srv.wait_quiet()
        assert srv.builds - before <= 10
        # Editor noise alone triggers nothing.
        count = srv.builds
        (site / "content/general/notes.md~").write_text("backup")
        (site / "content/general/.#one.md").write_text("lock")
        time.sleep(0.8)
        assert srv.builds == count


def test_broken_edit_keeps_last_good_site_then_recovers(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with serving(site) as srv:
        srv.wait_builds(1)
        good = srv.get("/general/one/")[2]
        assert srv.state()["problems"] == []
        version = srv.state()["version"]
        (site / "content/general/one.md").write_text(
            "---\ntitle: Broken\ndate: 2024-13-45\nsection: General\n---\nx\n")
        srv.wait_for(lambda: srv.failures >= 1, what="the failure")
        assert any("content/general/one.md:3: error: date:" in line for line in srv.lines)
        problems = srv.state()["problems"]
        assert problems and "content/general/one.md:3: error: date" in problems[0]
        # The last good site, with the problems over it in the page itself (the script
        # keeps them up to date; a page read without it shows them too).
        served = srv.get("/general/one/")[2]
        shown = overlay(problems, "newsgen").encode()
        assert shown in served and served.replace(shown, b"") == good
        assert b"content/general/one.md:3: error: date" in served
        write_site(site, {"content/general/one.md": article("Fixed", "2024-12-18 10:00")})
        srv.wait_for(lambda: srv.state()["problems"] == [], what="the fix")
        assert srv.state()["version"] > version
        assert b"Fixed" in srv.get("/general/one/")[2]
        assert b"error-overlay" not in srv.get("/general/one/")[2]


def test_template_and_config_changes_rebuild(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with serving(site) as srv:
        srv.wait_builds(1)
        write_site(site, {"templates/read_also.html":
                          '<aside class="read-also"><h2>CUSTOM {{ t("read_also") }}</h2></aside>'})
        srv.wait_for(lambda: b"CUSTOM Read also" in srv.get("/general/one/")[2],
                     what="a new template folder and template")
        write_site(site, {"newsgen.yaml": "title: Renamed site\n"})
        srv.wait_for(lambda: b"Renamed site" in srv.get("/")[2], what="config")
        write_site(site, {"static/style.css": "body { color: red }"})
        srv.wait_for(lambda: b"red" in srv.get("/style.css")[2], what="static")
        # The new file is served a moment before the rebuild's state is told: settle first
        # (under load the state was read in between, the previous rebuild's).
        srv.wait_quiet()
        state = srv.state()
        assert state["css_only"] is True


def test_served_site_equals_a_clean_build_after_edits(tmp_path: Path) -> None:
    from conftest import newsgen, tree_digest

    site = make_site(tmp_path)
    with serving(site) as srv:
        srv.wait_builds(1)
        for i in range(5):
            write_site(site, {f"content/economy/n{i}.md": article(f"New {i}", f"2024-12-1{i}",
                                                                  "Economy", tags="[x]")})
            time.sleep(0.3)
        (site / "content/general/two.md").unlink()
        srv.wait_for(lambda: srv.get("/general/two/")[0] == 404, what="delete")
        srv.wait_for(lambda: srv.get("/economy/n4/")[0] == 200, what="adds")
        time.sleep(0.5)
        out = tmp_path / "clean"
        assert newsgen("build", "-s", site, "-o", out,
                       "--base-url", f"http://127.0.0.1:{srv.port}/").code == 0
        for page in out.rglob("*"):
            if page.is_file() and page.name != ".newsgen-output":
                rel = "/" + page.relative_to(out).as_posix()
                status, _, body = srv.get(rel)
                assert status == 200, rel
                if rel.endswith(".html"):
                    body = body.replace(b'<script src="/__newsgen__/live.js"', b"<script")
                    expected = page.read_bytes()
                    assert soup(page).get_text() == soup_from(body).get_text(), rel
                    assert len(body) >= len(expected)
                else:
                    assert body == page.read_bytes(), rel
        assert tree_digest(out)


def soup_from(body: bytes):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup(body, "html.parser")


def test_port_in_use_is_one_line_and_ctrl_c_is_clean(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with serving(site, watch=False) as srv:
        proc = subprocess.run([sys.executable, "-m", "newsgen", "serve", "-s", str(site),
                               "--port", str(srv.port)], capture_output=True, text=True,
                              timeout=30)
        assert proc.returncode == 1
        assert proc.stderr.strip().splitlines() == [
            f"newsgen: error: port {srv.port} on 127.0.0.1 is already in use; "
            "choose another with --port"]
    # Started as a script starts a background job: with SIGINT ignored. Ctrl-C must still
    # stop it, at once and cleanly.
    for _ in range(3):
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "newsgen", "serve", "-s", str(site),
                                 "--port", str(port), "--watch"], stderr=subprocess.PIPE,
                                text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
        assert proc.stderr is not None
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if line.startswith("newsgen: serving"):
                break
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)  # a loaded machine is slow to stop, not stuck
        err = "".join(seen) + err
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        assert "stopping" in err


def test_other_host_is_only_used_when_asked_with_a_warning(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    with serving(site, "--host", "0.0.0.0", watch=False) as srv:  # noqa: S104
        assert any("warning: serving on 0.0.0.0" in line for line in srv.lines)
        assert srv.get("/")[0] == 200
    with serving(site, watch=False) as srv:
        assert not any("warning: serving on" in line for line in srv.lines)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_build_output_never_contains_the_live_reload_script(tmp_path: Path) -> None:
    from conftest import newsgen

    site = make_site(tmp_path)
    assert newsgen("build", "-s", site).code == 0
    for page in (site / "dist").rglob("*.html"):
        assert "__newsgen__" not in page.read_text()


def _reset(sock: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer gets a TCP reset, as when a tab is killed."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_connections_reset_by_the_browser_are_quiet(tmp_path: Path) -> None:
    """40 resets: mid-request, mid-response, on the event stream and all at once. No
    traceback or error is printed, and the server keeps answering."""
    site = make_site(tmp_path)
    # A large file, so that a reset can land while the answer is being written.
    (site / "static/big.bin").write_bytes(os.urandom(8 * 1024 * 1024))
    with serving(site) as srv:
        srv.wait_builds(1)
        before = list(srv.lines)
        host = f"Host: 127.0.0.1:{srv.port}\r\n".encode()

        def connect() -> socket.socket:
            return socket.create_connection(("127.0.0.1", srv.port), timeout=10)

        for i in range(10):  # mid-request: half a request line or half the headers
            s = connect()
            s.sendall(b"GET /general/one/ HTTP/1.1\r\n" + (host if i % 2 else b""))
            time.sleep(0.01)
            _reset(s)
        for _ in range(10):  # mid-response: the answer is still being written
            s = connect()
            s.sendall(b"GET /big.bin HTTP/1.1\r\n" + host + b"\r\n")
            s.recv(1024)
            _reset(s)
        for _ in range(10):  # the live-reload event stream, as a closed tab leaves it
            s = connect()
            s.sendall(b"GET /__newsgen__/events HTTP/1.1\r\n" + host + b"\r\n")
            s.recv(1024)
            _reset(s)
        socks = [connect() for _ in range(10)]  # at once
        for n, s in enumerate(socks):
            s.sendall(b"GET /big.bin HTTP/1.1\r\n" + host + (b"\r\n" if n % 2 else b""))
        for s in socks:
            _reset(s)
        time.sleep(0.5)
        status, _, body = srv.get("/general/one/")
        assert status == 200 and b"First title" in body
        # A save still reaches the browser after all that.
        (site / "content/general/one.md").write_text(
            article("Changed title", "2024-12-18 10:00"), encoding="utf-8")
        srv.wait_for(lambda: b"Changed title" in srv.get("/general/one/")[2], 20, "rebuild")
        said = srv.lines[len(before):]
        assert not [line for line in said if "Traceback" in line or "Error" in line
                    or "Exception" in line or "error" in line], "\n".join(said)


def test_missing_page_under_a_language_gets_that_languages_404(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "language: en\nlanguages:\n  tk: {title: Habarlar}\n"
                        "  ru: {title: Новости}\n",
        "content/en/one.md": article("One", "2024-12-18 10:00"),
        "content/tk/bir.md": article("Bir", "2024-12-18 10:00", lang="tk"),
        "content/ru/odin.md": article("Один", "2024-12-18 10:00", lang="ru"),
    })
    with serving(site, watch=False) as srv:
        for path, lang, words in [("/tk/nope/", "tk", "Sahypa tapylmady"),
                                  ("/ru/no/such/page/", "ru", "Страница не найдена"),
                                  ("/nope/", "en", "Page not found"),
                                  ("/tkx/nope/", "en", "Page not found")]:
            status, _, body = srv.get(path)
            assert status == 404, path
            doc = soup_doc(body)
            assert doc.html["lang"] == lang, path
            assert words in doc.h1.get_text(), (path, doc.h1.get_text())
            assert doc.find("link", rel="canonical") is None


def soup_doc(body: bytes):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup(body, "html.parser")


def test_the_live_reload_server_serves_any_folder_with_any_rebuild(tmp_path: Path) -> None:
    """newsgen.dev.livereload is generic: a folder, a rebuild callable, nothing else."""
    import urllib.request

    from newsgen.dev.livereload import LiveServer, Rebuilt

    root = tmp_path / "public"
    root.mkdir()
    (root / "index.html").write_text("<!doctype html><html><body>hello</body></html>")
    outcomes = iter([Rebuilt(True, reload=True),
                     Rebuilt(False, problems=["posts/a.md:3: error: broken"])])
    live = LiveServer(root, lambda: next(outcomes), "127.0.0.1", 0, watch=True, name="mygen")
    live.start()
    live.serve_in_background()
    try:
        live.rebuild_now()
        assert live.state.version == 1 and live.state.built
        with urllib.request.urlopen(live.url) as response:  # noqa: S310 - our own server
            page = response.read()
            assert response.headers["Server"].startswith("mygen")
        assert (b'<script src="/__livereload__/live.js" data-version="1" data-run="'
                + live.state.run.encode() + b'" data-name="mygen">') in page
        with urllib.request.urlopen(live.url + "__livereload__/live.js") as response:  # noqa: S310
            assert b"EventSource" in response.read()
        live.rebuild_now()
        assert live.state.problems == ["posts/a.md:3: error: broken"]
        assert live.state.version == 1  # the last good site is still the one served
    finally:
        live.close()


def test_a_rebuild_that_sources_overtook_changes_nothing_shown(tmp_path: Path) -> None:
    """A failing site whose files change while it rebuilds keeps its error page: the
    rebuild already due decides (it used to count as a good build, and every page then
    answered a bare 404 that never reloaded)."""
    from newsgen.dev.livereload import LiveServer, Rebuilt

    root = tmp_path / "public"
    root.mkdir()
    outcomes = iter([Rebuilt(False, problems=["posts/a.md:3: error: broken"]),
                     Rebuilt(False, undecided=True)])
    live = LiveServer(root, lambda: next(outcomes), "127.0.0.1", 0, watch=True, name="g")
    live.rebuild_now()
    live.rebuild_now()
    assert not live.state.built
    assert live.state.problems == ["posts/a.md:3: error: broken"]


def test_a_bad_host_is_said_as_the_host(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "newsgen", "serve", "-s", str(site),
                           "--host", "nosuchhost.invalid", "--port", str(free_port())],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("newsgen: error: host nosuchhost.invalid cannot be used (")
    assert last.endswith("); choose another with --host")


def test_serve_without_watch_stops_when_the_site_does_not_build(tmp_path: Path) -> None:
    """Without --watch nothing could ever fix the site: the errors, then exit status 1
    (it used to serve a page of errors forever, saying it kept "the last good site")."""
    site = make_site(tmp_path)
    (site / "content/general/bad.md").write_text(
        "---\ntitle: Bad\ndate: nope\nsection: General\n---\nx\n", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "newsgen", "serve", "-s", str(site),
                           "--port", str(free_port())], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert "content/general/bad.md:3: error: date: 'nope' is not a date" in lines[0]
    assert lines[-1] == "newsgen: the site does not build (1 error)"
    assert "last good site" not in proc.stderr


def test_the_server_queues_a_browsers_parallel_connections() -> None:
    """A browser opens about six connections at once, plus an event stream per tab: the
    standard library's listen backlog of 5 made some wait a second."""
    from newsgen.dev.livereload import _Server

    assert _Server.request_queue_size >= 64


def test_files_in_a_linked_folder_are_watched_through_the_link(tmp_path: Path) -> None:
    """A folder linked into static/ or content/ (inside the site) is read by the build
    through the link; the dev server follows it too, and serves what a build would: a
    file added there is served, one removed is gone, a new article there is published, a
    folder linked twice is read once (no false clash of URLs on a later save), a folder
    of content/ linked into static/ is served at both paths, and a link removed takes
    its files along."""
    from conftest import newsgen, tree_digest

    site = make_site(tmp_path)
    write_site(site, {"shared/one.txt": "one", "desk/a.md": article("Desk A", "2024-12-16"),
                      "content/general/photos/p.txt": "p"})
    (site / "static/shared").symlink_to(site / "shared", target_is_directory=True)
    (site / "content/desk").symlink_to(site / "desk", target_is_directory=True)
    (site / "content/desk2").symlink_to(site / "desk", target_is_directory=True)
    (site / "static/photos").symlink_to(site / "content/general/photos",
                                        target_is_directory=True)
    with serving(site) as srv:
        srv.wait_builds(1)
        assert srv.get("/shared/one.txt")[0] == 200
        write_site(site, {"content/general/one.md": article("Saved", "2024-12-18 10:00")})
        srv.wait_for(lambda: b"Saved" in srv.get("/general/one/")[2], what="a save")
        for text in ("Desk A once", "Desk A twice"):
            write_site(site, {"desk/a.md": article(text, "2024-12-16")})
            srv.wait_for(lambda t=text: t.encode() in srv.get("/general/a/")[2], what=text)
        write_site(site, {"shared/two.txt": "two", "desk/b.md": article("Desk B",
                                                                        "2024-12-16"),
                          "content/general/photos/new.txt": "new"})
        (site / "shared/one.txt").unlink()
        srv.wait_for(lambda: srv.get("/shared/two.txt")[0] == 200, what="an added file")
        srv.wait_for(lambda: srv.get("/shared/one.txt")[0] == 404, what="a removed file")
        srv.wait_for(lambda: srv.get("/general/b/")[0] == 200, what="an added article")
        srv.wait_for(lambda: srv.get("/photos/new.txt")[0] == 200, what="static/photos")
        (site / "static/shared").unlink()
        srv.wait_for(lambda: srv.get("/shared/two.txt")[0] == 404, what="a removed link")
        time.sleep(0.5)
        out = tmp_path / "clean"
        assert newsgen("build", "-s", site, "-o", out, "--base-url",
                       f"http://127.0.0.1:{srv.port}/").code == 0
        for page in out.rglob("*"):  # every file of a clean build is served as it is
            if page.is_file() and page.suffix not in (".html", ".xml") and (
                    page.name != ".newsgen-output"):
                rel = "/" + page.relative_to(out).as_posix()
                assert srv.get(rel)[2] == page.read_bytes(), rel
        assert tree_digest(out)


def test_ctrl_c_during_a_rebuild_stops_at_once_and_leaves_no_folder(tmp_path: Path) -> None:
    import tempfile

    files = {f"content/general/w{i}.md": article(f"W {i}", "2024-12-10", body="Text. " * 300)
             for i in range(1500)}
    site = write_site(tmp_path / "site", {"newsgen.yaml": "title: T\n", **files})
    with serving(site) as served:
        folders = [f for f in Path(tempfile.gettempdir()).glob("newsgen-serve-*")
                   if (f / "pid").is_file() and (f / "pid").read_text() == str(served.proc.pid)]
        assert len(folders) == 1
        (site / "newsgen.yaml").write_text("title: T\nmarkdown: {raw_html: false}\n")
        time.sleep(1.0)  # (converting every body again is under way: seconds of work)
        started = time.monotonic()
        served.proc.send_signal(signal.SIGINT)
        served.proc.wait(timeout=15)
        assert time.monotonic() - started < 5, "the server waited for its rebuild"
        # removed by a child of the server, also what the rebuild made again before the
        # server ended: within a moment, not waiting for the next server's sweep
        gone = [folders[0], folders[0].parent / f".newsgen-serve-swept-{folders[0].name}"]
        deadline = time.monotonic() + 10
        while any(f.exists() for f in gone) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(f.exists() for f in gone), [list(f.rglob("*")) for f in gone]


def test_what_a_rebuild_makes_again_while_the_server_ends_goes_too(tmp_path: Path) -> None:
    """A rebuild that still runs as the server closes makes the server's folder again
    (its writer makes the output's parent and its staging folder) until the process
    ends: here one that does so all the time, which left a folder on each stop."""
    script = """
import contextlib, os, sys, threading, time
from pathlib import Path
from newsgen.build import BuildOptions
from newsgen.dev.server import DevServer

dev = DevServer(BuildOptions(site=Path(sys.argv[1])), "127.0.0.1", 0, watch=False)
print(dev.workdir, flush=True)
def rebuild():
    while True:
        with contextlib.suppress(OSError):  # (the folder moved between two of its steps)
            (dev.workdir / "work" / "staging").mkdir(parents=True, exist_ok=True)
threading.Thread(target=rebuild, daemon=True).start()
while not (dev.workdir / "work").is_dir():
    pass
dev.close(ending=True)
deadline = time.monotonic() + 10
while time.monotonic() < deadline:  # the rebuild makes it again before the process ends
    if (dev.workdir / "work").is_dir():
        print("made again", flush=True)
        break
    os.sched_yield()
os._exit(0)
"""
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    name, said = done.stdout.split("\n", 1)
    assert said.strip() == "made again"  # (else this test would test nothing)
    folder = Path(name)
    deadline = time.monotonic() + 10
    aside = folder.parent / f".newsgen-serve-swept-{folder.name}"
    while (folder.exists() or aside.exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists() and not aside.exists()


def test_a_stop_waits_for_any_rebuild_of_the_search_index_not_only_the_last() -> None:
    """Two saves in a row each start one; the later can end first, while the earlier still
    writes: the folder is then not removed in place under it."""
    import threading

    from newsgen.dev.server import _still_writing

    release = threading.Event()
    earlier = threading.Thread(target=release.wait, daemon=True)
    later = threading.Thread(target=lambda: None, daemon=True)
    earlier.start()
    later.start()
    try:
        assert _still_writing(False, [earlier, later])
        assert _still_writing(True, [])
        later.join()
        assert not _still_writing(False, [later])
    finally:
        release.set()
    earlier.join()
    assert not _still_writing(False, [earlier, later])


def test_a_server_killed_leaves_a_folder_the_next_one_removes(tmp_path: Path) -> None:
    import tempfile

    from newsgen.build import BuildOptions
    from newsgen.dev.server import DevServer

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = Path(tempfile.mkdtemp(prefix="newsgen-serve-"))
    (left / "pid").write_text(dead)
    (left / "site").mkdir()
    # a removal cut short (a second Ctrl-C) that took the pid file first, a while ago;
    # and one just made, whose server is about to write its pid file
    cut, new = (Path(tempfile.mkdtemp(prefix="newsgen-serve-")) for _ in range(2))
    (cut / "site").mkdir()
    os.utime(cut, (time.time() - 3600, time.time() - 3600))
    dev = DevServer(BuildOptions(site=tmp_path), "127.0.0.1", 0, watch=False)
    try:
        assert not left.exists() and not cut.exists()
        assert new.is_dir()
        assert (dev.workdir / "pid").read_text() == str(os.getpid())
        aside = [Path(tempfile.gettempdir()) / f".newsgen-serve-swept-{f.name}"
                 for f in (left, cut)]
        deadline = time.monotonic() + 10  # (removed in the background)
        while any(f.exists() for f in aside) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(f.exists() for f in aside)
    finally:
        dev.close()
        new.rmdir()


def test_a_large_leftover_folder_does_not_hold_the_next_server_s_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed server of a 100,000-article site leaves 130,000 files: removing them
    took a minute, and the next server did not start meanwhile. Here the removal never
    ends until the server has started."""
    import tempfile
    import threading

    from newsgen.build import BuildOptions
    from newsgen.dev import server

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = Path(tempfile.mkdtemp(prefix="newsgen-serve-"))
    (left / "pid").write_text(dead)
    (left / "site").mkdir()
    started, removing = threading.Event(), threading.Event()
    rmtree = shutil.rmtree

    def slow_rmtree(path: Path, ignore_errors: bool = False) -> None:
        if ".newsgen-serve-swept-" in str(path):
            removing.set()
            started.wait(10)
        rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(server.shutil, "rmtree", slow_rmtree)
    dev = server.DevServer(BuildOptions(site=tmp_path), "127.0.0.1", 0, watch=False)
    try:
        assert not started.is_set() and removing.wait(10)  # (still removing it)
        assert not left.exists()
    finally:
        started.set()
        dev.close()


def test_range_requests_get_the_bytes_asked_for(tmp_path: Path) -> None:
    """A video's player asks for parts (Safari plays none without 206); a page is always
    whole (the live-reload script is added to it)."""
    site = make_site(tmp_path)
    data = bytes(range(256)) * 40
    (site / "static/clip.mp4").write_bytes(data)
    with serving(site) as srv:
        status, headers, body = srv.get("/clip.mp4", headers={"Range": "bytes=10-19"})
        assert (status, body) == (206, data[10:20])
        assert headers["Content-Range"] == f"bytes 10-19/{len(data)}"
        status, headers, body = srv.get("/clip.mp4", headers={"Range": "bytes=-5"})
        assert (status, body) == (206, data[-5:])
        status, headers, _ = srv.get("/clip.mp4", headers={"Range": f"bytes={len(data)}-"})
        assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
        status, headers, body = srv.get("/clip.mp4")
        assert (status, body, headers["Accept-Ranges"]) == (200, data, "bytes")
        status, _, body = srv.get("/general/one/", headers={"Range": "bytes=0-9"})
        assert status == 200 and b"live.js" in body


def test_a_name_too_long_for_the_system_is_not_found(tmp_path: Path) -> None:
    """A path segment over 255 bytes got no answer and a traceback in the terminal; a
    file asked for as a folder (`/robots.txt/`) was served, where a host says 404."""
    site = make_site(tmp_path)
    with serving(site) as srv:  # (which says no traceback was printed)
        assert srv.get("/" + "a" * 300 + "/")[0] == 404
        assert srv.get("/general/" + "b" * 4000)[0] == 404
        assert srv.get("/robots.txt/")[0] == 404 and srv.get("/robots.txt")[0] == 200
        assert srv.get("/")[0] == 200


def test_the_server_says_which_articles_it_leaves_out_and_how_to_see_them(
        tmp_path: Path) -> None:
    """A draft's page was a 404 without a word: the server says what `newsgen build`
    says of it, and how to preview it."""
    site = make_site(tmp_path)
    write_site(site, {"content/general/draft.md": article("Draft", "2024-12-18 10:00")
                      .replace("---\n", "---\ndraft: true\n", 1)})
    with serving(site) as srv:
        srv.wait_builds(1)
        assert any(line.startswith("newsgen: built in") and line.endswith(
            "; left out: 1 draft (serve --drafts shows them)") for line in srv.lines), srv.lines
        assert srv.get("/general/draft/")[0] == 404
    with serving(site, "--drafts") as srv:
        srv.wait_builds(1)
        assert srv.get("/general/draft/")[0] == 200


def test_each_server_has_its_own_run_and_pages_carry_it(tmp_path: Path) -> None:
    """A page of an earlier server on the same port reloads once a new one serves (the
    version counts from one again, and the page only compared versions): its script
    compares the server's run."""
    site = make_site(tmp_path)
    runs = []
    for _ in range(2):
        with serving(site) as srv:
            srv.wait_builds(1)
            state = srv.state()
            runs.append(state["run"])
            assert f'data-run="{state["run"]}"'.encode() in srv.get("/")[2]
    assert runs[0] != runs[1]


def test_deleting_the_state_folder_while_serving_with_search_is_safe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dev server keeps the search index's parts in the state folder: deleted while
    a rebuild indexed (as it may be deleted at any time), the rebuild failed, and the
    terminal said "rebuild failed (0 errors)" without why. It is built again."""
    from newsgen.build import BuildOptions
    from newsgen.dev.server import DevServer
    from newsgen.output.writer import Writer

    site = make_site(tmp_path)
    write_site(site, {"newsgen.yaml": "title: Served\nsearch: true\n"})
    said: list[str] = []
    dev = DevServer(BuildOptions(site=site, now="2024-12-19 12:00"), "127.0.0.1", 0,
                    watch=True, say=said.append)
    try:
        assert dev.build(), said
        write_site(site, {"content/general/one.md": article("Renamed", "2024-12-18 10:00")})
        copy = Writer.copy
        deleted: list[bool] = []

        def deleting(self: Writer, path: str, source: Path, *, link: bool = False) -> None:
            if not deleted and ".newsgen-cache" in str(source):  # an index file of it
                deleted.append(True)
                shutil.rmtree(site / ".newsgen-cache")
            copy(self, path, source, link=link)

        monkeypatch.setattr(Writer, "copy", deleting)
        assert dev.build(search_now=True), said
        assert deleted and not any("failed" in line for line in said), said
        assert b"Renamed" in (dev.out / "general/one/index.html").read_bytes()
    finally:
        dev.close()
