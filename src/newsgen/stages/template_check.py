"""Checks of the site's own templates beyond rendering them: their syntax and encoding
problems for a build that stops before it renders (a `newsgen.yaml` that cannot be
read), so that every error is still said in one run; and whether an article page made
with them keeps the hooks the contract promises (custom templates may change the look,
not these), checked on one sample page per build."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path

import jinja2
from jinja2 import nodes

from newsgen.errors import Reporter, did_you_mean
from newsgen.parse.markup import live_parts
from newsgen.stages.kinds import Page
from newsgen.stages.render import Renderer, make_environment
from newsgen.stages.snapshot import MISSING_MACRO, TemplateEncodingError, exported


def check_templates(root: Path, names: Iterable[str], reporter: Reporter) -> None:
    """Compile each of `names` (paths under the site: `templates/base.html`)."""
    env = make_environment(root)
    for rel in names:
        name = rel[len("templates/"):]
        if not name.endswith((".html", ".xml", ".txt", ".j2")):
            continue
        try:
            env.get_template(name)
        except TemplateEncodingError as exc:
            reporter.error(rel, exc.lineno or None, exc.message or "not UTF-8 text")
        except jinja2.TemplateSyntaxError as exc:
            reporter.error(rel, exc.lineno, f"template syntax: {exc.message}")
        except (jinja2.TemplateError, OSError):
            continue  # said when a page is rendered (a missing include: by its page)


# What an article page has in the built-in theme, by what a reader or a crawler loses
# without it: (name in the warning, pattern, needed only when the entry has …)
_HOOKS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (name, re.compile(pattern), when) for name, pattern, when in (
        ('<html lang="…">', r"""<html\b[^>]*\blang=["']?[^"'\s>]""", ""),
        ("<h1> with the title", r"<h1[\s>]", ""),
        ('<time datetime="…">', r"""<time\b[^>]*\bdatetime=["']?[^"'\s>]""", ""),
        ("the body inside <article>", r"<article[\s>]", ""),
        ('<aside class="read-also">',
         r"""<aside\b[^>]*\bclass=["']?[^"'>]*\bread-also\b""", "read_also"),
        ('<link rel="canonical">', r"""<link\b[^>]*\brel=["']?canonical\b""", ""),
        ("OpenGraph tags", r"""<meta\b[^>]*\bproperty=["']?og:""", ""),
        ("JSON-LD of type NewsArticle", r'application/ld\+json[^<]*"@type": ?"NewsArticle"',
         ""),
        ('<link rel="alternate" hreflang="…">', r"<link\b[^>]*\bhreflang=", "translations"),
    ))
# The built-in template that makes each hook (the others: article.html's)
_MAKERS = {'<html lang="…">': "templates/base.html", '<link rel="canonical">':
           "templates/base.html", '<link rel="alternate" hreflang="…">': "templates/base.html",
           '<aside class="read-also">': "templates/read_also.html"}
# The site's templates that make an article page, the one to blame first.
_ARTICLE_TEMPLATES = ("templates/article.html", "templates/base.html",
                      "templates/read_also.html", "templates/macros.html")


def missing_hooks(renderer: Renderer, pages: Iterable[Page], own: Collection[str],
                  reporter: Reporter) -> None:
    """With the site's own article.html, base.html, read_also.html or macros.html (`own`:
    the site's files), one article page rendered (one with read-also items and
    translations when there is one) and a warning naming what it lacks of the hooks."""
    blamed = next((t for t in _ARTICLE_TEMPLATES if t in own), None)
    if blamed is None:
        return
    sample: Page | None = None
    for page in pages:
        if page.kind == "article" and page.entry is not None:
            score = bool(page.entry.read_also) + bool(page.entry.translations)
            if sample is None or score > bool(sample.entry and sample.entry.read_also) + bool(
                    sample.entry and sample.entry.translations):
                sample = page
            if score == 2:
                break
    if sample is None or sample.entry is None:
        return
    try:
        text = renderer.render(sample).decode("utf-8", errors="replace")
    except Exception:  # noqa: BLE001 - the page's own render says what failed
        return
    entry = sample.entry
    lacks = [name for name, pattern, when in _HOOKS
             if (not when or getattr(entry, when)) and pattern.search(text) is None]
    body = str(renderer.ctx.article(entry).body).strip()[:80]
    at = text.find(body) if body else -1  # the body where the page shows it: in <article>
    opened = text.rfind("<article", 0, at) if at >= 0 else -1
    if body and "the body inside <article>" not in lacks and (
            opened < 0 or "</article>" in text[opened:at]):
        lacks.append("the body inside <article>")
    shown = "".join(part for part, markup in live_parts(text) if markup)  # not in <pre>
    if len(re.findall(r"<h1[\s>]", shown)) > 1:
        lacks.append("one <h1> only")
    by_file: dict[str, list[str]] = {}  # each lack at the site's template that makes it
    for lack in lacks:
        maker = _MAKERS.get(lack, "templates/article.html")
        by_file.setdefault(maker if maker in own else blamed, []).append(lack)
    for rel, missed in by_file.items():
        name = rel.removeprefix("templates/")
        reporter.warning(rel, None, f"article pages made with the site's templates lack "
                         f"{', '.join(missed)} (/{sample.path} for one): the built-in theme's "
                         "have them, for readers and search engines; keep them (" + (
                             f'extend "builtin/{name}" and call super() in the blocks you '
                             "replace)" if name in ("article.html", "base.html") else
                             f'start from the built-in {name}, or include '
                             f'"builtin/{name}")'))


def site_templates(env: jinja2.Environment, own: Collection[str], reporter: Reporter) -> None:
    """What rendering would say late, wrongly placed or never, of the site's own
    templates: a macro its macros.html lacks, a block that no parent has (a typo: never
    shown), half a character in a string (it fails the page's encoding). Each template
    is parsed once for all of these."""
    parsed: _Parsed = {}
    missing_macros(env, own, reporter, parsed)
    for rel in sorted(r for r in own if r.startswith("templates/")):
        module = _parse(env, rel[len("templates/"):], parsed)
        if module is None:
            continue  # said when a page is rendered, or by check_templates
        _unknown_blocks(env, rel, module, reporter, parsed)
        _unknown_imports(env, rel, module, reporter, parsed)
        escaped = {id(f.node) for f in module.find_all(nodes.Filter) if f.name == "tojson"}
        for const in module.find_all(nodes.Const):  # (`|tojson` writes it as \\ud83d: fine)
            if isinstance(const.value, str) and id(const) not in escaped and (
                    half := _SURROGATE.search(const.value)):
                reporter.error(rel, const.lineno, f"the string holds half a character "
                               f"(\\u{ord(half[0][0]):04x}, a UTF-16 surrogate), which no "
                               f"page can hold: write the character itself{_whole(half[0])}")


_Parsed = dict[str, "nodes.Template | None"]  # template name -> its syntax tree (None: none)


def _parse(env: jinja2.Environment, name: str, parsed: _Parsed) -> nodes.Template | None:
    """The syntax tree of the template `name`, parsed once a check; None when it cannot
    be read or parsed (said when a page is rendered)."""
    if name not in parsed:
        try:
            parsed[name] = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
        except (jinja2.TemplateError, OSError, UnicodeError):
            parsed[name] = None
    return parsed[name]


def _extends(module: nodes.Template) -> str | None:
    """The template that `module` extends, when it names one."""
    return next((n.template.value for n in module.body if isinstance(n, nodes.Extends)
                 and isinstance(n.template, nodes.Const)), None)


_SURROGATE = re.compile("[\ud800-\udbff][\udc00-\udfff]?|[\udc00-\udfff]")


def _whole(pair: str) -> str:
    """' (🔥, or \\U0001f525)' for a pair of surrogates written as two escapes."""
    if len(pair) != 2:
        return ""
    char = chr(0x10000 + ((ord(pair[0]) - 0xD800) << 10) + (ord(pair[1]) - 0xDC00))
    return f" ({char}, or \\U{ord(char):08x})"


def _unknown_blocks(env: jinja2.Environment, rel: str, module: nodes.Template,
                    reporter: Reporter, parsed: _Parsed) -> None:
    """A block of a template that extends another, which that one and its parents lack:
    a child shows only its parents' blocks, so its words are never shown."""
    parent = _extends(module)
    known = _called(module)  # (a block shown by `self.helpers()` is shown)
    seen: list[str] = []
    while isinstance(parent, str) and parent not in seen:
        seen.append(parent)
        above = _parse(env, parent, parsed)
        if above is None:
            return  # said when a page is rendered
        known.update(b.name for b in above.find_all(nodes.Block))
        known |= _called(above)
        parent = _extends(above)
    if not seen:
        return
    for block in module.body:
        if isinstance(block, nodes.Block) and block.name not in known:
            reporter.warning(rel, block.lineno, f"block '{block.name}' is not a block of "
                             f"{seen[0]}{' or of what it extends' if len(seen) > 1 else ''}"
                             f", so it is never shown{did_you_mean(block.name, known)}")


def _unknown_imports(env: jinja2.Environment, rel: str, module: nodes.Template,
                     reporter: Reporter, parsed: _Parsed) -> None:
    """A name that `{% from "x.html" import name %}` takes and x.html (with what it
    extends) does not define, which the template never uses: a warning on the import's
    line (one it uses fails the pages that use it, an error on that same line)."""
    used = {n.name for n in module.find_all(nodes.Name) if n.ctx == "load"}
    for node in module.find_all(nodes.FromImport):
        source = node.template.value if isinstance(node.template, nodes.Const) else None
        defined = exported(env, source) if isinstance(source, str) else None
        seen = [source]
        while defined is not None and (above := _parse(env, str(seen[-1]), parsed)) and (
                (parent := _extends(above)) is not None and parent not in seen):
            seen.append(parent)
            more = exported(env, parent)
            defined = defined | more if more is not None else None
        if defined is None:
            continue  # (one that cannot be read: said when a page is rendered)
        for item in node.names:
            name, alias = item if isinstance(item, tuple) else (item, item)
            if name not in defined and alias not in used:
                reporter.warning(rel, node.lineno, f"{source} has no macro or value "
                                 f"'{name}' to import{did_you_mean(name, defined)}")


def _called(module: nodes.Template) -> set[str]:
    """The blocks a template shows by name: `{{ self.helpers() }}`."""
    return {g.attr for g in module.find_all(nodes.Getattr)
            if isinstance(g.node, nodes.Name) and g.node.name == "self"}


def missing_macros(env: jinja2.Environment, own: Collection[str], reporter: Reporter,
                   parsed: _Parsed | None = None) -> None:
    """With the site's own `macros.html`: each macro that a theme template the site keeps
    imports from it (`{% from "macros.html" import pager %}`), still calls (not only in
    blocks the site's template replaces without super()) and does not define, an error
    on that file, said once (rendering would blame the theme's templates, once per page
    kind)."""
    defined = exported(env, "macros.html", own=True) if "templates/macros.html" in own else None
    if defined is None:
        return
    parsed = {} if parsed is None else parsed
    needed: set[tuple[str, str]] = set()
    for name in sorted(env.list_templates(filter_func=lambda n: n.startswith("builtin/"))):
        kept = name[len("builtin/"):]
        theirs = f"templates/{kept}" in own
        mine = _parse(env, kept, parsed) if theirs else None
        if theirs and (mine is None or not any(
                isinstance(n.template, nodes.Const) and n.template.value == name
                for n in mine.find_all(nodes.Extends))):
            continue  # (the site's own replaces it; one that extends it keeps its imports)
        module = _parse(env, name, parsed)
        if module is None:
            continue
        # the blocks the site's template replaces without super(): what they call is gone
        replaced = {b.name for b in mine.find_all(nodes.Block) if not any(
            n.name == "super" for n in b.find_all(nodes.Name))} if mine is not None else set()
        gone = {id(n) for b in module.find_all(nodes.Block) if b.name in replaced
                for n in b.find_all(nodes.Name)}
        called = {n.name for n in module.find_all(nodes.Name) if id(n) not in gone}
        for node in module.find_all(nodes.FromImport):
            if isinstance(node.template, nodes.Const) and node.template.value == "macros.html":
                for item in node.names:
                    macro = item[0] if isinstance(item, tuple) else item
                    if macro not in defined and macro in called:
                        needed.add((macro, kept))
    for macro, user in sorted(needed):  # (as a render that finds it says it: said once)
        reporter.error("templates/macros.html", None, MISSING_MACRO.format(name=macro,
                                                                           user=user))
