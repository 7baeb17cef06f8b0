"""Every bad input of the contract's sections 5 and 6: exit status, the `path:line: error:`
message, and a previous output folder left byte-for-byte as it was."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from conftest import NOW, article, build_here, newsgen, tree_digest, write_site
from PIL import Image

from newsgen.parse.body_lines import TOO_DEEP, nesting_line

GOOD = {
    "content/general/one.md": article("One", "2024-12-10", "General", tags="[a, b]"),
    "content/general/two.md": article("Two", "2024-12-11", "General", tags="[a]"),
    "content/economy/three.md": article("Three", "2024-12-12", "Economy"),
}

# (file, its text, the expected error line as a regex)
CASES: dict[str, tuple[str, str | bytes, str]] = {
    "invalid date": (
        "content/general/visit.md",
        "---\ntitle: Visit\ndate: 2024-13-45\nsection: General\n---\nBody\n",
        r"^content/general/visit\.md:3: error: date: '2024-13-45' is not a date",
    ),
    "missing title": (
        "content/general/visit.md",
        "---\ndate: 2024-12-01\nsection: General\n---\nBody\n",
        r"^content/general/visit\.md:1: error: missing required field 'title'",
    ),
    "empty title": (
        "content/general/visit.md",
        "---\ntitle: ''\ndate: 2024-12-01\nsection: General\n---\nBody\n",
        r"^content/general/visit\.md:2: error: title: expected text",
    ),
    "title is a list": (
        "content/general/visit.md",
        "---\ntitle: [a, b]\ndate: 2024-12-01\nsection: General\n---\nBody\n",
        r"^content/general/visit\.md:2: error: title: expected text, got a list",
    ),
    "no front matter": (
        "content/general/visit.md",
        "Just a body\n",
        r"^content/general/visit\.md:1: error: no front matter",
    ),
    "unclosed front matter": (
        "content/general/visit.md",
        "---\ntitle: x\ndate: 2024-12-01\n",
        r"^content/general/visit\.md:1: error: front matter opened on line 1 is never closed",
    ),
    "front matter not a mapping": (
        "content/general/visit.md",
        "---\n- a\n- b\n---\nBody\n",
        r"^content/general/visit\.md: error: front matter is a list, not a mapping",
    ),
    "invalid yaml": (
        "content/general/visit.md",
        "---\ntitle: Visit\ndate: [2024\nsection: General\n---\nBody\n",
        r"^content/general/visit\.md:3: error: this list is never closed: end it with \']\' "
        r"on the same line",
    ),
    "duplicate key": (
        "content/general/visit.md",
        "---\ntitle: A\ntitle: B\ndate: 2024-12-01\nsection: General\n---\n",
        r"^content/general/visit\.md:3: error: 'title' is given twice, here and on line 2",
    ),
    "not utf-8": (
        "content/general/visit.md",
        "",  # replaced by bytes below
        r"^content/general/visit\.md:2: error: not UTF-8 text \(byte 0xff on this line\)",
    ),
    "missing related ref": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nrelated:\n  - no-such-story\n---\n",
        r"^content/general/visit\.md:6: error: related: no article 'no-such-story'",
    ),
    "javascript url in related": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nrelated:\n"
        "  - title: x\n    url: javascript:alert(1)\n---\n",
        r"^content/general/visit\.md:7: error: related\.url: 'javascript:' URLs are not allowed",
    ),
    "ftp string in related": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nrelated:\n  - ftp://x.org/a\n---\n",
        r"^content/general/visit\.md:6: error: related: 'ftp:' URLs are not allowed",
    ),
    "data url image": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nimage: data:text/html,hi\n---\n",
        r"^content/general/visit\.md:5: error: image: 'data:' URLs are not allowed",
    ),
    "missing image": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nimage: nope.jpg\n---\n",
        r"^content/general/visit\.md:5: error: image: no file content/general/nope\.jpg",
    ),
    "a control character written as an escape in front matter": (
        "content/general/visit.md",
        '---\ntitle: V\ndate: 2024-12-01\nsection: General\nsummary: "Bell \\a here"\n---\n',
        r"^content/general/visit\.md:5: error: the character U\+0007 \(a control character or "
        r"a noncharacter, pasted or written as an escape\) is not allowed: remove it$",
    ),
    "a control character in JSON front matter": (
        "content/general/visit.md",
        '{\n  "title": "V\\u009b",\n  "date": "2024-12-01",\n  "section": "General"\n}\n',
        r"^content/general/visit\.md:2: error: the character U\+009B \(a control character or "
        r"a noncharacter, pasted or written as an escape\) is not allowed: remove it$",
    ),
    "a control character in the body": (  # (it reached the pages, feeds and search)
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\nRed \x1b[31m text\n",
        r"^content/general/visit\.md:7: error: the character U\+001B \(a control character, "
        r"pasted or left by a tool\) is not allowed in the text: remove it$",
    ),
    "thousands of links never closed": (  # (Markdown took minutes, quietly)
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\nIntro.\n\n"
        + "[a](b " * 5000 + "\n\n```\n" + "[" * 5000 + "\n```\n",
        r"^content/general/visit\.md:9: error: this paragraph opens 5000 links or brackets "
        r"that it never closes \('\[' without '\]', or '\]\(' without '\)'\): Markdown's time "
        r"grows with the square of that",
    ),
    "an image saved as an article": (
        "content/general/visit.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        r"^content/general/visit\.md: error: this is not text but a PNG image: an article is "
        r"Markdown text \(rename it\)$",
    ),
    "UTF-16 without a byte-order mark": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\nBody\n".encode("utf-16-le"),
        r"^content/general/visit\.md: error: not UTF-8 text; it looks like UTF-16 without a "
        r"byte-order mark: save it as UTF-8$",
    ),
    "links never closed beside a pipe and an escaped backtick": (  # (no table, no code)
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\nPrice \\` "
        + "[a](b | c\n" * 3000 + "`\n",
        r"^content/general/visit\.md:7: error: this paragraph opens 3000 links or brackets",
    ),
    "a list as the image": (  # (Hugo's list of images is `images:`: its first is read)
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nimage: [a.png, b.png]\n---\n",
        r"^content/general/visit\.md:5: error: image: expected a path, a URL or \{src, alt, "
        r"caption, credit\}, got a list$",
    ),
    "an author mapping without its name": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nauthor: {url: https://x.org/}\n---\n",
        r"^content/general/visit\.md:5: error: author: an author written as a mapping needs "
        r"its `name:` \(`author: \{name: Ann Lee, url: …\}`\), or write the names: "
        r"`author: \[Ann Lee, Aman Orazov\]`$",
    ),
    "an article as the image": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nimage: one.md\n---\n",
        r"^content/general/visit\.md:5: error: image: content/general/one\.md is an article, "
        r"not an image$",
    ),
    "missing link target": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\nText\n\nSee [x](gone.md).\n",
        r"^content/general/visit\.md:9: error: link 'gone\.md': no file content/general/gone\.md",
    ),
    "link leaving content": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\nSee [x](../../newsgen.yaml).\n",
        r"^content/general/visit\.md:6: error: link '\.\./\.\./newsgen\.yaml' points outside",
    ),
    "same url": (
        "content/general/one-copy.md",
        "---\ntitle: Copy\ndate: 2024-12-01\nsection: General\nslug: one\n---\n",
        r"^content/general/one-copy\.md:5: error: same URL /general/one/ as "
        r"content/general/one\.md",
    ),
    "same url from the file names": (  # no slug to blame: the front matter, where one goes
        "content/general/more/one.md",
        "---\ntitle: Other\ndate: 2024-12-01\nsection: General\n---\n",
        r"^content/general/(more/)?one\.md:1: error: same URL /general/one/ as "
        r"content/general/(more/)?one\.md",
    ),
    "file name not utf-8": (
        os.fsdecode(b"content/general/caf\xe9.md"),
        "---\ntitle: Cafe\ndate: 2024-12-01\nsection: General\n---\n",
        r"^content/general/caf\\xe9\.md: error: the name is not UTF-8 text",
    ),
    "asset name not utf-8": (
        os.fsdecode(b"content/general/caf\xe9.txt"),
        "menu",
        r"^content/general/caf\\xe9\.txt: error: the name is not UTF-8 text",
    ),
    "template not utf-8": (
        "templates/home.html",
        b"{% extends 'builtin/home.html' %}\n{# caf\xe9 #}\n",
        r"^templates/home\.html:2: error: not UTF-8 text \(byte 0xe9 on this line\)",
    ),
    "alias on a feed": (  # the alias is the page general/feed.xml/index.html
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\naliases: [/general/feed.xml]\n---\n",
        r"^content/general/visit\.md:5: error: an alias of content/general/visit\.md needs "
        r"/general/feed\.xml/ as a folder, but the feed of section 'general' writes a file",
    ),
    "alias on a file": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\naliases: [/robots.txt]\n---\n",
        r"^content/general/visit\.md:5: error: an alias .* needs /robots\.txt/ as a folder",
    ),
    "bad draft value": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\ndraft: maybe\n---\n",
        r"^content/general/visit\.md:5: error: draft: expected true or false",
    ),
    "unknown lang": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nlang: de\n---\n",
        r"^content/general/visit\.md:5: error: lang: 'de' is not a language of this site",
    ),
    "config unknown key": (
        "newsgen.yaml",
        "title: X\nper_pgae: 10\n",
        r"^newsgen\.yaml:2: error: unknown key 'per_pgae'; did you mean 'per_page'\?",
    ),
    "config bad permalink": (
        "newsgen.yaml",
        "permalink: /../{slug}/\n",
        r"^newsgen\.yaml:1: error: permalink: must not contain '\.' or '\.\.' segments",
    ),
    "config permalink preset misspelt": (
        "newsgen.yaml",
        "permalink: jekyl\n",
        r"^newsgen\.yaml:1: error: permalink: 'jekyl' is no preset \(presets: jekyll, "
        r"jekyll-pretty, hugo\); did you mean 'jekyll'\?$",
    ),
    "config unknown section": (
        "newsgen.yaml",
        "sections:\n  - {slug: general, title: General}\n",
        r"^content/economy/three\.md:4: error: section: 'Economy' is not a section of this site",
    ),
    "config bad timezone": (
        "newsgen.yaml",
        "timezone: Mars/Olympus\n",
        r"^newsgen\.yaml:1: error: timezone: 'Mars/Olympus' is not an IANA time zone",
    ),
    "config timezone in the wrong case": (
        "newsgen.yaml",
        "timezone: Europe/berlin\n",
        r"^newsgen\.yaml:1: error: timezone: 'Europe/berlin' is not an IANA time zone "
        r"\(like 'UTC' or 'Asia/Ashgabat'\); did you mean 'Europe/Berlin'\?",
    ),
    # An offset is no zone: the nearest name by spelling moved every time by hours
    # ('Z' -> 'NZ', +13 h; 'UTC+5' -> 'UTC', -5 h).
    "config timezone as UTC's letter": (
        "newsgen.yaml",
        "timezone: Z\n",
        r"^newsgen\.yaml:1: error: timezone: 'Z' is not an IANA time zone but UTC's letter: "
        r"write 'UTC'$",
    ),
    "config timezone as an offset of whole hours": (
        "newsgen.yaml",
        "timezone: UTC+5\n",
        r"^newsgen\.yaml:1: error: timezone: 'UTC\+5' is not an IANA time zone but a fixed "
        r"offset: name the zone of the place whose time the site keeps \(like "
        r"'Asia/Tashkent' for \+05:00\), or write 'Etc/GMT-5' for \+05:00 all year \(an Etc "
        r"zone's sign is the reverse of the offset's\)$",
    ),
    "config timezone as an offset of half an hour": (
        "newsgen.yaml",
        "timezone: '+05:30'\n",
        r"^newsgen\.yaml:1: error: timezone: '\+05:30' is not an IANA time zone but a fixed "
        r"offset: name the zone of the place whose time the site keeps \(like "
        r"'Asia/Tashkent' for \+05:00\)$",
    ),
    "config timezone as an Etc offset of UTC": (  # (its hint was 'Etc/UTC': hours off)
        "newsgen.yaml",
        "timezone: Etc/UTC+5\n",
        r"^newsgen\.yaml:1: error: timezone: 'Etc/UTC\+5' is not an IANA time zone but a "
        r"fixed offset: .*or write 'Etc/GMT-5' for \+05:00 all year",
    ),
    "config timezone as a region": (  # a folder of the zone data: it crashed the check
        "newsgen.yaml",
        "timezone: Europe\n",
        r"^newsgen\.yaml:1: error: timezone: 'Europe' is a region of the IANA time zones, "
        r"not one: name the zone of a city in it, like 'Europe/Amsterdam'$",
    ),
    "config timezone as an offset no place keeps": (  # its hint's check recursed forever
        "newsgen.yaml",
        "timezone: UTC+15\n",
        r"^newsgen\.yaml:1: error: timezone: 'UTC\+15' is not an IANA time zone but an "
        r"offset that no place keeps \(\+15:00; offsets run from -12:00 to \+14:00\)$",
    ),
    "config timezone as an Etc zone that does not exist": (  # Etc's sign: -13:00
        "newsgen.yaml",
        "timezone: Etc/GMT+13\n",
        r"^newsgen\.yaml:1: error: timezone: 'Etc/GMT\+13' is not an IANA time zone but an "
        r"offset that no place keeps \(-13:00;",
    ),
    "config timezone as an offset with a minus sign": (  # U+2212, as Wikipedia writes it
        "newsgen.yaml",
        "timezone: GMT\u22123\n",
        r"^newsgen\.yaml:1: error: timezone: 'GMT\u22123' is not an IANA time zone but a fixed "
        r"offset: .*or write 'Etc/GMT\+3' for -03:00 all year",
    ),
    # An abbreviation is no zone either: the nearest name by spelling was hours off
    # ('PST' and 'JST' -> 'MST')
    "config timezone as an abbreviation": (
        "newsgen.yaml",
        "timezone: JST\n",
        r"^newsgen\.yaml:1: error: timezone: 'JST' is not an IANA time zone but an "
        r"abbreviation, .*: name the zone of the place whose time the site keeps "
        r"\('Asia/Tokyo' for JST\)$",
    ),
    "config timezone of the machine": (  # the output would follow the machine's zone
        "newsgen.yaml",
        "timezone: localtime\n",
        r"^newsgen\.yaml:1: error: timezone: 'localtime' is not a zone's name but a file of "
        r"this computer's",
    ),
    # What a parser's own limits stop, or a value no count of anything could be
    "JSON number of thousands of digits": (
        "content/general/visit.md",
        '{"title": "J", "date": "2024-12-18", "section": "General",\n"x": ' + "9" * 5000
        + "}\nBody\n",
        r"^content/general/visit\.md:2: error: JSON front matter: a number of 5000 digits is "
        r"too long to read",
    ),
    "JSON nested thousands deep": (
        "content/general/visit.md",
        '{"title": "J", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\nBody\n",
        r"^content/general/visit\.md:1: error: JSON front matter: values nested too deeply",
    ),
    "TOML nested thousands deep": (
        "content/general/visit.md",
        "+++\ntitle = 'T'\nx = " + "[" * 100_000 + "]" * 100_000 + "\n+++\nBody\n",
        r"^content/general/visit\.md:2: error: TOML front matter: values nested too deeply",
    ),
    "config number of thousands of digits": (
        "newsgen.yaml",
        "title: X\nper_page: " + "9" * 5000 + "\n",
        r"^newsgen\.yaml:2: error: per_page: expected a whole number of at least 1, got "
        r"'9{40}…'$",
    ),
    "config number in quotes": (
        "newsgen.yaml",
        "title: X\nper_page: \"10\"\n",
        r"^newsgen\.yaml:2: error: per_page: expected a whole number of at least 1, got "
        r"'10' in quotes: write 10 without them$",
    ),
    "config days beyond the calendar": (
        "newsgen.yaml",
        "news_sitemap: {days: 100000000000}\n",
        r"^newsgen\.yaml:1: error: news_sitemap\.days: expected 1 to 3650",
    ),
    "config base_url whose IPv6 host is never closed": (
        "newsgen.yaml",
        "base_url: 'https://[::1/'\n",
        r"^newsgen\.yaml:1: error: base_url: 'https://\[::1/' is not a URL: its host opens "
        r"'\[' for an IPv6 address and never closes it",
    ),
    "alias whose IPv6 host is never closed": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\naliases: ['https://[::1/x']\n---\n",
        r"^content/general/visit\.md:5: error: aliases: 'https://\[::1/x' is not a path",
    ),
    "a body nested hundreds of lists deep, with tabs": (  # " \t" is one level to Markdown
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\n"
        + "".join(" \t" * i + "- x\n" for i in range(2000)),
        r"^content/general/visit\.md:107: error: this line is indented hundreds of levels",
    ),
    "a body nested hundreds of lists deep": (  # Markdown would take minutes, then fail
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\n"
        + "".join("  " * i + "- x\n" for i in range(3000)),
        r"^content/general/visit\.md:207: error: this line is indented hundreds of levels "
        r"deep, more than Markdown can read: flatten it",
    ),
    "a body of emphasis nested thousands deep": (  # said where the nesting is
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\nFirst.\n\n" + "*" * 3000
        + "x" + "*" * 3000 + "\n\nLast, **bold**.\n",
        r"^content/general/visit\.md:9: error: the body nests lists, quotes or emphasis too "
        r"deeply for Markdown to read",
    ),
    "a body of lists nested hundreds deep on one line": (  # (no indentation to find)
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\nFirst.\n\n- a\n- "
        + "1. - " * 300 + "x\n",
        r"^content/general/visit\.md:10: error: the body nests lists, quotes or emphasis too "
        r"deeply for Markdown to read",
    ),
    "a static file named like the output's mark": (
        "static/.newsgen-output",
        "x\n",
        r"^static/\.newsgen-output: error: /\.newsgen-output is the mark newsgen writes in "
        r"every output folder it makes: rename this file",
    ),
    "a NUL in front matter": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\nkicker: a\x00b\n---\n",
        r"^content/general/visit\.md:5: error: the character U\+0000 is not allowed in YAML",
    ),
    "a line separator pasted into a title moves no line": (  # (YAML ends a line there)
        "content/general/visit.md",
        "---\ntitle: Cotton\u2028harvest\ndate: 2024-13-01\nsection: General\n---\n",
        r"^content/general/visit\.md:3: error: date: '2024-13-01' is not a date",
    ),
    "a NUL in newsgen.yaml": (
        "newsgen.yaml",
        "title: X\nper_page: 5\x00\n",
        r"^newsgen\.yaml:2: error: the character U\+0000 is not allowed in YAML",
    ),
    "an alias longer than a folder's name may be": (
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\naliases: ['/" + "a" * 300
        + "/']\n---\n",
        r"^content/general/visit\.md:5: error: aliases: '/a{300}/' has a part between slashes "
        r"longer than 255 bytes",
    ),
    "config permalink part longer than a folder's name may be": (
        "newsgen.yaml",
        "permalink: /" + "a" * 300 + "/{slug}/\n",
        r"^newsgen\.yaml:1: error: permalink: a part between slashes is longer than 135 bytes",
    ),
    "content that is a file": (
        "content",
        "not a folder\n",
        r"^content: error: is not a folder: newsgen reads the site's content from a folder of "
        r"that name",
    ),
    "a broken link written with an escape": (  # said on its line, not the body's first
        "content/general/visit.md",
        "---\ntitle: V\ndate: 2024-12-01\nsection: General\n---\n\nFirst.\n\n"
        "See [a](a\\_b.md) and <a href=\"c&#95;d.md\">c</a>.\n",
        r"^content/general/visit\.md:9: error: link 'c_d\.md': no file content/general/c_d\.md",
    ),
    "TOML front matter ending inside a list": (
        "content/general/visit.md",
        "+++\ntitle = 'V'\ndate = 2024-12-01\nsection = 'General'\ntags = [\n+++\nBody\n",
        r"^content/general/visit\.md:5: error: TOML front matter: Invalid value: the front "
        r"matter ends before its value does",
    ),
    "a YAML tag": (
        "content/general/visit.md",
        "---\ntitle: !!python/object/apply:os.system ['echo hi']\ndate: 2024-12-01\n"
        "section: General\n---\n",
        r"^content/general/visit\.md:2: error: the YAML tag '!!python/object/apply:os\.system' "
        r"is not read here",
    ),
    "template syntax error": (
        "templates/article.html",
        "{% extends 'base.html' %}\n{% block content %}\n{{ article.title \n{% endblock %}\n",
        r"^templates/article\.html:\d+: error: template syntax:",
    ),
    "template includes a missing partial": (  # at the include, not the page's template
        "templates/read_also.html",
        '<aside class="read-also">\n<h2>x</h2>\n{% include "bits/x.html" %}\n</aside>\n',
        r"^templates/read_also\.html:3: error: template not found: bits/x\.html",
    ),
    "template undefined variable": (
        "templates/read_also.html",
        "<aside class=\"read-also\">\n{{ article.no_such_thing }}\n</aside>\n",
        r"^templates/read_also\.html:2: error: while rendering /.*no_such_thing",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_fails_cleanly_and_keeps_previous_output(tmp_path: Path, name: str) -> None:
    site = write_site(tmp_path / "site", GOOD)
    first = newsgen("build", "-s", site, "--now", NOW)
    assert first.code == 0, first.err
    before = tree_digest(site / "dist")
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "dist").rglob("*")}

    rel, text, pattern = CASES[name]
    if name == "content that is a file":  # (the articles are gone: newsgen must not agree)
        shutil.rmtree(site / "content")
        write_site(site, {"newsgen.yaml": "title: X\n"})
    if name == "not utf-8":
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    else:
        write_site(site, {rel: text})
    if name == "same url from the file names":
        write_site(site, {"content/general/one.md": article("One", "2024-12-01", "General")})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1, run.err
    assert any(re.search(pattern, line) for line in run.errors()), run.err
    assert tree_digest(site / "dist") == before
    assert {p: p.stat().st_mtime_ns for p in (site / "dist").rglob("*")} == mtimes

    # `check` finds the same problem and writes nothing.
    check = newsgen("check", "-s", site, "--now", NOW)
    assert check.code == 1
    assert any(re.search(pattern, line) for line in check.errors()), check.err


def test_all_errors_in_one_run(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        **GOOD,
        "newsgen.yaml": "title: X\nper_pgae: 3\nread_also: {limt: 2}\n",
        "content/general/a.md": "---\ntitle: A\ndate: 2024-13-45\nsection: General\n---\n",
        "content/general/b.md": "---\ntitle: B\ndate: 2024-12-01\nsection: General\n"
                                "draft: perhaps\n---\n",
        "content/general/c.md": "---\ntitle: C\ndate: 2024-12-01\nsection: General\n"
                                "related: [missing-one]\n---\n",
    })
    run = newsgen("build", "-s", site)
    assert run.code == 1
    errors = run.errors()
    assert any(e.startswith("newsgen.yaml:2: error: unknown key 'per_pgae'") for e in errors)
    assert any(e.startswith("newsgen.yaml:3: error: unknown key 'read_also.limt'")
               for e in errors)
    assert any(e.startswith("content/general/a.md:3: error: date:") for e in errors)
    assert any(e.startswith("content/general/b.md:5: error: draft:") for e in errors)
    assert any(e.startswith("content/general/c.md:5: error: related: no article") for e in errors)
    assert not (site / "dist").exists()


def test_paths_in_messages_are_relative_to_the_site_from_anywhere(tmp_path: Path) -> None:
    site = write_site(tmp_path / "deep" / "site", {
        "content/general/visit.md": "---\ntitle: V\ndate: 2024-13-45\nsection: G\n---\n",
    })
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = newsgen("build", "-s", site, cwd=elsewhere)
    assert run.code == 1
    assert run.errors()[0].startswith("content/general/visit.md:3: error: date:")


def test_reference_to_draft_or_future_is_a_warning(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", related="[b, c]"),
        "content/general/b.md": article("B", draft="true"),
        "content/general/c.md": article("C", date="2031-01-01"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    warnings = run.warnings()
    assert any(w.startswith("content/general/a.md:5: warning: related: 'b'") and "draft" in w
               for w in warnings), run.err
    assert any(w.startswith("content/general/a.md:5: warning: related: 'c'") for w in warnings)
    page = (site / "dist/general/a/index.html").read_text("utf-8")
    assert "/general/b/" not in page and "/general/c/" not in page


def test_markdowns_recursion_is_said_where_the_nesting_opens() -> None:
    assert nesting_line("a\n\n" + "*" * 300 + "x\n\n" + "*" * 300 + "\n") == 2  # the first
    assert nesting_line("a\n\n- " + "> " * 150 + "x\n") == 2
    assert nesting_line("a\n\n**b**, _c_ and [d](e)\n\n* * *\n") == 0  # none: the first line


def test_deep_indentation_inside_a_code_fence_is_code_not_nesting(tmp_path: Path) -> None:
    """A fenced listing indented hundreds of columns (generated code, a minified file)
    is published as it is: Markdown never reads a fence's lines as lists. The same line
    outside a fence, or in a fence never closed, is still refused on its line."""
    deep = "\t" * 120 + "return 1\n"
    site = write_site(tmp_path / "s", {
        "content/general/code.md": article("Code", body="Listing:\n\n```js\n" + deep + "```\n"),
        "content/general/open.md": article("Open", body="Listing:\n\n~~~\n" + deep),
        # closed for Markdown, which drops the \x02 first: the deep line is outside
        "content/general/trick.md": article("Trick", body="```\ncode\n\x02```\n" + deep
                                            + "```\n"),
        # a fence this check does not read as Markdown does (`{.py}`): none is exempt
        "content/general/attrs.md": article("Attrs", body="```{.py}\ncode\n```\n" + deep
                                            + "```\n"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    errors = [e for e in run.err.splitlines() if ": error: " in e]
    assert errors == ["content/general/attrs.md:10: error: " + TOO_DEEP,
                      "content/general/open.md:10: error: " + TOO_DEEP,
                      "content/general/trick.md:10: error: " + TOO_DEEP], run.err
    for name in ("open", "trick", "attrs"):
        (site / f"content/general/{name}.md").unlink()
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    page = (site / "dist/general/code/index.html").read_text("utf-8")
    assert " " * 480 + "return 1" in page and "<pre" in page  # (tabs as 4 spaces)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert newsgen("build", "--no-such-flag").code == 2
    assert newsgen("frobnicate").code == 2
    assert newsgen().code == 2
    assert newsgen("build", "-j", "zero").code == 2
    (tmp_path / "content").mkdir()
    empty = newsgen("build", "-s", tmp_path, "-o", " ")
    assert (empty.code, empty.err.strip()) == (
        2, "newsgen: error: -o/--output is empty; name an output folder")


def test_missing_site_folder_is_a_usage_error(tmp_path: Path) -> None:
    run = newsgen("build", "-s", tmp_path / "nope")
    assert run.code == 2
    assert "does not exist" in run.err


def test_a_template_error_in_worker_processes_is_reported_once_not_hung(
        tmp_path: Path) -> None:
    """With enough pages to render in worker processes, a template failure comes back
    pickled: it could not be made again, the pool's result thread died and the build
    hung. It is reported once per page kind, as in one process."""
    files = {f"content/general/a{i:02d}.md": article(f"A {i}", "2024-12-10", "General")
             for i in range(80)}
    files["templates/article.html"] = ('{% extends "builtin/article.html" %}\n'
                                       "{% block head_extra %}{{ article.subtitle }}"
                                       "{% endblock %}\n")
    site = write_site(tmp_path / "site", files)
    run = newsgen("build", "-s", site, "--now", NOW, "-j", "2", timeout=120)
    assert run.code == 1, run.err
    errors = run.errors()
    assert len(errors) == 1 and errors[0].startswith("templates/article.html:2: error: "
                                                     "while rendering /general/a"), run.err


def _png_header(width: int, height: int) -> bytes:
    """A PNG that only claims a size: its header, no pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                                0, 0, 0)) + chunk(b"IEND", b""))


def test_images_beyond_what_a_decoder_or_webp_takes(tmp_path: Path) -> None:
    tall = io.BytesIO()
    Image.new("RGB", (17, 20_000), (200, 10, 10)).save(tall, "JPEG")
    site = write_site(tmp_path / "site", {
        **GOOD,
        "content/general/trap.png": _png_header(100_000, 100_000),
        "content/general/tall.jpg": tall.getvalue(),
        "content/general/visit.md": article("Visit", "2024-12-12", "General",
                                            image="{src: tall.jpg, alt: A ribbon}"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err  # no WebP of 20,000 px: the JPEG sizes only
    made = {p.name for p in (site / "dist/general").iterdir() if p.name.startswith("tall")}
    assert made and not [name for name in made if name.endswith(".webp")]
    before = tree_digest(site / "dist")
    write_site(site, {"content/general/visit.md": article(
        "Visit", "2024-12-12", "General", image="{src: trap.png, alt: A trap}")})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == [
        "content/general/visit.md:5: error: image: content/general/trap.png says it is larger "
        "than 178,956,970 pixels, too large to read (a photo that big is a mistake, or a trap)"]
    assert tree_digest(site / "dist") == before


@pytest.mark.parametrize("permalink", ["/{slug}-{section}-{slug}/",
                                       "/{slug}-{section}-" + "ж" * 30 + "/"])  # (in bytes)
def test_placeholders_that_make_a_folder_name_too_long(tmp_path: Path, permalink: str) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": f"permalink: {permalink}\n",
        "content/general/one.md": article("One", "2024-12-10", "General " + "desk " * 30,
                                          slug="w" * 100)})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert [e.split(" has ")[1] for e in run.errors()] == [
        "a part between slashes longer than 255 bytes, more than a folder's name may be on "
        "disk"]
    assert run.errors()[0].startswith("content/general/one.md:5: error: /wwww")
    assert not (site / "dist").exists()


def test_files_that_cannot_be_read_are_errors_on_their_paths(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A static file or a template that cannot be read (permissions, a disk error) is an
    error on its path, each one, never the program's own words and an absolute path;
    the output is left as it was."""
    import shutil

    import jinja2.loaders

    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A"),
        "static/a.txt": "a", "static/b.txt": "b", "static/c.txt": "c",
        "templates/home.html": '{% extends "builtin/home.html" %}',
    })
    assert build_here(site)[0] is not None
    before = tree_digest(site / "dist")
    copy, real_open = shutil.copyfile, open

    def copyfile(source: str, target: str) -> object:
        if str(source).endswith(("a.txt", "c.txt")):
            raise PermissionError(13, "Permission denied", str(source))
        return copy(source, target)

    def unreadable(name: str, *args: object, **kwargs: object) -> object:
        if str(name) == str(site / "templates/home.html"):
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)  # type: ignore[call-overload]

    for path in ("static/a.txt", "static/c.txt"):
        (site / path).write_text("changed")
    monkeypatch.setattr(shutil, "copyfile", copyfile)
    result, rep = build_here(site)
    assert result is None
    assert [d.format() for d in rep.errors] == [
        "static/a.txt: error: cannot read: Permission denied",
        "static/c.txt: error: cannot read: Permission denied"]
    monkeypatch.setattr(jinja2.loaders, "open", unreadable, raising=False)
    (site / "templates/home.html").write_text('{% extends "builtin/home.html" %}\n')
    result, rep = build_here(site)
    assert result is None
    assert [d.format() for d in rep.errors] == [
        "templates/home.html: error: cannot read: Permission denied"]
    assert tree_digest(site / "dist") == before


def test_a_lead_image_without_alt_text_warns_wherever_it_is(tmp_path: Path) -> None:
    """On this site or another: a screen reader skips it all the same."""
    from PIL import Image as Picture

    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", image="https://img.example.org/a.jpg"),
        "content/general/b.md": article("B", image="b.png"),
        "content/general/c.md": article("C", image="{src: b.png, alt: A ferry}"),
    })
    Picture.new("RGB", (40, 30)).save(site / "content/general/b.png")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert [w for w in run.warnings() if "alt" in w] == [
        f"content/general/{name}.md:5: warning: image: no 'alt' text; screen readers will "
        "skip the image" for name in ("a", "b")], run.err


def test_a_file_name_with_a_line_break_is_an_error_on_one_line(tmp_path: Path) -> None:
    """Every message about it would be split in two (and a tool reading them lost): the
    name is shown with `\\n`, and the file is not published under a made-up slug."""
    site = write_site(tmp_path / "s", {"content/general/b.md": article("B")})
    (site / "content/general/new\nline.md").write_text(article("A", date="2024-13-45"))
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == ["content/general/new\\nline.md: error: the name holds a line "
                            "break or another control character: rename it"], run.err


def test_a_link_that_leads_back_to_itself_is_told_from_a_broken_one(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"content/general/b.md": article("B")})
    (site / "content/general/loop.md").symlink_to("loop.md")
    (site / "content/general/gone.md").symlink_to("nowhere.md")
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == [
        "content/general/gone.md: error: symbolic link is broken",
        "content/general/loop.md: error: symbolic link leads back to itself (a loop)"], run.err


def test_a_png_with_a_damaged_optional_part_is_published_with_a_warning(
        tmp_path: Path) -> None:
    """Browsers show a PNG whose colour profile's checksum is wrong (old sites hold many):
    it is read without that part, with a warning; a PNG cut short is still an error."""
    from PIL import ImageCms

    buf = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (1400, 800), (20, 90, 160)).save(buf, "PNG", icc_profile=profile)
    data = bytearray(buf.getvalue())
    at = data.find(b"iCCP")
    data[at + 4 + struct.unpack(">I", data[at - 4:at])[0]] ^= 0xFF  # its checksum
    site = write_site(tmp_path / "s", {
        "content/general/photo.png": bytes(data),
        "content/general/a.md": article("A", image="{src: photo.png, alt: Blue}"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert [w for w in run.warnings() if "photo" in w] == [
        "content/general/a.md:5: warning: image: content/general/photo.png has a damaged "
        "optional part (a checksum that does not match, often in its colour profile): read "
        "without it; saving the image again mends it"], run.err
    assert (site / "dist/general/photo-960w.png").is_file()
    write_site(site, {"content/general/photo.png": bytes(data[:len(data) // 2])})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors()[0].startswith("content/general/a.md:5: error: image: "), run.err


def test_links_never_closed_are_counted_as_markdown_reads_them() -> None:
    from newsgen.parse.body_lines import unclosed_links

    # a table's cells are read one by one, whatever its rule's dashes
    table = "| a | b |\n|-|-|\n" + "| g | [1, 2) |\n" * 2100
    assert unclosed_links(table) is None
    # many paragraphs together: the worst is named, and that there are more
    body = "x\n\n" + "[a](b " * 1500 + "\n\n" + "[a](b " * 1500
    assert unclosed_links(body) == (2, 1500, 2)
