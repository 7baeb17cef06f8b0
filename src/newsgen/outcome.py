"""How a build ends, as `newsgen build` and `newsgen serve` both report it: every way
`newsgen.build.build` can stop turned into one `Outcome`."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from newsgen.build import BuildOptions, BuildResult, build
from newsgen.errors import BuildFailed, Reporter, count, site_relative
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.database import DATABASE, HeldState, damaged, discard, is_damage
from newsgen.output.guard import MARKER, MARKER_TEXT, OutputRefused
from newsgen.output.interrupt import published
from newsgen.output.writer import StagingShort, Writer


@dataclass
class Outcome:
    """How a build ended, as `newsgen build` and `newsgen serve` both report it: the
    result, or the reason it stopped (`failure`, one line after "newsgen: ") with the
    traceback of an internal error in `detail`."""

    result: BuildResult | None
    failure: str | None = None
    detail: str | None = None
    damage: BaseException | None = None  # the build state's file found damaged
    short: bool = False  # a file of the next output went missing: run again (StagingShort)


def attempt(options: BuildOptions, reporter: Reporter,
            cache: BuildCache | None = None) -> Outcome:
    """`build`, with every way it can stop turned into an Outcome (never an exception but
    KeyboardInterrupt). The sources' own problems are in `reporter`.

    Deleting the state folder is safe at any time, also while a build uses it: a build
    that fails when its state folder was deleted or replaced under it, or on a file
    of it, is run again afresh (up to four times, a moment later each: the deletion may
    still be under way), and only the last run's diagnostics are reported. So is one
    that succeeded but whose output lacks files: the new output is staged in the state
    folder, and a deletion that was inside it when it was swapped in goes on there."""
    own = cache is None and options.use_cache
    short = False  # an output found short of files was built again
    with HeldState(options.cache_path if own else None) as held:
        outcome = _attempt(options, reporter, cache)
        for pause in (0.2, 0.5, 1.0, 2.0, 0.0):  # (the deletion may still be under way)
            said = [outcome.failure or "", *(d.message for d in reporter.errors)]
            deleted = own and (held.gone() or not (options.cache_path / DATABASE).exists())
            if outcome.result is not None:
                if not (deleted and options.write) or outcome.result.interrupted or _whole(
                        options.output_dir, outcome.result):
                    break
                if not pause:  # the last try: said, not taken for a good build
                    return Outcome(None, "error: the state folder was deleted while this "
                                         "build swapped its output in, and it lacks files; "
                                         "build again")
                short = True
                with contextlib.suppress(OSError):  # ours, whatever the deletion took
                    (options.output_dir / MARKER).write_bytes(MARKER_TEXT)
            elif not own or not pause or said[0].startswith("error: refusing") or not (
                    held.gone() or outcome.damage or outcome.short or any(
                        str(options.cache_path) in text
                                       or "OperationalError" in text
                                       or "DatabaseError" in text for text in said)):
                break
            time.sleep(pause)
            reporter.reset()
            if outcome.damage is not None:  # a page of it: read late, when a build needs it
                label = site_relative(options.cache_path, options.site)
                if options.write:
                    damaged(reporter, label, outcome.damage)
                    discard(options.cache_path / DATABASE)
                else:  # `newsgen check` only reads it
                    damaged(reporter, label, outcome.damage, "checking without it (the "
                                                             "next build starts a new one)")
                    options = replace(options, use_cache=False)
            outcome = _attempt(options, reporter, cache)
        if short:  # the short tree is the standby now: no later build may build on it
            standby = Writer(options.output_dir,
                             work=options.work_dir or options.cache_path).standby_path
            if standby is not None:
                shutil.rmtree(standby, ignore_errors=True)
    return outcome


def _whole(out_dir: Path, result: BuildResult) -> bool:
    """Whether `out_dir` holds as many files as the build left there (its marker too)."""
    found = sum(len(files) for _, _, files in os.walk(out_dir))
    return (out_dir / MARKER).is_file() and found >= result.pages + result.files + 1


def _attempt(options: BuildOptions, reporter: Reporter, cache: BuildCache | None) -> Outcome:
    kept = "the output folder was left as it was"
    try:
        return Outcome(build(options, reporter, cache=cache))
    except BuildFailed as exc:
        errors, warnings = len(reporter.errors), len(reporter.warnings)
        note = f" ({exc.args[0]})" if exc.args else ""
        return Outcome(None, f"{count(errors, 'error')}, {count(warnings, 'warning')}; "
                             f"nothing was written{note}")
    except StagingShort as exc:  # (its standby lost files: the next try stages all)
        return Outcome(None, f"error: {exc}; {kept}", short=True)
    except OutputRefused as exc:  # the sources are checked all the same, writing nothing
        if not exc.state:  # (a refused state folder is the command line's own mistake)
            with contextlib.suppress(Exception):
                build(replace(options, write=False, digest=False, sample=True,
                              use_cache=options.use_cache and cache is None), reporter)
        return Outcome(None, f"error: {exc}")
    except OSError as exc:  # the file it is about first, as the site names it
        where = f"{site_relative(Path(os.fsdecode(exc.filename)), options.site)}: " if (
            isinstance(exc.filename, str | bytes) and exc.filename) else ""
        return Outcome(None, f"error: {where}{exc.strerror or exc}; {kept}")
    except Exception as exc:  # noqa: BLE001 - a bug in newsgen: say so, keep what was there
        if isinstance(exc, sqlite3.OperationalError) and any(
                words in str(exc) for words in _FULL):  # the state's disk, not newsgen
            where = site_relative(options.cache_path, options.site)
            return Outcome(None, f"error: the build state in {where} cannot be written: "
                                 f"{exc}; " + ("the new output is in place, and the next "
                                               "build renders it again" if published()
                                               else kept))
        return Outcome(None, f"internal error (a bug in newsgen; {kept}):",
                       traceback.format_exc(), exc if is_damage(exc) else None)


# What SQLite says of a disk that is full, or fails ("disk I/O error": a file size limit)
_FULL = ("disk is full", "disk I/O error")


def left_out(result: BuildResult) -> str:
    """"; left out: 2 scheduled (next: 2026-12-20 09:00), 1 draft", or "": what a build's
    summary (and `newsgen serve`'s) adds of the articles it did not publish."""
    scheduled = [h for h in result.held if h.reason == "scheduled"]
    drafts = [h for h in result.held if h.reason == "draft"]
    expired = [h for h in result.held if h.reason == "expired"]
    parts = []
    if scheduled:
        parts.append(f"{len(scheduled):,} scheduled (next: "
                     f"{scheduled[0].date:%Y-%m-%d %H:%M})")
    if drafts:
        parts.append(count(len(drafts), "draft"))
    if expired:
        parts.append(f"{len(expired):,} expired")
    return "; left out: " + ", ".join(parts) if parts else ""


__all__ = ["Outcome", "attempt", "left_out"]
