"""Template syntax of other generators in a body: Hugo shortcodes and Liquid (Jekyll).

newsgen does not run them, so `{{< youtube … >}}` or `{% link … %}` would reach
readers as text. `find()` names each one outside code, on its line, with what to
write in newsgen instead; the construct is quoted in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_HUGO = re.compile(r"\{\{[<%]-?\s*(/?[\w./-]+)(?:.*?)[>%]\}\}")
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)(?:.*?)-?%\}")
_LIQUID_OUT = re.compile(
    r"\{\{-?\s*(site|page|post|layout|include|paginator|jekyll|content)\b.*?-?\}\}")
_FENCE = re.compile(r"\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).+?\1")

_LINK = "write a relative link to the article's file: [the story](../section/story.md)"
_IMAGE = "write a Markdown image: ![what it shows](photo.jpg)"
_FENCE_ADVICE = "write a code fence: ``` on a line before the code and after it"
_HUGO_ADVICE = {
    "ref": _LINK, "relref": _LINK,
    "figure": _IMAGE, "img": _IMAGE, "image": _IMAGE,
    "youtube": "embed the video with raw HTML (an <iframe>) or link to it",
    "vimeo": "embed the video with raw HTML (an <iframe>) or link to it",
    "tweet": "link to the post: [the post](https://…)", "x": "link to the post: [the post](https://…)",
    "instagram": "link to the post: [the post](https://…)",
    "gist": "link to the gist, or paste the code in a code fence",
    "highlight": _FENCE_ADVICE,
    "param": "write the value itself",
}
_LIQUID_ADVICE = {
    "link": _LINK, "post_url": _LINK,
    "highlight": _FENCE_ADVICE, "endhighlight": _FENCE_ADVICE,
    "include": "paste the text itself (a shared part belongs in a template)",
    "raw": "remove it: newsgen shows the text between as it is",
    "endraw": "remove it: newsgen shows the text between as it is",
    "comment": "remove it, or write an HTML comment <!-- … -->",
    "endcomment": "remove it, or write an HTML comment <!-- … -->",
}


def find(body: str) -> Iterator[tuple[int, str]]:
    """(line within the body, from 0; message) for each foreign construct outside code."""
    fence: str | None = None
    for number, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if opened:
            if fence is None:
                fence = opened.group(1)
            elif opened.group(1) == fence:
                fence = None
            continue
        if fence is not None or ("{{" not in line and "{%" not in line):
            continue
        text = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for match in _HUGO.finditer(text):
            name = match.group(1).lstrip("/")
            advice = _HUGO_ADVICE.get(name, "newsgen has no shortcodes: write Markdown, or "
                                            "raw HTML, instead")
            yield number, (f"Hugo shortcode '{match.group(0)}' would be shown as text: "
                           f"{advice}")
        text = _HUGO.sub(lambda m: " " * len(m.group(0)), text)  # `{{% x %}}` is Hugo's
        for match in _LIQUID_TAG.finditer(text):
            name = match.group(1)
            advice = _LIQUID_ADVICE.get(name, "Liquid does not run in newsgen: write the "
                                              "result as text or Markdown")
            yield number, f"Liquid tag '{match.group(0)}' would be shown as text: {advice}"
        for match in _LIQUID_OUT.finditer(text):
            yield number, (f"Liquid variable '{match.group(0)}' would be shown as text: "
                           "write the value itself (or a relative link)")


def is_template_syntax(target: str) -> bool:
    """A link target that is a shortcode or Liquid, not a file (`{{< ref "x" >}}`)."""
    return target.lstrip().startswith(("{{", "{%"))
