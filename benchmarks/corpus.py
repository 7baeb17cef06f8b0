"""A deterministic synthetic news corpus, written as a newsgen, a Hugo and a Pelican site.

    python benchmarks/corpus.py 10000 benchmarks/out/corpus-10000

The same seed always gives the same bytes: 8 sections, dates spread over three
years, 300-900-word bodies with headings, lists, links, emphasis, quotes, tables
and code, 2-4 tags from a vocabulary of 80, related references to earlier
articles, and some paragraphs (and titles) in Turkmen and Russian.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

SECTIONS = ["General", "Economy", "Politics", "Culture", "Sport", "Science", "World", "Region"]
WORDS = (
    "the minister said on tuesday that new port would open next year after talks with "
    "investors from several countries officials expect trade to grow while farmers in the "
    "western region reported a strong harvest despite a dry summer and rising prices for fuel "
    "council approved budget for schools roads and hospitals residents welcomed plan but "
    "critics warned about costs delays contractors engineers museum festival team coach match "
    "league season goals researchers university laboratory climate water energy solar gas "
    "railway station bridge market bazaar cotton wheat carpets history archive exhibition"
).split()
TK = ("Türkmenistanyň Prezidenti täze ýoluň açylyş dabarasyna gatnaşdy. Ýurduň ykdysadyýeti "
      "durnukly ösýär, daşary ýurt maýadarlary bilen gepleşikler dowam edýär.")
RU = ("Министр заявил во вторник, что новый порт откроется в следующем году после переговоров "
      "с инвесторами из нескольких стран.")
TAGS = [f"topic-{i:02d}" for i in range(70)] + [
    "energy", "transport", "football", "heritage", "trade", "health", "education",
    "climate", "tourism", "technology",
]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}](https://example.org/{words[i]})"
    return " ".join(words) + "."


def body(rng: random.Random, words: int) -> str:
    parts: list[str] = []
    count = 0
    while count < words:
        roll = rng.random()
        if roll < 0.08 and parts:
            parts.append("## " + sentence(rng, rng.randint(3, 6)).rstrip("."))
        elif roll < 0.14:
            parts.append("\n".join(f"- {sentence(rng, rng.randint(4, 9))}" for _ in range(3)))
            count += 20
        elif roll < 0.17:
            parts.append("> " + sentence(rng, rng.randint(10, 20)))
            count += 15
        elif roll < 0.19:
            parts.append("| Item | Value |\n| --- | --- |\n" + "\n".join(
                f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} |" for _ in range(3)))
            count += 10
        elif roll < 0.20:
            parts.append("```\nprice = quantity * rate\n```")
        elif roll < 0.25:
            parts.append(rng.choice([TK, RU]))
            count += 20
        else:
            sentences = [sentence(rng, rng.randint(8, 22)) for _ in range(rng.randint(2, 5))]
            parts.append(" ".join(sentences))
            count += sum(len(s.split()) for s in sentences)
    return "\n\n".join(parts) + "\n"


def articles(n: int, seed: int = 20241218) -> list[dict[str, object]]:
    rng = random.Random(seed)
    start = datetime(2022, 1, 1, 6, 0, tzinfo=timezone(timedelta(hours=5)))
    span = 3 * 365 * 24 * 60  # minutes in three years
    out: list[dict[str, object]] = []
    minutes = sorted(rng.randrange(span) for _ in range(n))
    for i in range(n):
        r = random.Random(seed * 1_000_003 + i)
        section = SECTIONS[r.randrange(len(SECTIONS))]
        title = sentence(r, r.randint(5, 11)).rstrip(".").replace("**", "")
        title = title.split("](")[0].replace("[", "")
        if r.random() < 0.05:
            title = f"Türkmenistanyň täzelikleri: {title}"
        elif r.random() < 0.05:
            title = f"Новости: {title}"
        tags = r.sample(TAGS, r.randint(2, 4))
        related = [f"a{j:06d}" for j in sorted({r.randrange(i) for _ in range(2)})] \
            if i > 10 and r.random() < 0.4 else []
        out.append({
            "slug": f"a{i:06d}",
            "title": title,
            "date": start + timedelta(minutes=minutes[i]),
            "section": section,
            "tags": tags,
            "author": f"Reporter {r.randint(1, 40)}",
            "related": related,
            "body": body(r, r.randint(300, 900)),
        })
    return out


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_articles(target: Path, items: list[dict[str, object]],
                    render: Callable[[dict[str, object]], str]) -> None:
    """One file per article, in content/<section>/<slug>.md, in each tool's own format."""
    (target / "content").mkdir(parents=True, exist_ok=True)
    for a in items:
        folder = target / "content" / str(a["section"]).lower()
        folder.mkdir(exist_ok=True)
        (folder / f"{a['slug']}.md").write_text(render(a), encoding="utf-8")


def _newsgen_article(a: dict[str, object]) -> str:
    related = "".join(f"\n  - {ref}" for ref in a["related"])  # type: ignore[attr-defined]
    return (f"---\ntitle: {_yaml_str(str(a['title']))}\n"
            f"date: {a['date'].isoformat()}\n"  # type: ignore[attr-defined]
            f"section: {a['section']}\ntags: [{', '.join(a['tags'])}]\n"  # type: ignore[arg-type]
            f"author: {a['author']}\n"
            + (f"related:{related}\n" if related else "")
            + f"---\n\n{a['body']}")


def write_newsgen(target: Path, items: list[dict[str, object]]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "newsgen.yaml").write_text(
        "title: Benchmark News\nbase_url: https://bench.example/\ntimezone: Asia/Ashgabat\n"
        "per_page: 20\nread_also: {limit: 6, fill: true}\n", encoding="utf-8")
    _write_articles(target, items, _newsgen_article)


HUGO_CONFIG = """baseURL = "https://bench.example/"
title = "Benchmark News"
[taxonomies]
  tag = "tags"
  author = "authors"
[pagination]
  pagerSize = 20
paginate = 20
[markup.goldmark.renderer]
  unsafe = true
"""
HUGO_BASEOF = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }} — {{ .Site.Title }}</title></head>
<body><header><a href="/">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ .Content }}</article>
<aside class="read-also"><h2>Read also</h2><ul>
{{ $self := . }}{{ $n := 0 }}
{{ range first 7 .CurrentSection.RegularPages }}{{ if and (ne . $self) (lt $n 6) }}{{ $n = add $n 1 }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
</ul></aside>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range .Paginator.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Summary }}</p></article>{{ end }}
{{ with .Paginator }}{{ if .HasNext }}<a href="{{ .Next.URL }}">Older</a>{{ end }}{{ end }}
{{ end }}
"""


def _hugo_article(a: dict[str, object]) -> str:
    return (f"---\ntitle: {_yaml_str(str(a['title']))}\n"
            f"date: {a['date'].isoformat()}\n"  # type: ignore[attr-defined]
            f"tags: [{', '.join(a['tags'])}]\nauthors: [{a['author']}]\n"  # type: ignore[arg-type]
            f"slug: {a['slug']}\n---\n\n{a['body']}")


def write_hugo(target: Path, items: list[dict[str, object]]) -> None:
    layouts = target / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (target / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (layouts / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (target / "layouts" / "index.html").write_text(HUGO_LIST, encoding="utf-8")
    _write_articles(target, items, _hugo_article)


PELICAN_CONF = """AUTHOR = "Benchmark"
SITENAME = "Benchmark News"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Ashgabat"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 20
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
# Pelican's default page names collide ("reporter-1" page 2 is "reporter-12.html").
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
"""


def _pelican_article(a: dict[str, object]) -> str:
    return (f"Title: {a['title']}\n"
            f"Date: {a['date'].strftime('%Y-%m-%d %H:%M')}\n"  # type: ignore[attr-defined]
            f"Category: {a['section']}\nTags: {', '.join(a['tags'])}\n"  # type: ignore[arg-type]
            f"Author: {a['author']}\nSlug: {a['slug']}\n\n{a['body']}")


def write_pelican(target: Path, items: list[dict[str, object]]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    _write_articles(target, items, _pelican_article)


def write_all(n: int, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    items = articles(n)
    write_newsgen(target / "newsgen", items)
    write_hugo(target / "hugo", items)
    write_pelican(target / "pelican", items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    write_all(args.count, args.target)


if __name__ == "__main__":
    main()
