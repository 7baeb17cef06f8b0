"""How newsgen sets Python-Markdown up: its extensions, the punctuation a backslash
escapes, the braces that hold attributes, and the key of all of it with the libraries'
versions, which the build state keeps converted bodies by. A build with nothing to do
imports none of it: its quick key knows the libraries by their files
(newsgen.incremental.keys.library_stamps).
"""

from __future__ import annotations

import markdown
import pymdownx

# Python-Markdown takes any {…} after an element as its attributes, up to the line's last
# `}`: "*S*{1, 2} and {x}" became `<em 1_ 2>` and lost and reordered text. Only braces that
# hold attributes are: `{: .class #id key=value}` (kramdown's and Python-Markdown's forms).
_ATTR = r"""(?:[#.][\w-]+|[\w-]+=(?:"[^"\n]*"|'[^'\n]*'|[^\s}"']+))"""
ATTRS = r"\{\:?[ ]*(" + _ATTR + r"(?:[ ]+" + _ATTR + r")*)[ ]*\}"

# pymdownx.superfences: code fences also inside list items and blockquotes (Python-Markdown's
# own fenced_code sees them only at the top level, and turns a `# comment` in them into a
# heading); pymdownx.highlight without Pygments: `<pre><code class="language-x">`, the same
# with or without Pygments installed, for a site's own script or stylesheet to colour.
# pymdownx.tilde: ~~struck out~~ (a correction, as Hugo's and GitHub's Markdown show it),
# without ~subscript~. Attribute lists are newsgen's own, stricter
# (newsgen.parse.attributes.AttrLists).
EXTENSIONS = ("tables", "pymdownx.highlight", "pymdownx.superfences", "pymdownx.tilde",
              "footnotes", "toc", "sane_lists")
# CommonMark lets a backslash escape any ASCII punctuation (`\~90 ms`, `\$5`), as Hugo and
# Jekyll sites write it; Python-Markdown only some.
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
# What a converted body depends on besides its text: the build state keys bodies by it.
# (and the revision of newsgen's own steps, newsgen.parse.markup's: raise it when they
# change what they make)
CONVERTER = (f"9|{EXTENSIONS}|{ATTRS}|{PUNCTUATION}|markdown {markdown.__version__}|"
             f"pymdownx {pymdownx.__version__}")  # not importlib.metadata: 35 ms a process
