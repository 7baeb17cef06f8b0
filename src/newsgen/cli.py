"""The command line: `newsgen build | check | serve | new | init | import`.

Exit status: 0 success; 1 content or configuration errors, or a refused
output folder; 2 usage errors (argparse's own).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from newsgen import __version__
from newsgen.build import BuildOptions, BuildResult
from newsgen.errors import Reporter, count
from newsgen.outcome import attempt, left_out
from newsgen.output.interrupt import stopped, too_late
from newsgen.parse.config import load_config
from newsgen.parse.config_values import check_base_url
from newsgen.parse.dates import parse_date
from newsgen.signals import interrupts_held, stop_on_sigterm


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _site(text: str) -> str:
    if not os.path.exists(text):
        raise argparse.ArgumentTypeError(f"the site folder '{text}' does not exist")
    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a folder")
    return text


def _time(text: str) -> str:
    if parse_date(text.strip(), UTC) is None:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a time like 2024-12-18 10:30 or 2024-12-18T10:30:00+05:00")
    return text


def _url(text: str) -> str:
    if problem := check_base_url(text):
        raise argparse.ArgumentTypeError(problem)
    return text


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be from 0 to 65535")
    return value


def _site_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-s", "--site", default=".", metavar="SITE", type=_site,
                        help="the site folder (default: the current folder)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsgen",
        description="A static site generator for news sites.",
    )
    parser.add_argument("--version", action="version", version=f"newsgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    b = sub.add_parser("build", help="build the site into dist/ (or -o OUT)")
    _site_arg(b)
    b.add_argument("-o", "--output", metavar="OUT",
                   help="the output folder (default: SITE/dist; relative to the current folder)")
    b.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    b.add_argument("--future", action="store_true", help="include articles dated in the future")
    b.add_argument("--now", metavar="TIME", type=_time,
                   help="build as if it were TIME (decides embargoes and the news sitemap)")
    b.add_argument("--base-url", metavar="URL", type=_url,
                   help="override base_url from newsgen.yaml")
    b.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                   help="worker processes (default: the number of cores)")
    b.add_argument("--cache-dir", metavar="DIR",
                   help="the build cache folder (default: SITE/.newsgen-cache)")
    b.add_argument("--changes", metavar="FILE",
                   help="append changed=true|false (whether the output differs from the "
                        "last build's) and digest=… to FILE, e.g. \"$GITHUB_OUTPUT\"")
    volume = b.add_mutually_exclusive_group()
    volume.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    volume.add_argument("-v", "--verbose", action="store_true", help="print more detail")

    c = sub.add_parser("check", help="validate everything, write nothing")
    _site_arg(c)
    c.add_argument("--drafts", action="store_true", help="check drafts as published")
    c.add_argument("--future", action="store_true", help="check future articles as published")
    c.add_argument("--now", metavar="TIME", type=_time, help="check as if it were TIME")
    c.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    c.add_argument("--list-held", action="store_true",
                   help="list the drafts and scheduled articles a build leaves out")
    c.add_argument("--old-sitemap", metavar="FILE",
                   help="check that every URL of an old site's sitemap (or a list of URLs, "
                        "one a line) is a page or a redirect of the new build")

    s = sub.add_parser("serve", help="build and serve the site locally, with live reload")
    _site_arg(s)
    s.add_argument("--watch", action="store_true",
                   help="rebuild when sources change and reload open pages")
    s.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default: 127.0.0.1, this machine only)")
    s.add_argument("--port", type=_port, default=8000, help="the port (default: 8000)")
    s.add_argument("--drafts", action="store_true", help="include drafts")
    s.add_argument("--future", action="store_true", help="include articles dated in the future")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.add_argument("--poll", action="store_true",
                   help="watch by polling instead of file system events")

    n = sub.add_parser("new", help="write a new draft article")
    n.add_argument("title", metavar="TITLE", help="the headline")
    n.add_argument("--section", required=True, metavar="S", help="the section (slug or title)")
    n.add_argument("--lang", metavar="L", help="the article's language (default: the site's)")
    _site_arg(n)

    i = sub.add_parser("init", help="create a new site that builds at once")
    i.add_argument("dir", metavar="DIR", help="the folder to create (must be new or empty)")

    m = sub.add_parser("import", help="make a newsgen site of a Hugo or Jekyll site")
    m.add_argument("kind", choices=("hugo", "jekyll"), help="the old site's generator")
    m.add_argument("src", metavar="SRC", help="the old site's folder (only read)")
    m.add_argument("dest", metavar="DEST", help="the new site's folder (must be new or empty)")
    m.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return parser


def _import(args: argparse.Namespace) -> int:
    """`newsgen import hugo|jekyll SRC DEST`: warnings as `path:line: warning:` (paths in
    SRC), then a summary; exit 1 only when the import cannot start or stops."""
    with interrupts_held():  # (a stop inside an import's exec ends Python by its signal)
        from newsgen.migrate import ImportRefused, run_import, summary

    reporter = Reporter()
    try:
        result = run_import(args.kind, Path(args.src), Path(args.dest), reporter)
    except ImportRefused as exc:
        print(f"newsgen: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"newsgen: error: {exc.filename or args.dest}: {exc.strerror}; the import "
              "stopped", file=sys.stderr)
        return 1
    reporter.print(warnings=not args.quiet)
    if not args.quiet:
        print(summary(result, args.dest), file=sys.stderr)
    return 0


def _no_site(args: argparse.Namespace, argv: Sequence[str]) -> str | None:
    """Why the site folder is no site (neither newsgen.yaml nor content/), or None."""
    folder = Path(args.site)
    if (folder / "newsgen.yaml").exists() or (folder / "content").is_dir():
        return None
    given = any(a in ("-s", "--site") or a.startswith(("--site=", "-s")) for a in argv)
    if not given:
        return (f"no site here: {os.path.abspath(folder)} has neither newsgen.yaml nor "
                "content/; run it in a site folder or pass -s SITE")
    return (f"no site in {args.site}: it has neither newsgen.yaml nor content/ (newsgen init "
            f"{args.site} makes one)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.command in ("build", "check", "serve", "new"):
        problem = _no_site(args, argv)
        if problem is not None:  # a usage error: nothing is read or written
            print(f"newsgen: error: {problem}", file=sys.stderr)
            return 2
    try:
        if args.command in ("build", "check"):
            return _build(args, write=args.command == "build")
        if args.command == "serve":
            from newsgen.dev.server import serve

            options = BuildOptions(site=Path(os.path.abspath(args.site)), drafts=args.drafts,
                                   future=args.future)
            return serve(options, args.host, args.port, watch=args.watch,
                         open_browser=args.open, polling=args.poll)
        if args.command == "new":
            return _new(args)
        if args.command == "init":
            return _init(args)
        if args.command == "import":
            return _import(args)
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM in `build` and `check`
        message, code = stopped(stop)
        print(message, file=sys.stderr)
        return code
    parser.error(f"unknown command {args.command}")  # pragma: no cover


def _build(args: argparse.Namespace, *, write: bool) -> int:
    stop_on_sigterm()  # a CI job cancelled: stopped as by Ctrl-C
    site = Path(os.path.abspath(args.site))
    output = getattr(args, "output", None)
    if output is not None and not output.strip():
        print("newsgen: error: -o/--output is empty; name an output folder", file=sys.stderr)
        return 2
    cache = getattr(args, "cache_dir", None)
    options = BuildOptions(
        site=site,
        output=Path(os.path.expanduser(output)) if output is not None else None,
        drafts=args.drafts,
        future=args.future,
        now=args.now,
        base_url=getattr(args, "base_url", None),
        jobs=getattr(args, "jobs", None),
        cache_dir=Path(os.path.abspath(cache)) if cache else site / ".newsgen-cache",
        write=write,
        one_shot=True,
        digest=bool(getattr(args, "changes", None)),
        changes=Path(args.changes) if getattr(args, "changes", None) else None,
    )
    reporter = Reporter()
    quiet = bool(getattr(args, "quiet", False))
    verbose = bool(getattr(args, "verbose", False))
    changes = getattr(args, "changes", None)
    if changes:  # a report that cannot be written must stop the build before it publishes
        try:
            with open(changes, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            print(f"newsgen: error: --changes {changes}: {exc.strerror}; nothing was written",
                  file=sys.stderr)
            return 1
    outcome = attempt(options, reporter)
    result = outcome.result
    if result is None:
        reporter.print(warnings=not quiet)
        print(f"newsgen: {outcome.failure}", file=sys.stderr)
        if outcome.detail and verbose:
            print(outcome.detail.rstrip(), file=sys.stderr)
        elif outcome.detail:
            last = outcome.detail.strip().splitlines()[-1]
            print(f"  {last}\n  run with -v for the full traceback", file=sys.stderr)
        return 1
    reporter.print(warnings=not quiet)
    if result.unreported is not None:  # (written by the build, before it kept the digest)
        print(f"newsgen: error: --changes {changes}: {result.unreported}; the output was "
              "published, and the next build reports it as changed", file=sys.stderr)
        return 1
    if verbose and result.stages:
        print("newsgen: " + ", ".join(f"{name} {seconds:.2f}s"
                                      for name, seconds in result.stages.items()),
              file=sys.stderr)
    if verbose and result.from_rows:
        print(f"newsgen: only articles' words changed: {count(result.from_rows, 'page')} "
              "made from the last build's rows", file=sys.stderr)
    elif verbose and result.whole:
        print(f"newsgen: linked every article: {result.whole}", file=sys.stderr)
    if getattr(args, "list_held", False):
        for h in result.held:
            what = "draft" if h.reason == "draft" else f"{h.reason} " \
                f"{'on' if h.reason == 'expired' else 'for'} {h.date:%Y-%m-%d %H:%M}"
            print(f"{h.source}: {what}: {h.title}")
    old = getattr(args, "old_sitemap", None)
    status = _old_urls(old, result, options, quiet) if old else 0
    if not quiet:
        print(_summary(result, options, reporter, write=write, old_urls_failed=bool(status)),
              file=sys.stderr)
    if result.interrupted:
        print(too_late(), file=sys.stderr)
    return status


def _old_urls(path: str, result: BuildResult, options: BuildOptions, quiet: bool) -> int:
    """`check --old-sitemap`: each old URL that is neither a page nor a redirect, an error."""
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8-sig")
    except OSError as exc:
        print(f"newsgen: error: --old-sitemap {path}: {exc.strerror}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        print(f"{path}:{line}: error: not UTF-8 text (save the sitemap or list as UTF-8); "
              "nothing was checked", file=sys.stderr)
        return 1
    from newsgen.parse import oldurls

    try:
        urls, is_index = oldurls.read(text)
    except oldurls.Unreadable as exc:
        where = f"{path}:{exc.line}" if exc.line else path
        print(f"{where}: error: {exc}; nothing was checked", file=sys.stderr)
        return 1
    if is_index:
        print(f"{path}: error: this is a sitemap index; give one of the sitemaps it lists "
              "(or all their URLs in one file)", file=sys.stderr)
        return 1
    base_path = result.site.config.base_path if result.site is not None else "/"
    counts = oldurls.Match()
    missing = 0
    for old, message in oldurls.unanswered(urls, base_path, result.outputs, counts):
        missing += 1
        print(f"{path}:{old.line}: error: {message}", file=sys.stderr)
    if not quiet or missing:
        print(f"newsgen: {count(len(urls), 'old URL')}: {count(counts.pages, 'page')}, "
              f"{count(counts.redirects, 'redirect')}, {count(counts.files, 'file')}, "
              f"{missing:,} missing", file=sys.stderr)
    return 1 if missing else 0


def _new(args: argparse.Namespace) -> int:
    from newsgen.scaffold import ScaffoldError, new_article

    site = Path(os.path.abspath(args.site))
    reporter = Reporter()
    config = load_config(site, reporter)
    if reporter.failed:
        reporter.print()
        return 1
    try:
        path = new_article(config, args.title, args.section, args.lang,
                           datetime.now(config.tz))
    except ScaffoldError as exc:
        print(f"newsgen: error: {exc}", file=sys.stderr)
        return 1
    print(path.relative_to(site).as_posix())
    return 0


def _init(args: argparse.Namespace) -> int:
    from newsgen.scaffold import ScaffoldError, init_site

    target = Path(os.path.abspath(args.dir))
    try:
        init_site(target, datetime.now(UTC))
    except ScaffoldError as exc:
        print(f"newsgen: error: {exc}", file=sys.stderr)
        return 1
    print(f"newsgen: created a new site in {args.dir}; build it with: "
          f"newsgen build -s {args.dir}")
    return 0


def _summary(result: BuildResult, options: BuildOptions, reporter: Reporter,
             *, write: bool, old_urls_failed: bool = False) -> str:
    warnings = count(len(reporter.warnings), "warning")
    if not write:
        them = " in them" if old_urls_failed else ""  # the articles passed, old URLs not
        verdict = f"no errors{them}, {warnings}" if reporter.warnings else f"no problems{them}"
        failed = "; the old-URL check failed (above)" if old_urls_failed else ""
        return (f"newsgen: checked {count(result.articles + len(result.held), 'article')}: "
                f"{verdict}{left_out(result)}{failed}")
    where = str(options.output_dir)
    try:
        relative = os.path.relpath(options.output_dir)
        if not relative.startswith(".."):
            where = relative
    except ValueError:  # pragma: no cover - another drive on Windows
        pass
    if result.nothing_changed:
        text = (f"newsgen: nothing changed: {count(result.pages, 'page')} and "
                f"{count(result.files, 'file')} in {where} are up to date "
                f"({result.seconds:.2f}s, {warnings}){left_out(result)}")
    else:
        text = (f"newsgen: built {count(result.pages, 'page')} and "
                f"{count(result.files, 'file')} into {where} ({result.written} written, "
                f"{result.unchanged} unchanged) in {result.seconds:.2f}s, {warnings}"
                f"{left_out(result)}")
    if result.output_changed is False:
        text += "\nnewsgen: the output is the same as the last build's: nothing to publish"
    if result.next_embargo is not None:
        due = result.next_embargo.isoformat(timespec="minutes")
        publishes = any(h.reason == "scheduled" and h.date == result.next_embargo
                        for h in result.held)
        if publishes and not options.future:
            text += f"\nnewsgen: the next scheduled article is due at {due}; build again then"
        elif not publishes:
            text += (f"\nnewsgen: the next article leaves the site (expirydate) at {due}; "
                     "build again then")
    return text
