"""The pipeline, in order: config → scan → load → link → plan → render → write
(the steps: newsgen.build.steps).

`build()` runs it once and returns what happened. Every problem goes to the reporter, and
`BuildFailed` stops the run before anything is written.

With a cache (`.newsgen-cache/`, or the dev server's in-memory one) a build reuses parsed
articles and converted Markdown, renders only the pages whose fingerprint changed, and
carries the other files over from the previous output. When no source changed at all and
no article became due, it stops after looking at the files' sizes and times.
"""

from __future__ import annotations

import gc

from newsgen.build import steps
from newsgen.build.edits import from_rows
from newsgen.build.options import (
    BuildOptions,
    BuildResult,
    Clock,
    build_time,
    load_site_config,
    site_config,
)
from newsgen.errors import BuildFailed, Reporter
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.state import IncrementalBuild
from newsgen.output.guard import OutputRefused
from newsgen.output.interrupt import HeldInterrupt

_never_freed: list[object] = []  # what one-shot builds made (see build())


def build(options: BuildOptions, reporter: Reporter,
          cache: BuildCache | None = None) -> BuildResult:
    """config → scan → load → link → plan → render → write, one stage after the other.

    `cache`: the dev server's in-memory state; by default the one in the cache folder.
    """
    clock = Clock()
    if options.write:
        steps.refuse(options, options.output_dir, own_state=cache is None)
    if options.one_shot:  # What it makes lives until the process ends (newsgen.__main__): the
        # cycle collector need not walk it again and again (a third of the time of a warm
        # build of 100,000 articles), nor is it freed object by object at the end (a second).
        gc.disable()
    state = IncrementalBuild(options.cache_path, options.use_cache, reporter, cache,
                             site=options.site, read_only=not options.write)
    run = steps.Run(options, reporter, state, clock, options.output_dir,
                    HeldInterrupt(options.one_shot))
    try:
        config = site_config(options, reporter)
        tree, key, now = steps.scan(run, config)
        done = steps.nothing_to_do(run, key, now)
        if done is None:  # after edits of articles' words: only their pages, from rows
            done = from_rows(run, config, tree, key, now)
        if done is not None:
            return done
        articles, bodies = steps.load(run, config, tree)
        linked = steps.link(run, config, tree, articles, bodies, now)
        plan = steps.plan(run, config, tree, linked, articles, bodies)
        return steps.render(run, linked, plan, key)  # and write
    except BuildFailed:
        steps.templates_failed(run)
        raise
    finally:
        state.close()
        if options.one_shot:  # never freed
            _never_freed.append(locals())


__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "OutputRefused", "build",
           "build_time", "load_site_config"]
