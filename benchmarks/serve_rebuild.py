"""How long `newsgen serve --watch` takes to rebuild after one article is edited.

    python benchmarks/serve_rebuild.py --size 1000 --edits 10

Builds the synthetic corpus once the way the dev server does (in memory, into its own
folder), then edits one article's body and title and times each rebuild: what an
editor waits for between saving and seeing the page reload (plus the watcher's 50 ms
debounce and the browser's reload). Each rebuild is told the saved file, as the watcher
tells the server; `--site DIR` times an existing corpus (benchmarks/corpus.py) instead.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from newsgen.build import BuildOptions  # noqa: E402
from newsgen.dev.server import DevServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--site", type=Path, help="a corpus already written (left as found)")
    parser.add_argument("--stages", action="store_true", help="print each rebuild's stages")
    args = parser.parse_args()
    work = args.site or Path(tempfile.mkdtemp(prefix="newsgen-serve-bench-"))
    try:
        if args.site is None:
            corpus.write_newsgen(work, corpus.articles(args.size))
        else:
            args.size = sum(1 for _ in (work / "content").rglob("*.md"))
        dev = DevServer(BuildOptions(site=work, now="2025-01-02 12:00"), "127.0.0.1", 8000,
                        watch=True, say=lambda text: None)
        started = time.perf_counter()
        assert dev.build()
        first = time.perf_counter() - started
        target = sorted((work / "content").rglob("*.md"))[args.size // 2]
        original = target.read_text(encoding="utf-8")
        saved = frozenset({target.relative_to(work).as_posix()})
        dev.changes = lambda: saved
        times = []
        try:
            for i in range(args.edits):
                target.write_text(original.replace("title: ", f"title: Edit {i} ", 1)
                                  + f"\nEdited paragraph {i}.\n", encoding="utf-8")
                started = time.perf_counter()
                assert dev.build()
                times.append(time.perf_counter() - started)
                if args.stages:
                    print(" ".join(f"{k} {v:.3f}" for k, v in dev.stages.items()))
        finally:
            target.write_text(original, encoding="utf-8")
        print(f"{args.size} articles: first build {first:.2f}s; rebuild after a one-article "
              f"edit: median {statistics.median(times):.3f}s, "
              f"min {min(times):.3f}s, max {max(times):.3f}s over {args.edits} edits")
        dev.close()
    finally:
        if args.site is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
