"""What site search costs: builds of the benchmark corpus with `search: false` and `true`.

    python benchmarks/search_cost.py --size 10000 --runs 3

Measures, as whole processes (medians of --runs), on the corpus of benchmarks/corpus.py:

    cold                 no cache, no previous output
    nothing changed      cache and output present, no source changed
    publish one          one new article dated today (the newest part of the index)

once with search off and once with search on, and prints the differences: what
search adds to each kind of build. Results go to --out (search.json, search.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from run import HERE, measure, median, newsgen_cmd


def bench(site: Path, runs: int, search: bool) -> dict[str, dict[str, float]]:
    config = site / "newsgen.yaml"
    text = config.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("search:"))
    config.write_text(text + f"\nsearch: {'true' if search else 'false'}\n", encoding="utf-8")
    cmd = newsgen_cmd(site, None)
    new_article = site / "content" / "general" / "zz-search-new.md"
    rows: dict[str, list[dict[str, float]]] = {}
    for i in range(runs):
        shutil.rmtree(site / "dist", ignore_errors=True)
        shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
        new_article.unlink(missing_ok=True)
        rows.setdefault("cold", []).append(measure(cmd, site))
        rows.setdefault("nothing changed", []).append(measure(cmd, site))
        new_article.write_text(
            "---\ntitle: A new article\ndate: 2025-01-02 09:00\nsection: General\n---\n\n"
            f"Run {i}: the harbour reopened for the zeppelin festival.\n", encoding="utf-8")
        rows.setdefault("publish one", []).append(measure(cmd, site))
    new_article.unlink(missing_ok=True)
    return {k: median(v) for k, v in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"search-corpus-{args.size}"
    subprocess.run([sys.executable, str(HERE / "corpus.py"), str(args.size), str(target)],
                   check=True)
    site = target / "newsgen"
    off = bench(site, args.runs, search=False)
    on = bench(site, args.runs, search=True)
    lines = [f"| {args.size:,} articles | search off (s) | search on (s) | search adds (s) | "
             "peak memory on (MiB) |", "| --- | ---: | ---: | ---: | ---: |"]
    for name in off:
        a, b = off[name]["wall"], on[name]["wall"]
        lines.append(f"| {name} | {a:.2f} | {b:.2f} | {b - a:+.2f} | {on[name]['rss']:.0f} |")
    table = "\n".join(lines) + "\n"
    print(table)
    (args.out / "search.json").write_text(json.dumps({"off": off, "on": on}, indent=2),
                                          encoding="utf-8")
    (args.out / "search.md").write_text(table, encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    main()
