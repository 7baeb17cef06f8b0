"""Front matter and config fuzzing (hardening suite 1).

Hypothesis generates articles and configs, valid and broken: random YAML, wrong
types, BOM/CRLF/trailing spaces, missing or repeated delimiters, invalid UTF-8,
huge fields and alias bombs. Every run must end in a successful build or in
`path[:line]: error:` diagnostics (exit 1), never a traceback, a hang or a
partial output. CI runs 60 generated article sets and 100 configs; `-m slow` runs 2,000.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import build_here, tree_digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgen.errors import Reporter

DIAGNOSTIC = re.compile(r"^(content|newsgen\.yaml|templates|static)[^:]*(:\d+)?: "
                        r"(error|warning): .+")
FIELDS = ["title", "date", "section", "related", "slug", "tags", "author", "authors",
          "summary", "lang", "translation_key", "draft", "updated", "image", "kicker"]

scalar = st.one_of(
    st.sampled_from(["no", "yes", "~", "null", "10:00", "1:10", "0x1F", "1e3", "-", "''",
                     '""', "2024-12-18", "2024-13-45", "2024-12-18 10:30", "[]", "{}",
                     "!!python/object:os.system", "&a x", "*a", "|", ">", "@x", "`x`",
                     "%TAG", "'unterminated", '"bad \\q escape"', "https://example.org/",
                     "javascript:alert(1)", "../../etc/passwd", "..\\..\\x", "CON", "\t",
                     "Ýene-de okaň", "Новости", "🎉", "a" * 5000]),
    st.text(max_size=40),
    st.integers().map(str),
    st.booleans().map(str),
)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(["ref", "url", "title", "src", "alt", "x"]), inner,
                        max_size=3).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"),
    ),
    max_leaves=6,
)
front = st.dictionaries(st.sampled_from(FIELDS), value, max_size=10)

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8))


@st.composite
def article_bytes(draw: st.DrawFn) -> bytes:
    fields = draw(front)
    if draw(st.booleans()):  # usually keep a plausible core so deeper code runs
        fields.setdefault("title", "A title")
        fields.setdefault("date", "2024-12-18")
        fields.setdefault("section", "General")
    lines = [f"{k}: {v}" for k, v in fields.items()]
    if draw(st.integers(0, 20)) == 0:
        lines.append(BOMB)
    trailing = draw(st.sampled_from(["", " ", "\t", "  "]))
    opening = draw(st.sampled_from(["---", "---", "--- ", "----", "", "---\n---"]))
    closing = draw(st.sampled_from(["---", "---", "---  ", "", "...", "---\n---"]))
    body = draw(st.text(max_size=200))
    text = f"{opening}{trailing}\n" + "\n".join(lines) + f"\n{closing}\n{body}"
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    data = text.replace("\n", newline).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 10)) == 0:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + b"\xff\xfe\x80" + data[cut:]
    return data


config_text = st.dictionaries(
    st.sampled_from(["title", "base_url", "language", "languages", "timezone", "sections",
                     "per_page", "permalink", "read_also", "markdown", "feed", "images",
                     "strings", "params", "per_pgae", "bogus"]),
    value, max_size=6,
).map(lambda d: "\n".join(f"{k}: {v}" for k, v in d.items()) + "\n")


def run_build(site: Path) -> tuple[bool, Reporter]:
    started = time.monotonic()
    result, reporter = build_here(site, use_cache=False)
    ok = result is not None
    assert time.monotonic() - started < 20, "a build took too long"
    for d in reporter.diagnostics:
        assert DIAGNOSTIC.match(d.format()), d.format()
    if not ok:
        assert reporter.errors, "failed without an error message"
    return ok, reporter


def _site(tmp: Path, files: dict[str, bytes]) -> Path:
    site = tmp / "site"
    for rel, data in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return site


GOOD = b"---\ntitle: Good\ndate: 2024-12-01\nsection: General\n---\nGood.\n"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(articles=st.lists(article_bytes(), min_size=1, max_size=3))
def test_generated_articles_build_or_fail_cleanly(tmp_path_factory: pytest.TempPathFactory,
                                                  articles: list[bytes]) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    site = _site(tmp, {"content/general/good.md": GOOD})
    # A previous good output, which a failed build must leave exactly as it was.
    assert run_build(site)[0]
    before = tree_digest(site / "dist")
    for i, data in enumerate(articles):
        (site / f"content/general/f{i}.md").write_bytes(data)
    ok, _ = run_build(site)
    if not ok:
        assert tree_digest(site / "dist") == before
    else:
        assert (site / "dist/index.html").is_file()


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(config=config_text, bomb=st.booleans())
def test_generated_configs_build_or_fail_cleanly(tmp_path_factory: pytest.TempPathFactory,
                                                 config: str, bomb: bool) -> None:
    tmp = tmp_path_factory.mktemp("cfuzz")
    text = config + (BOMB if bomb else "")
    site = _site(tmp, {"content/general/good.md": GOOD,
                       "newsgen.yaml": text.encode("utf-8", "surrogatepass")})
    ok, reporter = run_build(site)
    if bomb:
        assert not ok  # an alias bomb, an unknown key or YAML that does not parse
    if not ok:
        assert not (site / "dist").exists()


@pytest.mark.slow
@pytest.mark.timeout(1800)  # 2,000 examples: about 300 s on a busy 2-core machine
@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(articles=st.lists(article_bytes(), min_size=1, max_size=3))
def test_generated_articles_long(tmp_path_factory: pytest.TempPathFactory,
                                 articles: list[bytes]) -> None:
    test_generated_articles_build_or_fail_cleanly.hypothesis.inner_test(  # type: ignore[attr-defined]
        tmp_path_factory, articles)


def test_alias_bomb_is_an_error_quickly(tmp_path: Path) -> None:
    site = _site(tmp_path, {"content/general/bomb.md": ("---\ntitle: x\ndate: 2024-12-01\n"
                                                        "section: G\n" + BOMB + "---\n").encode()})
    started = time.monotonic()
    ok, reporter = run_build(site)
    assert not ok and time.monotonic() - started < 5
    assert any("alias bomb" in d.message for d in reporter.errors)


def test_huge_fields_are_fine(tmp_path: Path) -> None:
    title = "word " * 20000
    site = _site(tmp_path, {"content/general/huge.md": (
        f"---\ntitle: {title}\ndate: 2024-12-01\nsection: General\ntags: ["
        + ", ".join(f"t{i}" for i in range(500)) + "]\n---\n" + "body " * 100000).encode()})
    ok, _ = run_build(site)
    assert ok
    slug_dirs = [p.name for p in (site / "dist/general").iterdir() if p.is_dir()]
    assert all(len(name) <= 100 for name in slug_dirs)


_FORMS = ("[a]({t})", '[a]({t} "T")', "<{t}>", 'href="{t}"', "src='{t}'", "[id]: {t}",
          "x {t} y", "[e]({e})", "&quot;{t}&quot;", "plain", "<a href={t}>",
          '<img srcset="{t} 1x, z.jpg 2x">', "[s](<{t}>)")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_FORMS), st.integers(0, 6)), min_size=1,
                max_size=20),
       st.lists(st.integers(0, 6), min_size=1, max_size=60))
def test_a_links_line_names_it(written: list[tuple[str, int]], linked: list[int]) -> None:
    """Whichever form a link is written in and however many links a body has (past 32
    they are found through an index), the line a message names holds the link."""
    import html as html_

    from newsgen.parse.body_lines import _ESCAPED, link_lines_of

    targets = [f"a_{i}.md" for i in range(7)]
    lines = [form.format(t=targets[i], e=targets[i].replace("_", "\\_")) for form, i in written]
    links = [targets[i] for i in linked]

    def holds(line: str, target: str) -> bool:
        return target in line or target in html_.unescape(_ESCAPED.sub(r"\1", line))

    for target, line in zip(links, link_lines_of(lines, links), strict=True):
        if any(holds(text, target) for text in lines):
            assert holds(lines[line], target)
    # written once each, as links: each on its own line
    once = [f"see [x]({t}) and" for t in reversed(targets * 6)]
    assert list(link_lines_of(once, [t for t in reversed(targets * 6)])) == list(range(42))
