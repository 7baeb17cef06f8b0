"""Benchmark newsgen against Hugo and Pelican on the same synthetic news corpus, in one run.

    python benchmarks/run.py --sizes 1000 10000 --runs 3

For each size it writes the corpus (benchmarks/corpus.py) as a newsgen, a Hugo
and a Pelican site, then measures, as whole processes:

    newsgen cold            no cache, no previous output
    newsgen nothing changed cache and output present, no source changed
    newsgen fresh checkout  nothing new, but every file copied anew (new times and
                            inodes) with the state and dist/ restored, as a CI job
                            has it; built with --changes
    newsgen CI publish      the same, with one new article: what a CI job that
                            publishes a story costs
    newsgen add one         one new article
    newsgen edit title      one article's title changed (other pages list it)
    newsgen template        a template changed (every article page depends on it)
    newsgen add one (stable pages), newsgen edit title (stable pages)
                            the same two changes with `pagination: stable` in
                            newsgen.yaml (after one build in that mode, not measured)
    hugo full               when `hugo` is on PATH (Debian's package)
    hugo again              Hugo has no page cache: a second full build
    newsgen serve save→served / hugo server save→served
                            `newsgen serve --watch` and `hugo server` running: one
                            article saved, until its page is served with the change
                            (benchmarks/serve_latency.py; the median of --serve-edits)
    newsgen serve new→served / hugo server new→served
                            the same servers: a new article written (the newest, in
                            the largest section), until its page is served (the
                            median of --serve-publishes)
    newsgen serve deleted→unlisted / hugo server deleted→unlisted
                            each of those new articles deleted once served, until
                            its section's first page no longer lists it
    pelican full            when `pelican` is on PATH (or PELICAN=/path/to/pelican)

Each figure is the median of --runs runs: wall time, CPU time (user + system,
children included) and peak resident memory of the largest process. Results go
to --out (default benchmarks/out/): results.json, a Markdown table (results.md)
and, when matplotlib is installed, a chart (results.png).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import serve_latency  # noqa: E402

NOW = "2025-01-02 12:00"


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one process and its children."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "rss": usage.ru_maxrss / 1024}


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def newsgen_cmd(site: Path, jobs: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "newsgen", "build", "-s", str(site), "--now", NOW, "-q"]
    return cmd + (["-j", str(jobs)] if jobs else [])


def bench_newsgen(site: Path, runs: int, jobs: int | None) -> dict[str, dict[str, float]]:
    results: dict[str, list[dict[str, float]]] = {}
    cmd = newsgen_cmd(site, jobs)
    new_article = site / "content" / "general" / "zz-benchmark-new.md"
    ci_article = new_article.with_name("zz-benchmark-ci.md")
    template = site / "templates" / "article.html"
    first = next((site / "content").rglob("a0001*.md"))
    original = first.read_text(encoding="utf-8")
    config = site / "newsgen.yaml"
    settings = config.read_text(encoding="utf-8")

    def clean() -> None:
        shutil.rmtree(site / "dist", ignore_errors=True)
        shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
        new_article.unlink(missing_ok=True)
        ci_article.unlink(missing_ok=True)
        shutil.rmtree(site / "templates", ignore_errors=True)
        first.write_text(original, encoding="utf-8")
        config.write_text(settings, encoding="utf-8")

    def add_and_edit(i: int, suffix: str = "") -> None:
        new_article.write_text(
            "---\ntitle: A new article\ndate: 2025-01-01 09:00\nsection: General\n"
            f"tags: [energy, trade]\n---\n\nRun {i}: a new article about the port.\n",
            encoding="utf-8")
        results.setdefault(f"newsgen add one{suffix}", []).append(measure(cmd, site))
        first.write_text(original.replace("title: ", f"title: Retitled {i} ", 1),
                         encoding="utf-8")
        results.setdefault(f"newsgen edit title{suffix}", []).append(measure(cmd, site))

    def fresh_checkout() -> None:
        """The site as a CI job has it: copied anew in place (every file's time and inode
        new), with the state folder and dist/ as the job's cache restores them."""
        old = site.with_name(site.name + "-old")
        site.rename(old)
        shutil.copytree(old, site, copy_function=shutil.copyfile)
        shutil.rmtree(old)

    ci = [*cmd, "--changes", str(site.parent / "changes.txt")]
    for i in range(runs):
        clean()
        results.setdefault("newsgen cold", []).append(measure(cmd, site))
        results.setdefault("newsgen nothing changed", []).append(measure(cmd, site))
        add_and_edit(i)
        template.parent.mkdir(exist_ok=True)
        template.write_text('{% extends "builtin/article.html" %}{% block meta %}{{ super() }}'
                            f'<meta name="run" content="{i}">{{% endblock %}}', encoding="utf-8")
        results.setdefault("newsgen template", []).append(measure(cmd, site))
        # Last, as it leaves the standby tree to be proven by the next publish's build.
        measure(ci, site)  # not counted: records the output's digest, as a CI job does
        fresh_checkout()
        results.setdefault("newsgen fresh checkout", []).append(measure(ci, site))
        # A CI job's publish: a fresh checkout with one new article, the output and its
        # standby restored and proved by their bytes, the new output's digest reported.
        fresh_checkout()
        ci_article.write_text(new_article.read_text(encoding="utf-8").replace(
            "A new article", "A new article from CI", 1), encoding="utf-8")
        results.setdefault("newsgen CI publish", []).append(measure(ci, site))
    # The same publish and edit with stable page numbers (README, "Page numbers"): a
    # publish renders the first pages of its lists instead of every page of them.
    clean()
    config.write_text(settings.rstrip("\n") + "\npagination: stable\n", encoding="utf-8")
    measure(cmd, site)  # not counted: the first build in this mode renders every page
    for i in range(runs):
        if i:  # back to the corpus as it was, not counted
            new_article.unlink()
            first.write_text(original, encoding="utf-8")
            measure(cmd, site)
        add_and_edit(i, " (stable pages)")
    clean()
    return {k: median(v) for k, v in results.items()}


def bench_hugo(site: Path, runs: int) -> dict[str, dict[str, float]]:
    out = site.parent / "hugo-public"
    results: dict[str, list[dict[str, float]]] = {}
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        cmd = ["hugo", "--quiet", "-s", str(site), "-d", str(out)]
        results.setdefault("hugo full", []).append(measure(cmd, site))
        results.setdefault("hugo again", []).append(measure(cmd, site))
    shutil.rmtree(out, ignore_errors=True)
    return {k: median(v) for k, v in results.items()}


def bench_pelican(site: Path, runs: int, pelican: str) -> dict[str, dict[str, float]]:
    out = site.parent / "pelican-output"
    results: list[dict[str, float]] = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        cmd = [pelican, "content", "-s", "pelicanconf.py", "-o", str(out), "-q"]
        results.append(measure(cmd, site))
    shutil.rmtree(out, ignore_errors=True)
    return {"pelican full": median(results)}


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = ["| corpus | build | wall (s) | CPU (s) | peak memory (MiB) | vs Hugo |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for size, rows in results.items():
        for name, r in rows.items():
            # A server's wait is compared with Hugo's server, a build with Hugo's build.
            peer = next((f"hugo server {w}" for w in ("new→served", "deleted→unlisted",
                                                        "save→served") if w in name),
                        "hugo full")
            hugo = rows.get(peer, {}).get("wall")
            ratio = f"{r['wall'] / hugo:.2f}×" if hugo else "–"
            lines.append(f"| {int(size):,} | {name} | {r['wall']:.2f} | {r['cpu']:.2f} | "
                         f"{r['rss']:.0f} | {ratio} |")
    return "\n".join(lines) + "\n"


def chart(results: dict[str, dict[str, dict[str, float]]], path: Path) -> bool:
    try:
        import matplotlib
        import matplotlib.ticker

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    sizes = list(results)
    fig, axes = plt.subplots(1, len(sizes), figsize=(6 * len(sizes), 4.5), squeeze=False)
    for ax, size in zip(axes[0], sizes, strict=True):
        rows = results[size]
        names = list(rows)
        walls = [rows[n]["wall"] for n in names]
        colors = ["#b3121b" if n.startswith("newsgen") else "#777777" for n in names]
        ax.barh(names, walls, color=colors)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel("wall time, seconds (log scale, lower is better)")
        ax.set_title(f"{int(size):,} articles")
        for y, w in enumerate(walls):
            ax.text(w, y, f" {w:.2f}s", va="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="newsgen -j (default: cores)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--skip", nargs="*", default=[], choices=["hugo", "pelican"])
    parser.add_argument("--serve-edits", type=int, default=10,
                        help="saves timed per server (0: no server rows)")
    parser.add_argument("--serve-publishes", type=int, default=5,
                        help="new articles timed per server (0: no such rows)")
    parser.add_argument("--replot", type=Path, metavar="JSON",
                        help="only draw the chart and table again from a results.json")
    args = parser.parse_args()
    if args.replot:
        saved = json.loads(args.replot.read_text(encoding="utf-8"))
        chart(saved, args.replot.with_suffix(".png"))
        args.replot.with_suffix(".md").write_text(table(saved), encoding="utf-8")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    pelican = os.environ.get("PELICAN") or shutil.which("pelican")
    hugo = shutil.which("hugo")
    results: dict[str, dict[str, dict[str, float]]] = {}
    notes: list[str] = []  # what could not be measured, and why
    for size in args.sizes:
        target = args.out / f"corpus-{size}"
        print(f"writing the {size:,}-article corpus to {target}", flush=True)
        # In a child process: the runner stays small, so a forked child's peak memory is
        # its own (a child starts as a copy of the runner until it execs).
        subprocess.run([sys.executable, str(HERE / "corpus.py"), str(size), str(target)],
                       check=True)
        rows: dict[str, dict[str, float]] = {}
        rows.update(bench_newsgen(target / "newsgen", args.runs, args.jobs))
        if hugo and "hugo" not in args.skip:
            rows.update(bench_hugo(target / "hugo", args.runs))
        for times, ours, theirs in (
                (args.serve_edits, serve_latency.bench_newsgen_serve,
                 serve_latency.bench_hugo_server),
                (args.serve_publishes, serve_latency.bench_newsgen_publish,
                 serve_latency.bench_hugo_publish)):
            if times:
                rows.update({f"newsgen serve {label}": r
                             for label, r in ours(target / "newsgen", times).items()})
                if hugo and "hugo" not in args.skip:
                    try:
                        rows.update({f"hugo server {label}": r
                                     for label, r in theirs(target / "hugo", times).items()})
                    except serve_latency.ServerDied as exc:  # its rows are left out
                        print(f"  hugo server: {exc}; its rows are left out", flush=True)
                        notes.append(f"{size:,} articles: hugo server: {exc}")
        if pelican and "pelican" not in args.skip:
            rows.update(bench_pelican(target / "pelican", max(1, args.runs // 2), pelican))
        results[str(size)] = rows
        for name, r in rows.items():
            print(f"  {name:34} {r['wall']:8.2f}s wall {r['cpu']:8.2f}s cpu "
                  f"{r['rss']:7.0f} MiB", flush=True)
        shutil.rmtree(target, ignore_errors=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = table(results) + "".join(f"\n- {note}" for note in notes) + ("\n" if notes else "")
    (args.out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    if chart(results, args.out / "results.png"):
        print(f"chart: {args.out / 'results.png'}")


if __name__ == "__main__":
    main()
