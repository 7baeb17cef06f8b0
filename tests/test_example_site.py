"""The repository's own example site, and the publishing workflow's commands run on it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml
from conftest import newsgen, soup
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent


def test_example_site_checks_clean() -> None:
    run = newsgen("check", "-s", ROOT)
    assert run.code == 0, run.err
    assert run.warnings() == []


def test_example_site_builds_under_a_project_pages_prefix(tmp_path: Path) -> None:
    """What examples/github-pages.yml runs, with GitHub's project-site URL."""
    out = tmp_path / "dist"
    run = newsgen("build", "-s", ROOT, "-o", out, "--base-url", "https://user.github.io/news/")
    assert run.code == 0, run.err
    pages = list(out.rglob("*.html"))
    assert len(pages) > 40
    checked = 0
    for page in pages:
        doc = soup(page)
        for el in doc.find_all(["a", "link", "img", "source"]):
            for attr in ("href", "src", "srcset"):
                value = el.get(attr)
                if not value:
                    continue
                for url in [part.strip().split(" ")[0] for part in value.split(",")] \
                        if attr == "srcset" else [value]:
                    parts = urlsplit(url)
                    if parts.netloc and parts.netloc != "user.github.io":
                        continue
                    if parts.path == "" and parts.fragment:
                        continue
                    assert parts.path.startswith("/news/"), (page, url)
                    target = out / parts.path[len("/news/"):]
                    if parts.path.endswith("/"):
                        target = target / "index.html"
                    assert target.is_file(), (page, url)
                    checked += 1
    assert checked > 1000
    # The 404 page, served by GitHub Pages at any depth, only uses absolute paths.
    for a in soup(out / "404.html").find_all("a"):
        assert a["href"].startswith(("/news/", "#")), a["href"]
    for xml in ("feed.xml", "sitemap.xml"):
        etree.parse(str(out / xml))
    robots = (out / "robots.txt").read_text()
    assert "https://user.github.io/news/sitemap.xml" in robots
    # Built at today's date: the news sitemap exists only while an article is recent.
    news = out / "news-sitemap.xml"
    assert news.exists() == ("https://user.github.io/news/news-sitemap.xml" in robots)
    if news.exists():
        etree.parse(str(news))


def test_example_workflow_builds_checks_and_runs_on_a_schedule() -> None:
    flow = yaml.safe_load((ROOT / "examples/github-pages.yml").read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert "schedule" in triggers and "push" in triggers
    steps = flow["jobs"]["publish"]["steps"]
    commands = " ".join(str(s.get("run", "")) for s in steps)
    assert "newsgen check" in commands
    assert "newsgen build --base-url" in commands
    build = next(s for s in steps if s.get("id") == "build")
    assert '--changes "$GITHUB_OUTPUT"' in build["run"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "dist"
    # Nothing new on a scheduled run (no embargo due): no upload, no deploy; a push or a
    # run by hand always deploys.
    when = "steps.build.outputs.changed == 'true' || github.event_name != 'schedule'"
    assert upload["if"] == when
    # The deploy is in the same job, after the upload: the cache, saved only when every
    # step succeeded, never records an output whose deploy failed (the next run deploys).
    deploy = next(s for s in steps if s.get("uses", "").startswith("actions/deploy-pages"))
    assert deploy["if"] == when and steps.index(deploy) == len(steps) - 1
    assert list(flow["jobs"]) == ["publish"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert "github.run_id" in cache["with"]["key"]  # a new state saved every run
    # ... with the output, which a run with nothing new then need not render again
    assert cache["with"]["path"].splitlines() == [".newsgen-cache", "dist"]


def test_the_composite_action_builds_and_says_whether_the_site_changed(tmp_path: Path) -> None:
    """action.yml's own shell steps, run as GitHub runs them (bash, its env), twice."""
    import os
    import shutil
    import subprocess
    import sys

    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert any(s.get("uses", "").startswith("actions/cache") and s["with"]["path"].splitlines()
               == ["${{ inputs.site }}/.newsgen-cache", "${{ inputs.site }}/dist"]
               for s in steps)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["if"] == ("steps.build.outputs.changed == 'true' || "
                            "github.event_name != 'schedule'")
    assert action["outputs"]["changed"]["value"] == "${{ steps.build.outputs.changed }}"
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parent / "sites" / "basic", site)
    output = tmp_path / "github-output"
    env = {**os.environ, "SITE": str(site), "BASE_URL": "https://user.github.io/news/",
           "GITHUB_OUTPUT": str(output),
           "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    shell = [s for s in steps if s.get("shell") == "bash" and "newsgen" in s["run"]
             and "pip install" not in s["run"]]
    assert [s["name"] for s in shell] == ["Check the content", "Build"]

    def run_steps() -> dict[str, str]:
        output.write_text("")
        for step in shell:
            done = subprocess.run(["bash", "-e", "-c", step["run"]], env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
        return dict(line.split("=", 1) for line in output.read_text().split())

    first = run_steps()
    assert first["changed"] == "true"
    assert (site / "dist/index.html").read_text().count("https://user.github.io/news/") > 0
    again = run_steps()
    assert again == {"changed": "false", "digest": first["digest"]}


SCHEMAS = Path(__file__).resolve().parent / "schemas"


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def test_every_feed_and_sitemap_validates_against_its_schema(tmp_path: Path) -> None:
    """The example site, built as the publishing workflow builds it: every feed passes
    the RSS 2.0 schema, the sitemap the sitemap 0.9 schema, the news sitemap both the
    sitemap schema and Google's news extension."""
    out = tmp_path / "dist"
    run = newsgen("build", "-s", ROOT, "-o", out, "--base-url", "https://user.github.io/news/",
                  "--now", "2025-01-26 12:00")
    assert run.code == 0, run.err
    rss, sitemap, news = _schema("rss.xsd"), _schema("sitemap.xsd"), _schema("news.xsd")
    feeds = sorted(out.rglob("feed.xml"))
    assert len(feeds) >= 5
    for feed in feeds:
        rss.assertValid(etree.parse(str(feed)))
    sitemap.assertValid(etree.parse(str(out / "sitemap.xml")))
    doc = etree.parse(str(out / "news-sitemap.xml"))
    sitemap.assertValid(doc)
    entries = doc.getroot().findall(".//{http://www.google.com/schemas/sitemap-news/0.9}news")
    assert entries  # the newest example article is within the two-day window
    for entry in entries:
        news.assertValid(etree.ElementTree(entry))
