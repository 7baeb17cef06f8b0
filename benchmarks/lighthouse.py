"""Lighthouse scores of newsgen's output: the example site, and a bare site.

    python benchmarks/lighthouse.py                     # needs node and npx
    LIGHTHOUSE="node_modules/.bin/lighthouse" python benchmarks/lighthouse.py

Builds the example site (this repository's root) and a bare site (a title and a few
articles: no description, logo or favicon of its own), serves each over HTTP, and
runs Lighthouse (mobile, its default) in Debian's Chromium (CHROME_PATH, default
/usr/bin/chromium) on the home page, a section and an article. Prints the four
category scores per page as a Markdown table and writes them to --out
(benchmarks/lighthouse.json).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
NOW = "2025-01-26 12:00"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass


class _Links(HTMLParser):
    """The section links of the navigation and the first card's article link."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.cards: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag in ("nav", "h2", "h3"):
            self._in.append("sections" if "sections" in classes else
                            "card" if "card-title" in classes else tag)
        elif tag == "a" and self._in and found.get("href"):
            if self._in[-1] == "sections":
                self.sections.append(found["href"] or "")
            elif self._in[-1] == "card":
                self.cards.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("nav", "h2", "h3") and self._in:
            self._in.pop()


def bare_site(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "newsgen.yaml").write_text("title: Bare News\nbase_url: /\n", encoding="utf-8")
    for i, section in enumerate(("General", "Economy", "General")):
        path = folder / "content" / section.lower() / f"story-{i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Story number {i}\ndate: 2025-01-2{i} 10:00\n"
                        f"section: {section}\ntags: [city]\n---\n\n"
                        + "A paragraph of the story, long enough to read. " * 20 + "\n",
                        encoding="utf-8")
    return folder


def audit(site: Path, lighthouse: list[str], chrome: str) -> dict[str, dict[str, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet,
                                                                         directory=str(out)))
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        subprocess.run([sys.executable, "-m", "newsgen", "build", "-s", str(site), "-o",
                        str(out), "--base-url", base, "--now", NOW, "-q"], check=True)
        links = _Links()
        links.feed((out / "index.html").read_text(encoding="utf-8"))
        pages = {"home": "/", "section": links.sections[0], "article": links.cards[0]}
        threading.Thread(target=server.serve_forever, daemon=True).start()
        scores: dict[str, dict[str, int]] = {}
        try:
            for name, path in pages.items():
                url = base.rstrip("/") + path
                done = subprocess.run(
                    [*lighthouse, url, "--output=json", "--output-path=stdout", "--quiet",
                     "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                    capture_output=True, text=True, check=True,
                    env={**os.environ, "CHROME_PATH": chrome})
                report = json.loads(done.stdout)
                scores[name] = {c: round(100 * (report["categories"][c]["score"] or 0))
                                for c in CATEGORIES}
        finally:
            server.shutdown()
            server.server_close()
        return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "lighthouse.json")
    args = parser.parse_args()
    lighthouse = shlex.split(os.environ.get("LIGHTHOUSE", "npx --yes lighthouse@12"))
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    results = {"example site": audit(ROOT, lighthouse, chrome)}
    with tempfile.TemporaryDirectory() as tmp:
        results["bare site"] = audit(bare_site(Path(tmp) / "bare"), lighthouse, chrome)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("| site | page | performance | accessibility | best practices | SEO |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for site, pages in results.items():
        for page, s in pages.items():
            print(f"| {site} | {page} | " + " | ".join(str(s[c]) for c in CATEGORIES) + " |")


if __name__ == "__main__":
    main()
