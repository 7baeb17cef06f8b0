"""Work spread over worker processes: converting Markdown and rendering pages.

Workers are forked after the site is linked, so they inherit it (and the
renderer): a task is a list of indices or texts, and only results travel back.
Fewer tasks than `PARALLEL_MIN` are done in the calling process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from typing import Any

from newsgen.errors import Reporter
from newsgen.kinds import Page
from newsgen.markup import Body, Converter
from newsgen.render import Renderer, TemplateFailure

PARALLEL_MIN = 64  # fewer tasks than this are not worth starting workers for

_converter: Converter | None = None
_job: tuple[Renderer, list[Page]] | None = None


def _convert_chunk(task: tuple[bool, list[str]]) -> list[Body]:
    global _converter
    raw_html, texts = task
    if _converter is None:
        _converter = Converter(raw_html=raw_html)
    return [_converter.convert(text) for text in texts]


def _render_chunk(indices: list[int]) -> list[tuple[str, bytes | TemplateFailure]]:
    if _job is None:  # pragma: no cover - set before the pool starts
        raise RuntimeError("no render job")
    renderer, pages = _job
    out: list[tuple[str, bytes | TemplateFailure]] = []
    for i in indices:
        try:
            out.append((pages[i].path, renderer.render(pages[i])))
        except TemplateFailure as exc:
            out.append((pages[i].path, exc))
    return out


def chunks(items: list[Any], n: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // (n * 4)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _pool(workers: int) -> Any:
    return multiprocessing.get_context("fork").Pool(workers)


def convert_many(raw_html: bool, chunks: list[list[str]], workers: int) -> Iterator[list[Body]]:
    """The converted bodies of each chunk of Markdown texts, chunk by chunk, in order."""
    if workers > 1 and sum(len(c) for c in chunks) >= PARALLEL_MIN:
        with _pool(workers) as pool:
            yield from pool.imap(_convert_chunk, [(raw_html, chunk) for chunk in chunks])
        return
    converter = Converter(raw_html=raw_html)
    for chunk in chunks:
        yield [converter.convert(text) for text in chunk]


def render_pages(pages: list[Page], renderer: Renderer, reporter: Reporter, workers: int,
                 *, sample: bool = False) -> Iterator[tuple[str, bytes]]:
    """Render pages as a stream of (path, bytes), in worker processes when there are many.

    Pages are handed on as soon as they are ready, so they can be written while the
    rest render and never all sit in memory. Template failures go to the reporter.
    With `sample`, only the first page of each kind is rendered: enough to find
    template errors when the build is failing anyway.
    """
    global _job
    if sample:
        firsts: dict[str, Page] = {}
        for page in pages:
            firsts.setdefault(page.kind, page)
        pages = list(firsts.values())
    if workers > 1 and len(pages) >= PARALLEL_MIN:
        _job = (renderer, pages)
        try:
            with _pool(workers) as pool:
                tasks = chunks(list(range(len(pages))), workers)
                for chunk in pool.imap(_render_chunk, tasks):
                    for path, result in chunk:
                        if isinstance(result, TemplateFailure):
                            reporter.error(result.path, result.line, result.message)
                        else:
                            yield path, result
        finally:
            _job = None
        return
    failed_kinds: set[str] = set()
    for page in pages:
        if page.kind in failed_kinds:
            continue
        try:
            data = renderer.render(page)
        except TemplateFailure as exc:
            reporter.error(exc.path, exc.line, exc.message)
            failed_kinds.add(page.kind)
            continue
        yield page.path, data
