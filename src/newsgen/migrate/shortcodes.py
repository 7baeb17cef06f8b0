"""What Hugo's built-in shortcodes and Jekyll's highlight blocks become in newsgen:
Markdown where Markdown can say it (an image, a link, a code fence, a quote), raw HTML
where it cannot (a captioned figure, a video player)."""

from __future__ import annotations

import html
import re

_ARG = re.compile(r"""\s*(?:([\w-]+)\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|'[^']*'|[^\s"'`]+)""")

# Hugo shortcodes that are a box of text: a quote that starts with their kind in bold.
ADMONITIONS = ("note", "notice", "tip", "hint", "info", "warning", "caution", "important",
               "danger", "alert", "callout", "admonition", "attention", "error", "success",
               "example", "quote", "abstract", "question", "todo", "bug", "details")
PAIRED = ("highlight", *ADMONITIONS)
# Hugo's own shortcodes that are converted, and the named parameters each reads: a site that
# redefines one (`layouts/shortcodes/figure.html`) may read others (a theme's `library`)
_VIDEO = frozenset({"id", "class", "title", "loading", "allowfullscreen", "autoplay",
                    "controls", "end", "mute", "start", "loop"})
BUILT_IN = {"figure": frozenset({"src", "link", "target", "rel", "alt", "title", "caption",
                                 "class", "height", "width", "attr", "attrlink", "loading"}),
            "youtube": _VIDEO, "vimeo": _VIDEO, "tweet": frozenset({"user", "id"}),
            "x": frozenset({"user", "id"}), "instagram": frozenset({"id", "hidecaption"}),
            "gist": frozenset(), "param": frozenset({"name"}),
            "ref": frozenset({"path", "lang", "outputformat"}),
            "relref": frozenset({"path", "lang", "outputformat"}),
            "highlight": frozenset(), "twitter": frozenset({"user", "id"}),
            "details": frozenset({"summary", "open", "class", "name", "title"})}
BUILT_IN.update({f"{name}_simple": BUILT_IN[name]
                 for name in ("youtube", "vimeo", "tweet", "twitter", "x", "instagram")})


def parse_args(text: str) -> tuple[list[str], dict[str, str]]:
    """A shortcode's positional and named arguments, unquoted."""
    positional: list[str] = []
    named: dict[str, str] = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _ARG.match(text, pos)
        if m is None or m.end() == pos:
            break
        raw = m.group(2)
        if raw[:1] == '"':
            value = re.sub(r'\\(.)', r"\1", raw[1:-1])
        elif raw[:1] in "`'":
            value = raw[1:-1]
        else:
            value = raw
        if m.group(1):
            named[m.group(1).lower()] = value
        else:
            positional.append(value)
        pos = m.end()
    return positional, named


def attr(value: str) -> str:
    return html.escape(value, quote=True)


def fence(lang: str, code: str) -> str:
    """A code fence long enough for any backticks the code holds."""
    longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=2)
    mark = "`" * max(3, longest + 1)
    code = code.strip("\n")
    lang = re.sub(r"[^\w+#.-]", "", lang)
    return f"{mark}{lang}\n{code}\n{mark}"


def figure(positional: list[str], named: dict[str, str]) -> str | None:
    """Hugo's figure (and img/image shortcodes of themes): a Markdown image, or an HTML
    <figure> with its caption."""
    src = named.get("src") or (positional[0] if positional else "")
    if not src:
        return None
    alt = named.get("alt") or (positional[1] if len(positional) > 1 else "")
    title = named.get("title") or named.get("summary", "")
    caption = named.get("caption", "")
    link = named.get("link", "")
    if not title and not caption:
        image = f"![{_md_text(alt)}]({_md_url(src)})"
        return f"[{image}]({_md_url(link)})" if link else image
    img = f'<img src="{attr(src)}" alt="{attr(alt)}">'
    if link:
        img = f'<a href="{attr(link)}">{img}</a>'
    parts = []
    if title:
        parts.append(f"<strong>{html.escape(title)}</strong>")
    if caption:
        parts.append(caption)  # Hugo renders it as Markdown; HTML in it is kept
    return f"<figure>\n{img}\n<figcaption>{' '.join(parts)}</figcaption>\n</figure>"


def _md_text(text: str) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", text)


def _md_url(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def video(name: str, positional: list[str], named: dict[str, str]) -> str | None:
    """YouTube (privacy-enhanced, youtube-nocookie.com) or Vimeo as a responsive player."""
    name = name.removesuffix("_simple")
    ident = named.get("id") or (positional[0] if positional else "")
    if not re.fullmatch(r"[\w-]{1,64}", ident):
        return None
    if name == "youtube":
        src = f"https://www.youtube-nocookie.com/embed/{ident}"
        if (start := named.get("start", "")).isdigit():
            src += f"?start={start}"
        title = named.get("title") or "YouTube video"
    else:
        src = f"https://player.vimeo.com/video/{ident}?dnt=1"
        title = named.get("title") or "Vimeo video"
    return (f'<div class="video">\n<iframe src="{attr(src)}" title="{attr(title)}" '
            'style="width:100%;aspect-ratio:16/9;border:0" loading="lazy" '
            'allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; '
            'picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" '
            "allowfullscreen></iframe>\n</div>")


def social(name: str, positional: list[str], named: dict[str, str]) -> str | None:
    """tweet/x, instagram and gist: a link to the post."""
    name = name.removesuffix("_simple")
    if name in ("tweet", "twitter", "x"):
        user = named.get("user", "")
        ident = named.get("id") or (positional[-1] if positional else "")
        if not user and len(positional) == 2:
            user = positional[0]
        if not ident.isdigit():
            return None
        if user:
            return f"[A post by @{user} on X](https://x.com/{user}/status/{ident})"
        return f"[A post on X](https://x.com/i/status/{ident})"
    if name == "instagram":
        ident = named.get("id") or (positional[0] if positional else "")
        if not re.fullmatch(r"[\w-]+", ident):
            return None
        return f"[A post on Instagram](https://www.instagram.com/p/{ident}/)"
    if name == "gist":
        user = named.get("user") or (positional[0] if positional else "")
        ident = named.get("id") or (positional[1] if len(positional) > 1 else "")
        file = named.get("file") or (positional[2] if len(positional) > 2 else "")
        if not re.fullmatch(r"[\w-]+", user) or not re.fullmatch(r"[\w-]+", ident):
            return None
        what = f"{user}/{ident}" + (f" ({file})" if file else "")
        return f"[Gist {_md_text(what)}](https://gist.github.com/{user}/{ident})"
    return None


_GENERIC = ("admonition", "callout", "alert", "notice")


def admonition(name: str, positional: list[str], named: dict[str, str], inner: str) -> str:
    """A note, tip or warning box as a quote: `> **Note:** …`, or `> **Tip: Title**` on a
    line of its own, then a blank quoted line (so a table or a list after it is one)."""
    kind, rest_args = name, positional
    if name in _GENERIC:
        kind = named.get("type") or (positional[0] if positional else "note")
        rest_args = positional[1:] if not named.get("type") else positional
    label = kind.replace("-", " ").replace("_", " ").strip().capitalize() or "Note"
    title = named.get("title") or named.get("summary", "")
    if not title and rest_args:
        title = rest_args[0]
    head = f"**{label}: {title}**" if title else f"**{label}:**"
    lines = inner.strip("\n").split("\n") if inner.strip() else []
    if lines and not title and not re.match(r"[ \t]*(```|~~~|#|>|[-*+] |\d+[.)] |\||<)",
                                            lines[0]):
        first = f"> {head} {lines[0].lstrip()}"
        rest = lines[1:]
    else:
        first = f"> {head}"
        rest = [""] + lines if lines else []
    return "\n".join([first, *(f"> {line}" if line.strip() else ">" for line in rest)])
